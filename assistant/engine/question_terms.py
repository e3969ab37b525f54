"""What a question asks about, in the portfolio's own terms (`analyse`).

Its topics repaired to the portfolio's spelling, the ones the portfolio never uses, the names
it asks about, and in a yes/no question what the owner is asked to have done, to what.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from assistant.index.vocabulary import Vocabulary, spelled_out
from assistant.index.words import (
    MAX_ENDING_LETTERS,
    PLACE_WORDS,
    QUESTION_WORDS,
    STOP_WORDS,
    WORD,
    singular,
    stem,
    unaccented,
    words,
)


@dataclass(frozen=True)
class QuestionTerms:
    """What a question asks about, in the corpus's terms."""

    text: str  # the question with misspellings repaired
    topics: tuple[str, ...]  # content words, repaired, not stop or question words
    unknown: tuple[str, ...]  # topics the corpus never uses
    rare_unknown: tuple[str, ...]  # unknown topics that look like names or technologies
    # In a yes/no question about him ("has he managed ..."), the first topic word after him.
    predicate: str | None = None
    # Corpus words standing in for ordinary words the corpus does not use ("hobbies" ->
    # "interests"); already in `text` and `topics`.
    related: tuple[str, ...] = ()
    # Known topics that are names or technologies rather than English words ("Figma", "Java"
    # written as a name).
    names: tuple[str, ...] = ()
    # Whether the predicate is the word right after him, the verb ("has he worked ..."), not
    # a thing after a verb that is no topic ("does she have a psychology background").
    predicate_is_verb: bool = False
    # In a yes/no question, the things narrowed by a word the corpus never uses ("automotive
    # firmware", "hardware product"), as written.
    narrowed: tuple[str, ...] = ()
    # In a yes/no question, the topics right after the verb: what was done ("reduced support
    # tickets with better docs": support, tickets).
    done_to: tuple[str, ...] = ()
    # The question's words the `related` ones stand in for, in the same order ("hobbies").
    stood_for: tuple[str, ...] = ()

    @property
    def known(self) -> tuple[str, ...]:
        """Topics the corpus uses."""
        return tuple(t for t in self.topics if t not in self.unknown)


# "Is she a nurse prescriber?": asks whether the owner is some kind of person.
IS_A = re.compile(r"^\W*(?:is|was)\s+\w+\s+(?:a|an)\s", re.IGNORECASE)
_WHERE = re.compile(r"^\W*where\b", re.IGNORECASE)


# The auxiliaries that open a yes/no question and stand before what someone did.
_AUXILIARY = r"(?:is|was|has|have|had|does|did|do|can|could|will|would)"
_YES_NO = re.compile(rf"^\s*{_AUXILIARY}\s+([A-Za-z]+)\b", re.IGNORECASE)


_AFTER_AUXILIARY = re.compile(rf"\b{_AUXILIARY}\s+([A-Za-z]+)\s+([A-Za-z]+)", re.IGNORECASE)


def owner_verbs(question: str, vocabulary: Vocabulary) -> frozenset[str]:
    """The verbs the question says the owner did: "design" in "What did she design?".

    The word after an auxiliary and the owner ("did she", "has Lena"), its slips repaired
    ("has she wrked"); what the owner did is not a thing the question asks about by name.
    """
    return frozenset(
        vocabulary.repair(match.group(2).lower())
        for match in _AFTER_AUXILIARY.finditer(unaccented(question))
        if match.group(1).lower() in vocabulary.owner_words
    )


def _asks_yes_or_no_about_owner(question: str, vocabulary: Vocabulary) -> re.Match[str] | None:
    """The opening of "has he ...", "did <owner> ..." questions, or None."""
    match = _YES_NO.match(question)
    return match if match and match.group(1).lower() in vocabulary.owner_words else None


_LETTERS = re.compile(r"[A-Za-z]{2,}")


def _joined(text: str, vocabulary: Vocabulary) -> str:
    """The text with two words the corpus writes as one joined ("Scrum Master": ScrumMaster)."""
    found = list(_LETTERS.finditer(text))
    pieces: list[str] = []
    written = 0
    i = 0
    while i + 1 < len(found):
        first, second = found[i], found[i + 1]
        joined = first.group(0) + second.group(0)
        # Not a hyphenated or dotted word's parts ("threat modelling", "priya raman" of
        # priya.raman@...): `words` also joins those.
        parts = (f"{first.group(0)}{mark}{second.group(0)}".lower() for mark in "-.")
        if (
            text[first.end() : second.start()] == " "
            and joined.lower() in vocabulary.words
            and not any(p in vocabulary.words for p in parts)
            and joined.lower() not in STOP_WORDS
        ):
            pieces += [text[written : first.start()], joined]
            written = second.end()
            i += 2
        else:
            i += 1
    return "".join(pieces) + text[written:]


_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]{1,7}\b")


def analyse(
    question: str,
    vocabulary: Vocabulary,
    relate: Callable[[str], str | None] | None = None,
    same_sense: Callable[[str], bool] | None = None,
) -> QuestionTerms:
    """Repair typos and sort the question's topic words into known and unknown.

    `relate` finds the corpus word closest in meaning to an ordinary English word the corpus
    does not use (None when none is close): such a word is known through it. Names and
    technologies are never related to another word: "Kubernetes" is not "Docker".
    `same_sense` tells whether the corpus's other forms of a word it does not use as written
    mean the same ("booking" is no "book"): a word used only in another sense is not known.
    """
    # Words are matched without their accents; what is shown keeps them ("Université").
    # An acronym of a name the portfolio spells out is that name ("the GPhC").
    question = _ACRONYM.sub(lambda m: spelled_out(m.group(0), vocabulary) or m.group(0), question)
    written = _joined(question, vocabulary)
    question = unaccented(written)
    repaired_text = written
    topics: list[str] = []
    unknown: list[str] = []
    rare: list[str] = []
    related: list[str] = []
    stood_for: list[str] = []
    found_as: list[str] = []  # the corpus's forms of known words the search cannot match
    names: list[str] = []
    yes_no = _asks_yes_or_no_about_owner(question, vocabulary)
    predicate: str | None = None
    predicate_is_verb = False
    predicate_position = -1
    topic_at: dict[int, str] = {}
    matches = list(WORD.finditer(question))
    # The topics after a yes/no question's verb: (position, word, whether the corpus uses it,
    # whether it uses a word close in meaning).
    asked: list[tuple[int, str, bool, bool]] = []
    for position, match in enumerate(matches):
        raw = written[match.start() : match.end()]
        for word in words(raw)[:1]:
            fixed = vocabulary.repair(word)
            if fixed != word:
                repaired_text = repaired_text.replace(raw, fixed, 1)
            looks_like_name = (
                position > 0
                and raw[:1].isupper()
                or raw.isupper()
                and len(raw) > 1
                or fixed in vocabulary.acronyms
            )
            # A word of asking written as a name the portfolio uses is that name ("Does she
            # know Go?").
            named = looks_like_name and fixed in QUESTION_WORDS and vocabulary.knows(fixed)
            if not vocabulary.is_topic(fixed) and not named:
                continue
            is_rare = looks_like_name or bool(
                vocabulary.common_words and not vocabulary.is_common(fixed)
            )
            known = vocabulary.knows(fixed) and (same_sense is None or same_sense(fixed))
            if known and looks_like_name and vocabulary.is_common(fixed):
                # An English word written as a name is that name ("published in Nature"): the
                # portfolio must write it, not only another word of its stem ("natural").
                known = bool({fixed, singular(fixed), f"{fixed}s"} & vocabulary.words)
            near = None
            # The text repaired so far: "wher does he liv".
            if fixed in PLACE_WORDS and _WHERE.match(repaired_text) and "based" in vocabulary.words:
                near = "based"
            elif not known and not is_rare and relate is not None:
                near = relate(fixed)
            topic = near or fixed
            topics.append(topic)
            topic_at[position] = topic
            if yes_no and match.start() >= yes_no.end():
                if predicate is None:
                    predicate, predicate_position = topic, position
                    predicate_is_verb = not question[yes_no.end() : match.start()].strip()
                else:
                    asked.append((position, fixed, known, near is not None))
            if near is not None:
                related.append(near)
                stood_for.append(fixed)
                continue
            if known:
                if is_rare:
                    names.append(fixed)
                found_as.extend(_searched_forms(fixed, vocabulary))
                continue
            unknown.append(fixed)
            if is_rare:
                rare.append(raw.removesuffix("'s"))
    if related or found_as:
        repaired_text = f"{repaired_text} {' '.join([*related, *found_as])}"
    raw_words = [m.group(0).lower() for m in matches]
    return QuestionTerms(
        repaired_text,
        tuple(topics),
        tuple(unknown),
        tuple(rare),
        predicate,
        tuple(related),
        tuple(names),
        predicate_is_verb,
        _narrowed(asked, raw_words),
        _done_to(topic_at, predicate_position, len(matches)) if predicate_is_verb else (),
        tuple(stood_for),
    )


def _searched_forms(word: str, vocabulary: Vocabulary) -> list[str]:
    """The corpus's forms of a word, its ending changed, that no stem of it matches.

    "train": "trainee". The word is known through them; the keyword search knows only stems
    ("traine"). Not a longer word that begins with it ("sales": "salesforce").
    """
    if word in vocabulary.words:
        return []
    own = stem(word)
    return [
        f
        for f in vocabulary.forms(word)
        if stem(f) != own and f.startswith(word) and len(f) - len(word) <= MAX_ENDING_LETTERS
    ][:2]


def _done_to(topic_at: dict[int, str], verb_position: int, length: int) -> tuple[str, ...]:
    """The topics right after the verb, past any words that are no topic ("a", "on")."""
    found: list[str] = []
    for position in range(verb_position + 1, length):
        if position in topic_at:
            found.append(topic_at[position])
        elif found:
            break
    return tuple(found)


def _narrowed(asked: list[tuple[int, str, bool, bool]], raw_words: list[str]) -> tuple[str, ...]:
    """The thing asked about, if a word the corpus never uses narrows one it does.

    "Has he worked on automotive firmware?": firmware, but not automotive firmware. Only the
    first two words after the verb, what was done ("reduced support tickets with better
    docs" asks about support tickets); not a verb's -ing before its object ("worked on
    reducing power consumption"), nor one of alternatives ("booking or ticketing systems":
    booking would do).
    """
    if len(asked) < 2:
        return ()
    (position, word, uses, _), (next_position, head, head_used, head_related) = asked[:2]
    narrows = (
        next_position == position + 1
        and not uses
        and (head_used or head_related)
        and not word.endswith("ing")
        and raw_words[position - 1] not in ("or", "and")
    )
    return (f"{word} {head}",) if narrows else ()


def things_asked(verbs: frozenset[str], terms: QuestionTerms) -> list[str]:
    """The known topics, less the verbs of what the owner did."""
    return [t for t in terms.known if t not in verbs]
