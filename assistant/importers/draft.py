"""What every importer produces: the owner, sections and entries, before they are written.

An importer only reads its format; turning a résumé's fragments into corpus sentences,
choosing ids and telling a section's kind are shared here so that every format gets them
the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from assistant.index.corpus import PRESENT, split_sentences
from assistant.index.kinds import SectionKind, kind_of


@dataclass
class DraftEntry:
    """One future corpus entry."""

    title: str
    sentences: list[str]
    source: str  # file and line, JSON path or CSS selector
    org: str | None = None
    start: str | None = None
    end: str | None = None
    year: int | None = None
    tags: list[str] = field(default_factory=list)
    email: str | None = None
    phone: str | None = None
    links: list[str] = field(default_factory=list)


@dataclass
class DraftSection:
    """One future section: its own file, label and anchor on the owner's site."""

    name: str
    label: str
    anchor: str
    kind: SectionKind
    entries: list[DraftEntry] = field(default_factory=list)


@dataclass
class Draft:
    """A whole imported portfolio."""

    owner: str | None
    sections: list[DraftSection] = field(default_factory=list)
    email: str | None = None
    phone: str | None = None
    links: list[tuple[str, str]] = field(default_factory=list)  # (what it is, URL)
    contact_source: str = ""

    def section(self, heading: str, anchor: str | None = None) -> DraftSection:
        """The section for a heading, created on first use (names are unique slugs)."""
        name = slug(heading, limit=32) or "section"
        if not name[0].isalpha():
            name = "s-" + name[:30]
        for existing in self.sections:
            if existing.name == name:
                return existing
        created = DraftSection(
            name=name,
            label=_label(heading),
            anchor=anchor if anchor is not None else name,
            kind=kind_of(heading),
        )
        self.sections.append(created)
        return created


def _label(heading: str) -> str:
    """A heading as a section's label: "EXPERIENCE", as plain-text CVs shout it, is "Experience"."""
    label = " ".join(heading.split())
    return label.capitalize() if label.isupper() and len(label) > 3 else label


_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def slug(text: str, limit: int = 64) -> str:
    """Lowercase ASCII words joined by hyphens: "Café Ops, 2021" -> "cafe-ops-2021"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SLUG_DROP.sub("-", ascii_text.lower()).strip("-")[:limit].strip("-")


_END_PUNCTUATION = ".!?"
_TRAILING_JUNK = " \t,;:–—-·•"


def as_sentences(fragment: str) -> list[str]:
    """A fragment of a résumé as corpus sentences, adding no word to it.

    Résumé lines are fragments ("Led the redesign of the app"). They are kept as written, with
    a full stop; putting the owner's name in front would have to guess the grammar of each
    line, and a guess that turns a noun into a verb states something the résumé does not. The
    first letter stays as written too: "contract-check" is a name, not a sentence's start.
    """
    text = " ".join(fragment.split()).strip(_TRAILING_JUNK)
    if not text:
        return []
    if text[-1] not in _END_PUNCTUATION:
        # A closing quote or bracket after the full stop would hide the sentence's end.
        text += "."
    return [text]


def based_in(first_name: str, place: str) -> str:
    """Where the owner lives, as a résumé's header or location field gives it."""
    return f"{first_name} is based in {place}."


def sentences_of_text(text: str | None) -> list[str]:
    """Free text of several sentences, each kept as written."""
    if not text:
        return []
    return [s for part in split_sentences(text) for s in as_sentences(part)]


def sentence_list(fragments: list[str]) -> list[str]:
    """Every fragment of a list as sentences."""
    return [s for fragment in fragments for s in as_sentences(fragment)]


_YEAR_MONTH = re.compile(r"^((?:19|20)\d\d)(?:-(\d\d))?(?:-(\d\d))?")
_PRESENT_WORDS = ("present", "now", "current", "today", "ongoing")


def partial_date(value: str | None) -> str | None:
    """A résumé date as the corpus writes it: "2019", "2019-01", "2019-01-31" or "present"."""
    if value is None:
        return None
    text = str(value).strip()
    if text.lower() in _PRESENT_WORDS:
        return PRESENT
    match = _YEAR_MONTH.match(text)
    if match is None:
        return None
    year, month, day = match.groups()
    if month is not None and not 1 <= int(month) <= 12:
        return year
    if day is not None and 1 <= int(day) <= 31 and month is not None:
        return f"{year}-{month}-{day}"
    return f"{year}-{month}" if month is not None else year


_MONTHS = (
    "January February March April May June July August September October November December"
).split()


def spoken_date(value: str) -> str:
    """Say a date as a sentence does: "2019-01" -> "January 2019"."""
    if value == PRESENT:
        return "the present"
    parts = value.split("-")
    if len(parts) == 1:
        return parts[0]
    month = _MONTHS[int(parts[1]) - 1]
    return f"{month} {parts[0]}" if len(parts) == 2 else f"{int(parts[2])} {month} {parts[0]}"


def period(start: str | None, end: str | None) -> str:
    """Say a period: "from January 2019 to February 2022", "since March 2022" or ""."""
    if start and end == PRESENT:
        return f"since {spoken_date(start)}"
    if start and end:
        return f"from {spoken_date(start)} to {spoken_date(end)}"
    if start:
        return f"since {spoken_date(start)}"
    if end:
        return f"until {spoken_date(end)}" if end != PRESENT else ""
    return ""
