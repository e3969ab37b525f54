"""Text as search terms: tokens, accents folded, stop words, stems, lemmas, singulars.

Shared by keyword retrieval (BM25 over stems), chunking, the fit report and the engine.
"""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache

import lemminflect
import Stemmer

WORD = re.compile(r"[A-Za-z0-9$%+]+(?:['\-.][A-Za-z0-9]+)*")


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
    # isascii() reads a flag of the string: most texts have no letter to change.
    return text if text.isascii() else text.translate(_UNACCENT)


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
# and of asking about time ("his first job", "before that", "how long": assistant.engine.timeline
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


def words(text: str) -> list[str]:
    """Lowercase words; '7-Eleven' gives '7-eleven', '7eleven', '7' and 'eleven'."""
    return list(_short_text_words(text) if len(text) <= CACHED_TEXT_CHARS else _words(text))


# Texts up to this long have their words cached (2048 texts, ~8 MB at worst): a question's
# text is read for its words ~4 times on its way, the corpus's titles and labels on every
# question. A job description is read once.
CACHED_TEXT_CHARS = 300


@lru_cache(maxsize=2048)
def _short_text_words(text: str) -> tuple[str, ...]:
    return _words(text)


def _words(text: str) -> tuple[str, ...]:
    out: list[str] = []
    for match in WORD.finditer(unaccented(text)):
        word = match.group(0).lower().strip(".")
        word = word.replace("'s", "") if word.endswith("'s") else word.replace("'", "")
        if not word:
            continue
        out.append(word)
        if "-" in word or "." in word:
            parts = [p for p in re.split(r"[-.]", word) if p]
            out.append("".join(parts))
            out.extend(parts)
    return tuple(out)


def keyword_terms(text: str) -> list[str]:
    """Stems of the content words of a text, for BM25."""
    return list(_keyword_terms(text))


# Cached: answers compare the same corpus passages' terms on every question.
@lru_cache(maxsize=8192)
def _keyword_terms(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in words(text) if w not in STOP_WORDS)


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


def same_word(first: str, second: str) -> bool:
    """Whether two words are forms of one.

    "warehouses" and "warehousing" (which the stemmer leaves apart), not "ledger" and
    "Ledgerlint".
    """
    if keyword_terms(first)[:1] == keyword_terms(second)[:1]:
        return True
    shared = len(os.path.commonprefix([first, second]))
    return shared >= max(5, len(first) - 3, len(second) - 3)
