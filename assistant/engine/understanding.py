"""Read a recruiter's message before searching: the question in it, and what is not a question.

- A long message ("Hi, I'm a recruiter at ... Has she built X? Thanks") is cut down to the
  sentences that ask something.
- A message in another language is answered only through what needs no translation: a name
  the portfolio uses, a year, a request for an e-mail address. Anything else is refused
  politely, in English, with the owner's contact details.
- Personal questions (age, religion, family), instructions to the assistant ("ignore your
  instructions", "write a poem") and small talk (the weather) are refused without searching:
  no portfolio sentence answers them, and quoting one would pretend it does.

Every pattern here runs in linear time over at most MAX_QUESTION_CHARS characters.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import DamerauLevenshtein

from assistant.engine.refusals import INSTRUCTION, NOT_ENGLISH, OFF_TOPIC, PERSONAL
from assistant.index.words import STOP_WORDS

# Sentences of a message: each ends at ., ! or ? followed by a space, or at the end.
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)")
# A message this long (in words) is read sentence by sentence.
LONG_MESSAGE_WORDS = 20
# Requests that are questions without a question mark ("tell me about ...", "please share").
_REQUEST = re.compile(
    r"^\s*(?:(?:so|and|also|but|please|pls|kindly)\s+)*(?:tell me|could you|can you|would you|"
    r"i'?d like to know|i would like to know|i want to know|share|send|describe|explain|"
    r"let me know|what|where|when|which|who|why|how|is|are|was|were|do|does|did|has|have|had|"
    r"can|could|will|would)\b",
    re.IGNORECASE,
)

# Personal matters a portfolio does not state and a recruiter must not weigh (age, family,
# health, beliefs): the categories of the EU's GDPR article 9 and of US equal-employment
# law, in everyday English. Words with a working sense too ("cut the part's weight by 22%",
# "race car", "political campaigns") are personal only when they are the owner's.
_PERSONAL = re.compile(
    r"\b(?:how old|birthday|birth ?date|date of birth|born|religion|religious|"
    r"married|marital|marriage|spouse|wife|husband|have (?:any )?(?:children|kids)|pregnant|"
    r"pregnancy|disability|disabled|ethnicity|sexual orientation)\b|"
    r"\b(?:his|her|their|\w+'s)\s+(?:age|weight|height|race|ethnic \w+|church|politics|"
    r"political \w+|vote)\b|"
    r"\b(?:he|she|they)\s+(?:weighs?|votes?|voted)\b",
    re.IGNORECASE,
)
# Instructions to the assistant rather than questions about the portfolio.
_INSTRUCTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.?!]{0,40}\b(?:instructions?|rules|prompt|"
    r"above|previous|everything)\b|\b(?:pretend|role-?play|act as|you are now|from now on|"
    r"imagine you are|jailbreak|system prompt)\b|"
    r"(?:^|\band |, ?)(?:just )?say (?:that )?\w+ (?:is|are|was)\b|"
    r"^\s*(?:(?:can|could|would|will) you\s+)?(?:please\s+)?(?:write|draft|compose|generate|"
    r"create|make up|rewrite|translate|rate|grade|score|rank|roast)\b",
    re.IGNORECASE,
)
# Small talk about the world outside the portfolio.
_OFF_TOPIC = re.compile(
    r"\b(?:weather|joke|riddle|poem|song|recipe|horoscope|lottery|stock price|"
    r"bitcoin price|football score|meaning of life)\b",
    re.IGNORECASE,
)

# How "e-mail", "phone" and "contact" are written in the most spoken languages that use the
# Latin script (and in English): a request for them needs no translation.
CONTACT_WORDS = frozenset(
    """
    email e-mail mail courriel correo correo-e kontakt contact contacto contato contatto
    e-post epost e-posta eposta sähköposti
    telefon telefono teléfono téléphone telephone phone handy whatsapp linkedin
    """.split()
)
# The same words in the most spoken languages written in other scripts (Chinese, Japanese,
# Korean, Russian and Ukrainian, Arabic and Persian, Hindi, Hebrew, Greek, Thai): found
# anywhere in the message, as these scripts may not put spaces between words.
CONTACT_WORDS_OTHER_SCRIPTS = tuple(
    """
    邮箱 邮件 电邮 电话 聯繫 联系 郵件 電郵 電話 メール 電話 連絡 이메일 메일 전화 연락처
    почта почты почту телефон контакт пошта імейл بريد هاتف اتصال ایمیل تلفن ईमेल फ़ोन फोन
    संपर्क מייל טלפון τηλέφωνο επικοινωνία อีเมล โทรศัพท์
    """.split()
)
# Contact words long enough to open a compound in languages that write them as one word
# (Dutch "e-mailadres", German "Telefonnummer", Swedish "mejladress" aside).
_COMPOUNDING_CONTACT_WORDS = tuple(sorted(w for w in CONTACT_WORDS if len(w) >= 5))
# English ways of asking how to contact someone: "How can I reach her?", "get in touch".
_CONTACT_REQUEST = re.compile(
    r"\b(?:reach|contact|email|e-mail|call|ring|message|text)\s+(?:him|her|them)\b|"
    r"\bget (?:in touch|hold of)\b|\bin touch with\b",
    re.IGNORECASE,
)
CONTACT_REQUEST_WORDS = 10
# A message is in another language when the identifier says so this surely, or when most of
# its words are not English ones.
_LANGUAGE_CONFIDENCE = 0.75
_SHORT_LANGUAGE_CONFIDENCE = 0.2
_FOREIGN_WORD_SHARE = 0.6
# Fewer words than this leave English words of other languages a majority by chance.
_SHORT_MESSAGE_WORDS = 5
_WORD = re.compile(r"[^\W\d_]+(?:[-'][^\W\d_]+)*")
_LATIN = re.compile(r"[A-Za-zÀ-ɏ]")


@dataclass(frozen=True)
class Understood:
    """What a message asks, or why it is not asked of the portfolio at all."""

    question: str  # the part of the message to answer
    refusal: str | None = None  # PERSONAL, INSTRUCTION, OFF_TOPIC or NOT_ENGLISH
    # For a message in another language: what it names that needs no translation.
    language: str = "en"
    names_contact: bool = False


def understand(
    message: str,
    english_words: frozenset[str],
    corpus_words: frozenset[str],
    owner_words: frozenset[str] = frozenset(),
) -> Understood:
    """Find the question in a message, or the reason it is refused without searching.

    `owner_words` (the owner's name) name whom every question is about, never what it asks.
    """
    question = _auxiliary_repaired(find_question(message), owner_words)
    if _INSTRUCTION.search(question):
        return Understood(question, INSTRUCTION)
    if _PERSONAL.search(question):
        return Understood(question, PERSONAL)
    if _OFF_TOPIC.search(question):
        return Understood(question, OFF_TOPIC)
    language = _language(question, english_words, corpus_words)
    if language != "en":
        return _in_another_language(question, language, corpus_words - owner_words)
    if len(question.split()) <= CONTACT_REQUEST_WORDS and _CONTACT_REQUEST.search(question):
        # A short request only: a longer message may ask something else as well.
        return Understood(question, names_contact=True)
    return Understood(question)


# The auxiliaries that open a yes/no question ("Does she ...", "Has he ..."), and the first two
# words of a question as written.
_AUXILIARIES = ("does", "did", "do", "has", "have", "had", "is", "was", "are", "were", "can")
# A short word and the word after it (the owner, if the first is an auxiliary), matched
# word by word: linear in the text.
_PAIR = re.compile(r"(?<![A-Za-z])([A-Za-z]{2,6})(?=\s+([A-Za-z]+))")
# The auxiliary is looked for in the question's opening words only.
MAX_REPAIRED_CHARS = 200


def _auxiliary_repaired(question: str, owner_words: frozenset[str]) -> str:
    """The question with a slip in its auxiliary repaired ("dose she" -> "does she").

    Only right before the owner's name or pronoun, at the opening or after what is asked
    ("wat software dose she use"): there an auxiliary is what the word must be, even when
    the slip is an English word ("dose").
    """
    for pair in _PAIR.finditer(question[:MAX_REPAIRED_CHARS]):
        word = pair.group(1).lower()
        if pair.group(2).lower() not in owner_words or word in _AUXILIARIES:
            continue
        if pair.start() > 0 and word in STOP_WORDS:
            # "and she", "when he": a word that belongs there.
            continue
        found = process.extractOne(
            word, _AUXILIARIES, scorer=DamerauLevenshtein.distance, score_cutoff=1
        )
        if found is None:
            return question
        repaired = found[0].capitalize() if pair.start() == 0 else found[0]
        return f"{question[: pair.start(1)]}{repaired}{question[pair.end(1) :]}"
    return question


def find_question(message: str) -> str:
    """The sentences of a long message that ask something (the whole message otherwise)."""
    if len(message.split()) < LONG_MESSAGE_WORDS:
        return message
    sentences = [s.strip() for s in _SENTENCE.findall(message) if s.strip()]
    asking = [s for s in sentences if s.endswith("?") or _REQUEST.match(s)]
    asked = [s for s in asking if s.endswith("?")] or asking
    return " ".join(asked) if asked else message


def _language(question: str, english_words: frozenset[str], corpus_words: frozenset[str]) -> str:
    found = _WORD.findall(question)
    # Names the portfolio uses ("Havbris") belong to no language; function words do, even
    # where the portfolio uses them, and so does a word written small that the portfolio
    # uses in another language ("en" of his degree "Ingeniero en Computación").
    # A function word written capitalised inside the question is part of a name ("The
    # Linden" in "¿Sam trabajó en The Linden?").
    plain = [
        w.lower()
        for i, w in enumerate(found)
        if w.lower() not in corpus_words or w[:1].islower() or i == 0 and w.lower() in STOP_WORDS
    ]
    if found and not _LATIN.search(question):
        # No letter of the Latin script: not English, however few its words (Japanese and
        # Chinese put no spaces between them).
        language, _ = _identifier().classify(question)
        return str(language) if language != "en" else "unknown"
    if len(plain) < 2 or not english_words:
        return "en"
    foreign = [w for w in plain if w not in english_words and w.rstrip("s") not in english_words]
    # One-letter words ("a", "i") are function words of Catalan, Spanish or Italian as well.
    has_function_words = any(w in STOP_WORDS and len(w) > 1 for w in plain)
    if (
        has_function_words
        and len(foreign) * 2 < len(plain)
        and (not foreign or len(plain) >= _SHORT_MESSAGE_WORDS)
    ):
        # Plainly English (most questions): the identifier and its model are not needed. Not
        # a short one with a foreign word: "Was ist seine E-Mail?" has "was" and "seine" (a
        # fishing net) in English.
        return "en"
    # The identifier reads the words of a language only: the portfolio's names ("Harwell
    # Brookes") read as Afrikaans beside "Trabalhou na".
    language, confidence = _identifier().classify(" ".join(plain))
    if language != "en" and confidence >= _LANGUAGE_CONFIDENCE:
        return str(language)
    # Short messages leave the identifier unsure ("¿Trabaja en Tollgate?": Spanish, 0.41); an
    # English question has English function words in it, and this one has none.
    if (
        not has_function_words
        and language != "en"
        and confidence >= _SHORT_LANGUAGE_CONFIDENCE
        and len(foreign) * 2 >= len(plain)
    ):
        return str(language)
    if len(foreign) >= 3 and len(foreign) / len(plain) >= _FOREIGN_WORD_SHARE:
        return str(language) if language != "en" else "unknown"
    return "en"


def _in_another_language(question: str, language: str, corpus_words: frozenset[str]) -> Understood:
    found = _WORD.findall(question)
    names = [w for w in found if w.lower() in corpus_words and w[:1].isupper()]
    years = re.findall(r"\b(?:19|20)\d\d\b", question)
    # "E-Mail-Adresse" asks for the e-mail too: its parts are looked up as well as the whole,
    # and a compound opening with one ("e-mailadres", "telefonnummer").
    parts = {p.lower() for w in _WORD.findall(question) for p in [w, *w.split("-")]}
    lowered = question.lower()
    asks_contact = (
        bool(parts & CONTACT_WORDS)
        or any(p.startswith(word) for p in parts for word in _COMPOUNDING_CONTACT_WORDS)
        or any(word in lowered for word in CONTACT_WORDS_OTHER_SCRIPTS)
    )
    if names or years:
        return Understood(" ".join([*names, *years]), None, language)
    if asks_contact:
        return Understood(question, None, language, names_contact=True)
    return Understood(question, NOT_ENGLISH, language)


def load_language_identifier() -> None:
    """Load the language identifier now rather than for the first foreign-looking message."""
    _identifier()


@cache
def _identifier() -> Any:
    """py3langid's model (97 languages), loaded once per process (~0.4 s).

    Not at start (a server worker loads it on a thread once serving, Assistant.preload):
    most messages never need it, and start-up is kept short.
    """
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
