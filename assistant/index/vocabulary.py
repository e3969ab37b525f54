"""The words a portfolio uses: to repair a question's typos and to spot what it never says."""

from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import lemminflect
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from assistant.index.words import (
    CHAT_WORDS,
    CLIPPED_ENGLISH_MIN_LETTERS,
    FIELD_WORDS,
    QUESTION_WORDS,
    STOP_WORDS,
    WORD,
    singular,
    term,
    unaccented,
    words,
)


def _acronyms(texts: Iterable[str]) -> frozenset[str]:
    """The words `texts` write only in capitals, two letters at least ("UK", "AWS").

    A text in capitals throughout is a heading ("WORK EXPERIENCE"), not a row of acronyms.
    """
    capitals: set[str] = set()
    other: set[str] = set()
    for text in texts:
        heading = not any(c.islower() for c in text)
        for match in WORD.finditer(unaccented(text)):
            raw = match.group(0).removesuffix("'s")
            if raw.isupper() and sum(c.isalpha() for c in raw) > 1:
                if not heading:
                    capitals.add(raw.lower())
            else:
                other.add(raw.lower())
    return frozenset(capitals - other)


# Runs of capitalised words, with the small words names keep inside ("Royal Society of
# Chemistry"); linear: each word is matched once.
_CAPITALISED_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s+(?:(?:of|and|for|the|&)\s+)?[A-Z][a-z]+){1,5}\b")
_JOINING = frozenset("of and for the &".split())
MAX_ACRONYM_LETTERS = 8


def _spelled_names(texts: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """The names of several capitalised words in `texts`, by their initials."""
    found: dict[str, set[str]] = {}
    for text in texts:
        for match in _CAPITALISED_RUN.finditer(unaccented(text)):
            name = " ".join(match.group(0).split())
            initials = "".join(w[0] for w in name.split() if w not in _JOINING)
            found.setdefault(initials, set()).add(name)
    return {k: tuple(sorted(v)) for k, v in found.items()}


def spelled_out(acronym: str, vocabulary: Vocabulary) -> str | None:
    """The portfolio's name an acronym it never writes stands for, if one only.

    "GPhC": "General Pharmaceutical Council" (each capital opens a word, the small letters
    after it go on with that word: "Ph"armaceutical). None for a word the portfolio uses.
    """
    if not (2 <= len(acronym) <= MAX_ACRONYM_LETTERS and acronym.isalpha()):
        return None
    if not acronym[0].isupper() or sum(c.isupper() for c in acronym) < 2:
        return None
    if vocabulary.knows(acronym.lower()):
        return None
    pieces = re.findall(r"[A-Z][a-z]*", acronym)
    if "".join(pieces) != acronym:
        return None
    names = vocabulary.spelled_names.get("".join(p[0] for p in pieces), ())
    fitting = [
        n
        for n in names
        if all(
            w.lower().startswith(p.lower())
            for p, w in zip(pieces, [w for w in n.split() if w not in _JOINING], strict=True)
        )
    ]
    return fitting[0] if len(fitting) == 1 else None


@dataclass(frozen=True)
class Vocabulary:
    """The words the corpus uses, to repair typos and spot terms it never mentions."""

    words: frozenset[str]
    # Whole words of the model's tokenizer: ordinary English. Absent words are rare
    # (product names, technologies) and mark a specific topic.
    common_words: frozenset[str] = frozenset()
    # The owner's name and subject pronoun ("ada", "lovelace", "she"): who is asked about,
    # never a topic.
    owner_words: frozenset[str] = frozenset()
    # Words the corpus writes only in capitals ("UK", "AWS"): names, however a question
    # writes them ("has she worked in the uk").
    acronyms: frozenset[str] = frozenset()
    # The names of several capitalised words, by their initials ("GPC": ("General
    # Pharmaceutical Council",)): what an acronym the portfolio never writes may stand for.
    spelled_names: dict[str, tuple[str, ...]] = field(
        default_factory=dict, hash=False, compare=False
    )

    @classmethod
    def from_texts(
        cls,
        texts: Iterable[str],
        common_words: Iterable[str] = (),
        owner: str = "",
        pronoun: str = "he",
    ) -> Vocabulary:
        """Build the vocabulary of texts about the owner named `owner` (`pronoun`: he, she...)."""
        texts = list(texts)
        found = {w for text in texts for w in words(text)}
        return cls(
            frozenset(found),
            frozenset(common_words),
            frozenset([*words(owner), pronoun]),
            _acronyms(texts),
            _spelled_names(texts),
        )

    def is_topic(self, word: str) -> bool:
        """Whether a (repaired) word can be what a question is about."""
        return not (
            word in STOP_WORDS
            or word in QUESTION_WORDS
            or word in CHAT_WORDS
            or word in FIELD_WORDS
            or word in self.owner_words
            or word.isdigit()
        )

    def is_common(self, word: str) -> bool:
        """Whether a word is ordinary English.

        The tokenizer's words, a plural of one, or a compound of them ("real-time", "on-call").
        """
        parts = word.split("-") if "-" in word else [word]
        return all(p in self.common_words or singular(p) in self.common_words for p in parts)

    def knows(self, word: str) -> bool:
        """Whether the corpus uses this word (or another form of it)."""
        return word in self.words or bool(self.forms(word))

    def forms(self, word: str) -> tuple[str, ...]:
        """The corpus words that are another form of `word`: its term's, else its root's.

        "led": "leads"; "build": "built".
        """
        return self._by_term().get(term(word), ()) or self._sharing_root(word)

    @lru_cache(maxsize=4096)  # noqa: B019 - one Vocabulary per index, kept for its lifetime
    def _sharing_root(self, word: str) -> tuple[str, ...]:
        """The corpus words sharing all but the last two letters of `word` (five at least).

        The stemmer leaves some forms apart ("experienced" -> "experienc", "experience" ->
        "experi"): such a word is the same word.
        """
        root = max(5, len(word) - 2)
        if len(word) < root:
            return ()
        return tuple(sorted(w for w in self.words if w[:root] == word[:root]))

    # Cached: each unknown word would otherwise be compared with the whole vocabulary again.
    @lru_cache(maxsize=16384)  # noqa: B019 - one Vocabulary per index, kept for its lifetime
    def repair(self, word: str) -> str:
        """The corpus or stop word closest to a misspelt word, or the word itself."""
        # A number is never a misspelt word: "2022" is not a slip for the corpus's "2021".
        if len(word) < 3 or not self.is_topic(word) or not word.isalpha() and len(word) < 4:
            return word
        if len(word) == 3:
            # Too short to be told from another word of the corpus ("gcp", "cpp"): only a
            # dropped letter is put back ("knw" -> know, "wrk" -> work), keeping the first.
            if self.knows(word) or word in self.common_words:
                return word
            return _one_letter_dropped(
                word, (*_function_words(word[0]), *self._targets(), *self._english(word[0]))
            )
        if self.knows(word):
            return self._english_form(word)
        if word in self.common_words:
            # A real word is not a typo, even one letter away from a corpus word
            # ("visa" is not "via", "tall" is not "all").
            return word
        closest = _closest(word, self._targets())
        if closest == word:
            # A clipped word ("grad", "orchestr") stands for the corpus word it begins.
            closest = _shortest_begun(word, self.words)
        if closest == word and self.common_words and not self.is_common(word):
            # A slip in an ordinary word the corpus does not use ("efect"): the English word.
            # Slips rarely touch the first letter, which keeps "scool" from becoming "cool".
            # Of equally close words, one the portfolio uses in some form ("speek": "speak",
            # as in "Lucas speaks ...", not "sleek").
            closest = _closest(word, self._english(word[0]), self.knows)
        if closest == word and len(word) >= CLIPPED_ENGLISH_MIN_LETTERS:
            # ... or the English word it begins ("undergrad"), when long enough to tell.
            closest = _shortest_begun(word, self._english(word[0]))
        return closest

    def _english_form(self, word: str) -> str:
        """The corpus's English word for a slip the stemmer forgives.

        "experiance" and "experience" share the stem "experi": the slip is the corpus's
        "experience", not a name.
        """
        if word in self.words or not self.common_words or self.is_common(word):
            return word
        # Its English forms first, else the portfolio's own ("tapeing": "taping").
        same_term = self._by_term().get(term(word), ())
        forms = [w for w in same_term if w in self.common_words] or list(same_term)
        if not forms:
            # Known by its root instead ("respons" ~ "response", or a name: "cloudbery" ~
            # "cloudberry"): the corpus words sharing it, English ones first.
            sharing = list(self._sharing_root(word))
            forms = [w for w in sharing if w in self.common_words] or sharing
        return _closest(word, tuple(forms)) if forms else word

    def prepare_repairs(self) -> None:
        """Work out what repair() compares a misspelt word with (~0.15 s), ahead of need."""
        self._targets()
        self._by_term()
        for initial in string.ascii_lowercase:
            self._english(initial)

    @lru_cache(maxsize=1)  # noqa: B019 - one Vocabulary per index, kept for its lifetime
    def _by_term(self) -> dict[str, tuple[str, ...]]:
        grouped: dict[str, list[str]] = {}
        for w in sorted(self.words):
            grouped.setdefault(term(w), []).append(w)
        return {k: tuple(v) for k, v in grouped.items()}

    @lru_cache(maxsize=64)  # noqa: B019 - one Vocabulary per index, kept for its lifetime
    def _english(self, initial: str) -> tuple[str, ...]:
        return tuple(sorted(w for w in self.common_words if len(w) >= 3 and w[0] == initial))

    @lru_cache(maxsize=1)  # noqa: B019 - one Vocabulary per index, kept for its lifetime
    def _targets(self) -> tuple[str, ...]:
        # With the other forms of the corpus's verbs and nouns: "forcasting" is a slip for
        # "forecasting" when the portfolio writes "Forecast".
        inflected = {
            form
            for word in self.words
            if word.isalpha()
            for forms in lemminflect.getAllInflections(word).values()
            for form in forms
        }
        return tuple(
            sorted(self.words | inflected | STOP_WORDS | QUESTION_WORDS | self.owner_words)
        )


def _shortest_begun(word: str, targets: Iterable[str]) -> str:
    """The shortest target (a word of letters) that `word` begins, or `word` itself."""
    longer = sorted(w for w in targets if w.startswith(word) and w.isalpha())
    return min(longer, key=len) if longer else word


def _one_letter_dropped(word: str, targets: tuple[str, ...]) -> str:
    """The first target that is `word` with one letter put back after its first, or `word`."""
    for target in targets:
        if (
            len(target) == len(word) + 1
            and target[0] == word[0]
            and any(target[:i] + target[i + 1 :] == word for i in range(1, len(target)))
        ):
            return target
    return word


@lru_cache(maxsize=32)
def _function_words(initial: str) -> tuple[str, ...]:
    every = STOP_WORDS | QUESTION_WORDS | CHAT_WORDS
    return tuple(sorted(w for w in every if len(w) >= 3 and w[0] == initial))


@lru_cache(maxsize=8192)
def _closest(
    word: str, targets: tuple[str, ...], preferred: Callable[[str], bool] | None = None
) -> str:
    # One slip (a wrong, missing, extra or swapped letter: "scool", "emial", "paymnet"), two in
    # a long word.
    allowed = 1 if len(word) < 8 else 2
    matches = process.extract(
        word, targets, scorer=DamerauLevenshtein.distance, score_cutoff=allowed, limit=None
    )
    if not matches:
        return word
    fewest = min(m[1] for m in matches)
    # Among equally close words, the one with the same letters ("handeld" is "handled" with
    # two letters swapped, not "handed" with one dropped), then one with the same first letter
    # (slips rarely touch it: "wher" is not "her"), then one with a letter put back (a dropped
    # letter is the commonest slip in quick typing: "wher" is "where", not "when"), then one
    # with a wrong letter, over one with a letter too many ("speek" is "speak", not "seek"),
    # then the first in order. A `preferred` word comes before the lengths are weighed.
    letters = sorted(word)
    return min(
        (str(m[0]) for m in matches if m[1] == fewest),
        key=lambda w: (
            sorted(w) != letters,
            w[0] != word[0],
            preferred is not None and not preferred(w),
            len(w) != len(word) + 1,
            len(w) != len(word),
            w,
        ),
    )
