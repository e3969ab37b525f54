"""Turn text into search terms: tokens, stems, stop words, typo repair, unknown terms.

Shared by keyword retrieval (BM25 over stems) and by abstention (which question terms the
portfolio never mentions).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

import lemminflect
import Stemmer
from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

_WORD = re.compile(r"[A-Za-z0-9$%+]+(?:['\-.][A-Za-z0-9]+)*")


def _unaccented(letter: str) -> str:
    """The letter without its accents ("é": "e"), or itself when it is no accented A to Z."""
    decomposed = unicodedata.normalize("NFKD", letter)
    base, marks = decomposed[:1], decomposed[1:]
    return base if base.isascii() and marks and all(map(unicodedata.combining, marks)) else letter


# The Latin letters with accents (Latin-1 to Latin Extended-B, and Vietnamese's), one letter
# for one, so that a word's place in the text stays where it was.
_UNACCENT = {
    ord(letter): _unaccented(letter)
    for block in (range(0xC0, 0x250), range(0x1E00, 0x1F00))
    for letter in map(chr, block)
    if _unaccented(letter) != letter
}


def unaccented(text: str) -> str:
    """The text with its letters' accents taken off ("Léa, Université": "Lea, Universite").

    Recruiters often type a name without its accents, and a word read as letters A to Z
    would break at one ("L", "a").
    """
    return text.translate(_UNACCENT)


# Function words: they say nothing about the topic.
STOP_WORDS = frozenset(
    """
    a about above again against all am an and any are as at be been being below between both
    but by can could did do does doing done down during each either ever few for from
    further had has have having he her here hers him himself his how i if in into is it its
    itself just me more most my myself no nor not now of off on once only or other our ours
    out over own same she should so some such than that the their theirs them then there
    these they this those through to too under until up very was we were what whats when
    where which while who whom whose why will with would you your yours yourself also really
    actually any anything something s t re ve ll d m
    """.split()
)

# Words of asking rather than of the topic ("tell me about ...", "give a quick summary of ...")
# and of asking about time ("his first job", "before that", "how long": assistant.timeline
# reads those from the entries' dates). They must not count as topics the portfolio fails to
# mention.
QUESTION_WORDS = frozenset(
    """
    tell know knows describe explain give show list share summarize summarise summary quick
    brief overview info information detail details thing things say says said mention
    mentions mentioned find please like kind type sort much many main key top best get got
    go goes went want wants interested interest mind think thinks thought write written
    wrote learn learned learnt candidate person people guy man woman someone anyone somebody
    everyone anywhere somewhere everywhere
    profile portfolio site website page resume cv well good great lot lots way ways bit
    little big large small gave given giving make makes made making take takes took taken
    come came put let keep kept happen happened
    current currently recent recently latest earliest first previous previously before after
    prior today ago since lately long
    """.split()
)

# Words of chat rather than of the question: greetings, thanks, politeness and texting
# shorthand. General English; none of them names anything a portfolio states, so none is
# ever a topic ("contact info pls" asks for contact info).
CHAT_WORDS = frozenset(
    """
    hi hello hey hiya greetings dear thanks thank thx ty tks cheers regards sincerely pls plz
    please ok okay yes yeah yep sure btw fyi asap hope wondering curious appreciate
    appreciated wow cool awesome nice sorry excuse quickly wat wot wut abt u ur
    """.split()
)

# Words naming an entry's fields rather than what it is about ("her job title", "the company's
# name"): every entry has a title, so they point at no entry in particular.
FIELD_WORDS = frozenset("title titles name names".split())
# "Where does she live?" asks where she is based: the importers write the place under a
# résumé's name as "Lena is based in Bergen, Norway." (importers.draft.based_in).
PLACE_WORDS = frozenset("live lives living located reside resides residing".split())
_WHERE = re.compile(r"^\W*where\b", re.IGNORECASE)

# A clipped word this long stands for the English word it begins ("undergrad"); a shorter
# one may begin many ("prof": professor, professional).
CLIPPED_ENGLISH_MIN_LETTERS = 6
# The letters an ending adds to a word ("train" -> "trainee", "design" -> "designers").
MAX_ENDING_LETTERS = 3

_STEMMER = Stemmer.Stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """Snowball English stem of a lowercase word."""
    return str(_STEMMER.stemWord(word))


@lru_cache(maxsize=65536)
def term(word: str) -> str:
    """The stem of a lowercase word's dictionary form: what all its forms share.

    "built" -> build, "led" -> lead, "children" -> child: the irregular forms the stemmer
    leaves apart, joined by lemminflect's English lexicon. The word's own stem when a
    dictionary form shares it ("studies", "saw") or the lexicon does not hold the word. A
    verb's form before a noun's ("spoke" -> speak): a résumé says what its owner did.
    """
    own = stem(word)
    found = lemminflect.getAllLemmas(word)
    forms = found.get("VERB") or found.get("NOUN") or ()
    if not forms or any(stem(form) == own for form in forms):
        return own
    return stem(forms[0])


# Cached: answers compare the same corpus sentences' terms on every question.
@lru_cache(maxsize=8192)
def sentence_terms(text: str) -> frozenset[str]:
    """The terms (see `term`) of every word of a text: "Built the API" holds "build"."""
    return frozenset(term(w) for w in words(text))


def may_name_a_thing(word: str) -> bool:
    """Whether a lowercase word may be a noun or a name ("university", "orbis"; not "new")."""
    found = lemminflect.getAllLemmas(word)
    return not found or "NOUN" in found or "PROPN" in found


@lru_cache(maxsize=65536)
def verb_lemmas(word: str) -> frozenset[str]:
    """The verbs a lowercase word may be a form of ("taught": teach; "managers": none)."""
    return frozenset(lemminflect.getAllLemmas(word).get("VERB", ()))


# Cached as `sentence_terms` is: the same corpus sentences are read on every question.
@lru_cache(maxsize=8192)
def sentence_verbs(text: str) -> frozenset[str]:
    """The verbs any word of a text may be a form of ("Taught 40 volunteers": teach, ...)."""
    return frozenset().union(*(verb_lemmas(w) for w in words(text)))


def _acronyms(texts: Iterable[str]) -> frozenset[str]:
    """The words `texts` write only in capitals, two letters at least ("UK", "AWS").

    A text in capitals throughout is a heading ("WORK EXPERIENCE"), not a row of acronyms.
    """
    capitals: set[str] = set()
    other: set[str] = set()
    for text in texts:
        heading = not any(c.islower() for c in text)
        for match in _WORD.finditer(unaccented(text)):
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


def words(text: str) -> list[str]:
    """Lowercase words; '7-Eleven' gives '7-eleven', '7eleven', '7' and 'eleven'."""
    out: list[str] = []
    for match in _WORD.finditer(unaccented(text)):
        word = match.group(0).lower().strip(".")
        word = word.replace("'s", "") if word.endswith("'s") else word.replace("'", "")
        if not word:
            continue
        out.append(word)
        if "-" in word or "." in word:
            parts = [p for p in re.split(r"[-.]", word) if p]
            out.append("".join(parts))
            out.extend(parts)
    return out


def keyword_terms(text: str) -> list[str]:
    """Stems of the content words of a text, for BM25."""
    return list(_keyword_terms(text))


# Cached: answers compare the same corpus passages' terms on every question.
@lru_cache(maxsize=8192)
def _keyword_terms(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words(text) if w not in STOP_WORDS)


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


def singular(word: str) -> str:
    """Singular of a plural: "hobbies" -> "hobby", "skills" -> "skill"; others unchanged."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def base_forms(word: str) -> tuple[str, ...]:
    """The word and the forms it may be inflected from, by its ending.

    "studied" -> "study", "worked" -> "work", "managed" -> "manage", "hiring" -> "hire". Some
    are not words; callers keep the ones they know.
    """
    forms = [word]
    if len(word) > 4 and word.endswith("ied"):
        forms.append(word[:-3] + "y")
    if len(word) > 4 and word.endswith("ed"):
        forms += [word[:-2], word[:-1]]
    if len(word) > 5 and word.endswith("ing"):
        forms += [word[:-3], word[:-3] + "e"]
    if len(word) > 3 and word.endswith("s"):
        forms.append(singular(word))
    return tuple(dict.fromkeys(forms))


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
    matches = list(_WORD.finditer(question))
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
