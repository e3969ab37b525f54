"""Split a job description into the requirements a fit report checks one by one.

A requirement is a bullet or a sentence. Left out: headings ("What you'll do", the job title),
and boilerplate about the employer rather than the candidate: the company blurb, benefits and
pay, equal-opportunity and accommodation statements, visa and application logistics. The rules
are plain so that the owner can see why a line was or was not checked.

The text comes from strangers, so every pattern here runs in linear time (no two unbounded
quantifiers over overlapping characters side by side), lines and candidates are cut to a bound
before any pattern sees them, and the caller's deadline is checked as the lines are read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from assistant.index.corpus import split_sentences

MAX_REQUIREMENTS = 40
MAX_REQUIREMENT_CHARS = 300
# Longer lines are cut: a paragraph line holds a few sentences, not pages.
MAX_LINE_CHARS = 2000
# The deadline is checked once per this many lines or candidates.
_CHECK_EVERY = 50

_BULLET = re.compile(r"^\s*(?:[-*•·▪◦‣●○■□➢►▸–—+]|\(?\d{1,2}[.)]|\(?[a-zA-Z][.)])\s+")
# Headings of sections that describe the employer or the offer, not the candidate.
_BOILERPLATE_HEADING = re.compile(
    r"\b(about (us|the company|our company|the team)|who we are|our (culture|mission|values|"
    r"company|story)|benefits|perks|what we offer|we offer|compensation|salary|pay range|"
    r"equal (employment )?opportunity|eeo|how to apply|to apply|application process|"
    r"location|working here|life at)\b",
    re.IGNORECASE,
)
# "About Lumen Freight": a heading naming the employer introduces its blurb ("About the role"
# does not).
_ABOUT_EMPLOYER = re.compile(r"^\s*(?i:about)\s+(?!(?i:the|this|you|your|us|our)\b)[A-Z]")
# Sentences in the employer's voice ("We offer...", "Our team...", "The X team helps...").
_EMPLOYER_VOICE = re.compile(
    r"^(we|we're|we’re|we've|we’ve|our|us|join us|(the|this) [\w\s-]{0,40}?"
    r"\b(team|company|organization|group|position|role) (is|are|helps?|builds?|was|offers?|"
    r"will be|does not|doesn't))\b",
    re.IGNORECASE,
)
_BOILERPLATE_WORDS = re.compile(
    r"\b(equal opportunity|discriminat\w*|race|religion|national origin|sexual orientation|"
    r"veteran|disabilit\w*|accommodation|visa|sponsorship|authorized to work|salary|"
    r"compensation|equity|stock options|401\(?k\)?|insurance|dental|paid time off|pto|"
    r"parental leave|stipend|perks?|benefits package|free lunch|gym|remote-first|"
    r"flexible hours|apply|resume|cover letter|recruit\w*)\b",
    re.IGNORECASE,
)
_TERMINAL = (".", "!", "?", ";")


def split_requirements(text: str, check_time: Callable[[], None] = lambda: None) -> list[str]:
    """The candidate requirements of a job description, in order, without duplicates.

    `check_time` runs every few lines (it raises when the request is late).
    """
    lines = []
    for number, line in enumerate(text.splitlines()):
        if number % _CHECK_EVERY == 0:
            check_time()
        lines.append(_clean(line[:MAX_LINE_CHARS]))
    structured = any(_BULLET.match(line) for line in lines)
    found: list[str] = []
    skipping = False  # inside a section about the employer or the offer
    seen_heading = False
    paragraph: list[str] = []

    def flush() -> None:
        # Prose before the first heading of a structured description is the company blurb.
        if paragraph and not skipping and (seen_heading or not structured):
            found.extend(split_sentences(" ".join(paragraph)))
        paragraph.clear()

    for line in lines:
        if not line:
            flush()
            continue
        bullet = _BULLET.match(line)
        if bullet:
            flush()
            if not skipping:
                found.append(line[bullet.end() :])
            continue
        label, colon, rest = line.partition(":")
        if colon and len(label.split()) <= 4 and rest.strip():
            # "Compensation: $180,000", "Requirements: Python": a heading and its text.
            flush()
            seen_heading = True
            skipping = _is_boilerplate_heading(label)
            if not skipping:
                found.append(rest.strip())
            continue
        if _is_heading(line):
            flush()
            seen_heading = True
            skipping = _is_boilerplate_heading(line)
            continue
        paragraph.append(line)
    flush()

    requirements: list[str] = []
    seen: set[str] = set()
    for number, candidate in enumerate(found):
        if len(requirements) == MAX_REQUIREMENTS:
            break
        if number % _CHECK_EVERY == 0:
            check_time()
        requirement = candidate.strip().rstrip(";,").strip()[:MAX_REQUIREMENT_CHARS]
        key = requirement.lower()
        if _is_requirement(requirement) and key not in seen:
            seen.add(key)
            requirements.append(requirement)
    return requirements


def _clean(line: str) -> str:
    """One line with control characters and odd spaces made plain."""
    kept = "".join(
        " " if unicodedata.category(c) in ("Cc", "Cf", "Zs", "Zl", "Zp") else c for c in line
    )
    return " ".join(kept.split())


def _is_heading(line: str) -> bool:
    """A short line that is not a sentence: a title or a section heading."""
    return line.endswith(":") or (len(line.split()) <= 8 and not line.endswith(_TERMINAL))


def _is_requirement(text: str) -> bool:
    letters = sum(c.isalpha() for c in text)
    return (
        len(text.split()) >= 2
        and letters >= 0.5 * len(text)
        and not _EMPLOYER_VOICE.search(text)
        and not _BOILERPLATE_WORDS.search(text)
        and not _has_contact(text)
    )


def _has_contact(text: str) -> bool:
    """Whether the text holds an e-mail address or a web address.

    Word by word rather than with a pattern such as `\\S+@\\S+\\.\\w+`, which backtracks
    cubically on a long run of "a@" (a 4,000-character line took 12.6 s).
    """
    for word in text.split():
        if word.startswith(("http://", "https://")):
            return True
        _, at, domain = word.partition("@")
        if at and _has_dotted_word(domain):
            return True
    return False


def _has_dotted_word(text: str) -> bool:
    """A dot followed by a letter, digit or underscore somewhere in the text."""
    dot = text.find(".")
    while dot != -1:
        if dot + 1 < len(text) and (text[dot + 1].isalnum() or text[dot + 1] == "_"):
            return True
        dot = text.find(".", dot + 1)
    return False


def _is_boilerplate_heading(heading: str) -> bool:
    """A heading of the company blurb, benefits, equal opportunity or how to apply."""
    return bool(_BOILERPLATE_HEADING.search(heading) or _ABOUT_EMPLOYER.match(heading))
