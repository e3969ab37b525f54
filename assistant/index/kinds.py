"""The kinds of section a résumé has, and how a heading is recognised as one.

The kinds are JSON Resume's (schema v1.0.0) sections; the headings are the usual English
résumé and CV headings for them. A kind decides what a section's entries prove in a fit
report (`evidence`) and the plural nouns a recruiter uses to ask for all of them at once
(`list_words`, e.g. "which companies ..."). A heading of no known kind is still imported: its
section proves work and has no list words.

The importers read headings with it; the engine reads questions with it (a heading's words
in a question, the verbs of a kind). It stays out of `importers` so that answering never
imports the parsers of every format.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class SectionKind:
    """What a section is, whatever its heading says."""

    name: str
    evidence: str  # corpus.EVIDENCE_KINDS
    list_words: tuple[str, ...]
    # What the owner does with an entry of the kind, in a recruiter's words: "Does she speak
    # French?" is answered by French among her languages, though no entry says "speak".
    verbs: tuple[str, ...] = ()


# What one does with a degree or a certificate: "What degree does he hold?".
_CREDENTIAL_VERBS = (
    *("hold", "holds", "held", "earn", "earned", "obtain", "obtained"),
    *("complete", "completed", "finish", "finished"),
)

ABOUT = SectionKind("about", "work", ())
WORK = SectionKind(
    "work",
    "work",
    ("companies", "employers", "jobs", "roles", "positions"),
    ("work", "works", "worked", "working", "employed"),
)
VOLUNTEER = SectionKind(
    "volunteer", "work", ("volunteering",), ("volunteer", "volunteers", "volunteered")
)
EDUCATION = SectionKind(
    "education",
    "credential",
    ("degrees", "schools", "universities", "qualifications"),
    ("study", "studied", "graduate", "graduated", "attend", "attended", *_CREDENTIAL_VERBS),
)
AWARDS = SectionKind("awards", "credential", ("awards", "prizes", "honors", "honours"), ("won",))
CERTIFICATES = SectionKind(
    "certificates",
    "credential",
    ("certifications", "certificates", "credentials"),
    ("certified", *_CREDENTIAL_VERBS),
)
PUBLICATIONS = SectionKind(
    "publications",
    "work",
    ("publications", "papers", "talks"),
    ("publish", "published", "presented", "speak", "spoke", "spoken"),
)
SKILLS = SectionKind(
    "skills",
    "work",
    ("skills", "tools", "technologies"),
    # Not "programs", a noun as often as a verb ("training programs").
    ("use", "uses", "used", "using", "know", "knows", "code", "coded", "program", "programmed"),
)
LANGUAGES = SectionKind(
    "languages", "credential", ("languages",), ("speak", "speaks", "spoke", "spoken")
)
INTERESTS = SectionKind("interests", "none", ("interests", "hobbies"))
REFERENCES = SectionKind("references", "none", ("references", "testimonials"))
PROJECTS = SectionKind("projects", "work", ("projects",))
CONTACT = SectionKind("contact", "none", ("contact", "contacts"))
OTHER = SectionKind("other", "work", ())

# Headings seen on English résumés and CVs for each kind, as whole words of the heading.
_HEADINGS: tuple[tuple[SectionKind, str], ...] = (
    (CONTACT, r"contact|get in touch|reach me"),
    (ABOUT, r"about|summary|profile|introduction|overview|bio|objective|personal statement"),
    (VOLUNTEER, r"volunteer\w*|community"),
    (PROJECTS, r"work samples|selected work|case stud\w*|portfolio"),
    (
        WORK,
        # "Where I have worked", "Places I've worked".
        r"experience|work|worked|employment|career|positions?|appointments?|jobs?|work history",
    ),
    (
        EDUCATION,
        r"education|studies|academic background|degrees?|qualifications?|courses?|coursework",
    ),
    # A professional body's register or membership ("Professional registration") is held
    # like a licence.
    (
        CERTIFICATES,
        r"certificat\w*|licen[cs]es?|credentials?|registrations?|memberships?|affiliations?"
        r"|training",
    ),
    (AWARDS, r"awards?|honou?rs?|prizes?|recognition|achievements?|grants?|fellowships?"),
    (
        PUBLICATIONS,
        r"publications?|papers?|talks?|speaking|writing|articles?|presentations?|patents?",
    ),
    (
        SKILLS,
        r"skills?|expertise|technolog\w*|tools?|toolbox|toolkit|stack|competenc\w*|proficienc\w*"
        # "Software" closing a heading lists the programs used; not "Software projects".
        # A scientist's "Methods" and "Techniques" are her skills.
        r"|programming languages|software(?=\W*$)|methods|techniques|research methods",
    ),
    (LANGUAGES, r"languages?"),
    (INTERESTS, r"interests?|hobbies|outside work|for fun|free time|spare time"),
    (REFERENCES, r"references?|testimonials?|recommendations?"),
    (PROJECTS, r"projects?|research|open[- ]source|exhibitions?"),
)
_PATTERNS = tuple((kind, re.compile(rf"\b(?:{words})\b", re.I)) for kind, words in _HEADINGS)


def kind_of(heading: str) -> SectionKind:
    """The kind of a section from its heading, or OTHER.

    The longest heading found decides: "Outside work" is interests, not work; "Programming
    languages" is skills. Of equally long ones, the first kind listed.
    """
    found = [
        (len(match.group(0)), -order, kind)
        for order, (kind, pattern) in enumerate(_PATTERNS)
        if (match := pattern.search(heading[:200]))
    ]
    return max(found, key=lambda f: f[:2])[2] if found else OTHER


# The headings of several words ("outside work", "work history"): in a question they name
# the kind as surely as in a résumé ("What does he do outside work?"). Not one holding
# another kind's plural ("programming languages"): it asks for some of that kind, and the
# portfolio may have none ("programming" narrows "languages" to nothing).
_LIST_WORDS = frozenset(w for kind, _ in _HEADINGS for w in kind.list_words)


def _question_phrases(headings: str) -> list[str]:
    return [p for p in headings.split("|") if " " in p and not set(p.split()) & _LIST_WORDS]


_PHRASES = tuple(
    (kind, re.compile(rf"\b(?:{'|'.join(_question_phrases(words))})\b", re.I))
    for kind, words in _HEADINGS
    if _question_phrases(words)
)


def kind_phrased(question: str) -> tuple[SectionKind, str] | None:
    """The kind a question names by a heading of several words, and the words, if any."""
    found = [
        (len(match.group(0)), kind, match.group(0).lower())
        for kind, pattern in _PHRASES
        if (match := pattern.search(question[:500]))
    ]
    if not found:
        return None
    _, kind, phrase = max(found, key=lambda f: f[0])
    return kind, phrase


KINDS: tuple[SectionKind, ...] = (ABOUT, WORK, VOLUNTEER, EDUCATION, AWARDS, CERTIFICATES)
KINDS += (PUBLICATIONS, SKILLS, LANGUAGES, INTERESTS, REFERENCES, PROJECTS, CONTACT, OTHER)


def _kinds_listing(list_words: tuple[str, ...] | list[str]) -> list[SectionKind]:
    """The kinds whose list words a section has (site.yaml keeps those, not the kind)."""
    found = {w.lower() for w in list_words}
    return [kind for kind in KINDS if found & set(kind.list_words)]


def verbs_for(list_words: tuple[str, ...] | list[str]) -> frozenset[str]:
    """The verbs of the kind whose list words a section has."""
    return frozenset(v for kind in _kinds_listing(list_words) for v in kind.verbs)


# The kinds whose entries are lines of what the owner did, in any verb ("Set up a research
# repository used by 15 teams"). The others name a thing held, written or known (a degree, a
# talk, a skill): one of them shows the owner doing only what its kind's verbs say.
DEED_KINDS = (WORK, VOLUNTEER, PROJECTS)


def records_deeds(list_words: tuple[str, ...] | list[str]) -> bool:
    """Whether a section's entries say what the owner did (a section of no kind may)."""
    kinds = _kinds_listing(list_words)
    return not kinds or any(kind in DEED_KINDS for kind in kinds)


# Every verb of a kind: what an owner does with some kind of résumé entry, whether or not
# this portfolio has a section of it (a hand-written one may keep degrees in its About).
KIND_VERBS = frozenset(verb for kind in KINDS for verb in kind.verbs)
