"""Load the portfolio corpus (YAML) into validated dataclasses.

Every problem is collected, not just the first, so one `assistant check` run lists them all.
Messages name the file, the entry and the field.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import CorpusError
from assistant.index.site import (
    EVIDENCE_KINDS,
    SITE_FILE,
    Site,
    is_string_list,
    load_site,
    read_yaml,
)

_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_EMAIL_PATTERN = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9$])")
# Words written with a full stop that ends no sentence: companies' and people's titles, and
# Latin shorthand.
_ABBREVIATIONS = frozenset(
    "co corp inc ltd llc plc bros dept univ st dr mr mrs ms prof jr sr no vs e.g i.e approx".split()
)
# Terse fragments ("MS CS, UTD, 2021") embed badly, so each sentence needs a few words.
MIN_WORDS_PER_SENTENCE = 5

_REQUIRED_FIELDS = ("id", "title", "text", "updated")
_STRING_FIELDS = ("org", "email", "linkedin", "phone", "source", "start", "end")
_LIST_FIELDS = ("metrics", "tags", "keywords", "links")
_KNOWN_FIELDS = {*_REQUIRED_FIELDS, *_STRING_FIELDS, *_LIST_FIELDS, "year", "evidence"}
# `start` and `end` of a job, degree or project: a year, a month or a day, as in ISO 8601;
# `end` may also be "present".
_PARTIAL_DATE = re.compile(r"^(19|20)\d\d(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
PRESENT = "present"


@dataclass(frozen=True)
class Document:
    """One corpus entry: the unit that citations point at."""

    section: str
    id: str
    title: str
    text: str
    updated: dt.date
    org: str | None = None
    year: int | None = None
    metrics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    email: str | None = None
    linkedin: str | None = None
    evidence: str | None = None  # None: the section's kind
    phone: str | None = None
    links: tuple[str, ...] = ()
    # Where an imported entry came from (file and line, JSON path or CSS selector).
    source: str | None = None
    start: str | None = None  # e.g. "2019-01"
    end: str | None = None  # e.g. "2022-02" or "present"

    @property
    def uid(self) -> str:
        """Stable citation id, e.g. 'about/education'."""
        return f"{self.section}/{self.id}"


@dataclass(frozen=True)
class Corpus:
    """The validated portfolio."""

    site: Site
    documents: tuple[Document, ...]
    digest: str
    directory: Path

    @property
    def contact(self) -> Document:
        """The entry holding the owner's email, offered whenever the assistant abstains."""
        return next(d for d in self.documents if d.email)

    def by_uid(self) -> dict[str, Document]:
        """Documents keyed by their citation id."""
        return {d.uid: d for d in self.documents}

    def evidence_kind(self, document: Document) -> str:
        """What the entry shows about the owner: its own kind, else its section's."""
        return document.evidence or self.site.sections[document.section].evidence


def split_sentences(text: str) -> list[str]:
    """Split prose into sentences, not after an abbreviation ("Harbour Dairy Co. 2016")."""
    text = " ".join(text.split())
    sentences: list[str] = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        last_word = text[start : end.start()].rsplit(" ", 1)[-1]
        if last_word.rstrip(".").lower() in _ABBREVIATIONS:
            continue
        sentences.append(text[start : end.start()])
        start = end.end()
    sentences.append(text[start:])
    return [s.strip() for s in sentences if s.strip()]


def corpus_digest(corpus_dir: Path) -> str:
    """Hash of every YAML file in the corpus folder, to tell when an index is stale."""
    digest = hashlib.sha256()
    for path in sorted(corpus_dir.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_corpus(corpus_dir: Path) -> Corpus:
    """Load and validate the corpus, raising CorpusError listing every problem."""
    problems: list[str] = []
    if not corpus_dir.is_dir():
        raise CorpusError([f"{corpus_dir}: corpus folder not found"])
    site = load_site(corpus_dir / SITE_FILE, problems)
    # The sections are the ones site.yaml declares, each in a file of its own name.
    declared = list(site.sections) if site is not None else []
    documents: list[Document] = []
    for section in declared:
        documents.extend(_load_section(corpus_dir / f"{section}.yaml", section, problems))
    for path in sorted(corpus_dir.glob("*.yaml")):
        if path.stem not in declared and path.name != SITE_FILE and site is not None:
            problems.append(
                f"{path}: not a section declared in {SITE_FILE} ({', '.join(declared)})"
            )
    if not problems and not any(d.email for d in documents):
        problems.append(f"{corpus_dir}: needs an entry with an 'email' field (the contact entry)")
    if problems or site is None:
        raise CorpusError(problems)
    return Corpus(
        site=site,
        documents=tuple(documents),
        digest=corpus_digest(corpus_dir),
        directory=corpus_dir,
    )


def _load_section(path: Path, section: str, problems: list[str]) -> list[Document]:
    data = read_yaml(path, problems)
    if data is None:
        return []
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        problems.append(f"{path}: must be a mapping with an 'entries' list")
        return []
    documents: list[Document] = []
    seen: set[str] = set()
    for number, raw in enumerate(data["entries"], start=1):
        document = _validate_entry(path, section, number, raw, seen, problems)
        if document is not None:
            documents.append(document)
    return documents


def _validate_entry(
    path: Path, section: str, number: int, raw: Any, seen: set[str], problems: list[str]
) -> Document | None:
    if not isinstance(raw, dict):
        problems.append(f"{path}: entry {number}: must be a mapping of fields")
        return None
    raw_id = raw.get("id")
    where = f"{path}: entry {number}" + (f" '{raw_id}'" if isinstance(raw_id, str) else "")
    before = len(problems)

    def bad(field: str, message: str) -> None:
        problems.append(f"{where}: field '{field}' {message}")

    for name in sorted(set(raw) - _KNOWN_FIELDS, key=str):
        bad(str(name), f"is not a known field (known: {', '.join(sorted(_KNOWN_FIELDS))})")
    for name in _REQUIRED_FIELDS:
        if raw.get(name) in (None, ""):
            bad(name, "is required")
    if isinstance(raw_id, str) and raw_id:
        if not _ID_PATTERN.match(raw_id):
            bad("id", f"must be lowercase letters, digits and hyphens, got {raw_id!r}")
        elif raw_id in seen:
            bad("id", f"{raw_id!r} is used by another entry in this file")
        seen.add(raw_id)
    elif raw_id not in (None, ""):
        bad("id", f"must be a string, got {raw_id!r}")
    for name in ("title", "text", *_STRING_FIELDS[:-2]):
        value = raw.get(name)
        if value is not None and not isinstance(value, str):
            bad(name, f"must be a string, got {value!r}")
    text = raw.get("text")
    if isinstance(text, str) and text.strip():
        for sentence in split_sentences(text):
            if not sentence.endswith((".", "!", "?")):
                bad("text", f"must be full sentences ending in '.', got {sentence!r}")
            # An imported entry keeps its source's words: a résumé's short lines stay short.
            elif len(sentence.split()) < MIN_WORDS_PER_SENTENCE and raw.get("source") is None:
                bad("text", f"sentence {sentence!r} is too terse; write a full sentence")
    updated = raw.get("updated")
    if isinstance(updated, str):
        # A quoted date ('2026-08-01') is the same date.
        with contextlib.suppress(ValueError):
            updated = dt.date.fromisoformat(updated.strip())
    if updated is not None and not isinstance(updated, dt.date):
        bad("updated", f"must be a date like 2026-08-01, got {updated!r}")
    year = raw.get("year")
    if year is not None and (not isinstance(year, int) or isinstance(year, bool)):
        bad("year", f"must be an integer, got {year!r}")
    elif isinstance(year, int) and not 1950 <= year <= 2100:
        bad("year", f"must be between 1950 and 2100, got {year}")
    for name in _LIST_FIELDS:
        value = raw.get(name)
        if value is not None and not is_string_list(value):
            bad(name, f"must be a list of strings, got {value!r}")
    email = raw.get("email")
    if isinstance(email, str) and not _EMAIL_PATTERN.match(email):
        bad("email", f"must be an email address, got {email!r}")
    linkedin = raw.get("linkedin")
    if isinstance(linkedin, str) and not linkedin.startswith("https://"):
        bad("linkedin", f"must be an https:// URL, got {linkedin!r}")
    dates = {name: _partial_date(raw.get(name)) for name in ("start", "end")}
    for name, value in dates.items():
        well_formed = isinstance(value, str) and (
            _PARTIAL_DATE.match(value) is not None or (name == "end" and value == PRESENT)
        )
        if value is not None and not well_formed:
            bad(name, f"must be a date like 2019, 2019-01 or 2019-01-31, got {value!r}")
    links = raw.get("links")
    if (
        isinstance(links, list)
        and is_string_list(links)
        and not all(re.match(r"^https?://", link) for link in links)
    ):
        bad("links", f"must be http(s) URLs, got {links!r}")
    evidence = raw.get("evidence")
    if evidence is not None and evidence not in EVIDENCE_KINDS:
        bad("evidence", f"must be one of {', '.join(EVIDENCE_KINDS)}, got {evidence!r}")
    if len(problems) > before:
        return None
    return Document(
        section=section,
        id=str(raw_id),
        title=raw["title"].strip(),
        text=" ".join(raw["text"].split()),
        updated=updated,  # type: ignore[arg-type]  # checked above
        org=raw.get("org"),
        year=year,
        metrics=tuple(raw.get("metrics") or ()),
        tags=tuple(raw.get("tags") or ()),
        keywords=tuple(raw.get("keywords") or ()),
        email=email,
        linkedin=linkedin,
        evidence=evidence,
        phone=raw.get("phone"),
        links=tuple(raw.get("links") or ()),
        source=raw.get("source"),
        start=dates["start"],
        end=dates["end"],
    )


def _partial_date(value: Any) -> Any:
    """A start or end date as written: YAML reads 2019 as a number and 2019-01-31 as a date."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
