"""`assistant import`: a corpus folder from a résumé or site the owner already has.

Formats: a JSON Resume document, Markdown, one HTML page, a PDF's text layer, plain text, or
an http(s) URL of the owner's page. Every format becomes the same draft (owner, sections,
entries with the place each came from), written by `writer`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from assistant.errors import ImportProblem
from assistant.importers.download import fetch
from assistant.importers.draft import Draft
from assistant.importers.html import html_outline
from assistant.importers.jsonresume import read_json_resume, validate
from assistant.importers.markdown import markdown_outline
from assistant.importers.outline import build_draft
from assistant.importers.pdf import pdf_lines
from assistant.importers.plaintext import numbered_lines, text_outline
from assistant.importers.writer import Written, write_corpus
from assistant.index.site import PRONOUNS

# A résumé or a page is a few hundred kilobytes; a PDF with images a few megabytes.
MAX_SOURCE_BYTES = 20_000_000
_EXTENSIONS = {
    ".json": "json",
    ".md": "markdown",
    ".markdown": "markdown",
    ".html": "html",
    ".htm": "html",
    ".pdf": "pdf",
    ".txt": "text",
    ".text": "text",
}
_CONTENT_TYPES = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/json": "json",
    "text/markdown": "markdown",
    "application/pdf": "pdf",
    "text/plain": "text",
}
SUPPORTED = "a JSON Resume .json, .md, .html, .pdf or .txt file, or an http(s) URL"


@dataclass(frozen=True)
class Source:
    """A source's bytes, its format and what it says about itself."""

    name: str  # as the owner gave it, for messages and `source` fields
    format: str
    body: bytes
    updated: dt.date
    base_url: str = ""


def import_portfolio(
    sources: list[str],
    target: Path,
    owner: str | None = None,
    pronouns: str = "they",
    force: bool = False,
) -> Written:
    """Import the sources into the corpus folder `target`; raise ImportProblem on bad input."""
    if pronouns not in PRONOUNS:
        raise ImportProblem(f"pronouns must be one of {', '.join(PRONOUNS)}, got {pronouns!r}")
    read = [read_source(source) for source in sources]
    drafts = [draft_of(source, owner) for source in read]
    draft = _merge(drafts)
    if not draft.owner:
        raise ImportProblem(
            f"{read[0].name}: no owner name found (no title heading); pass --owner NAME"
        )
    if draft.email is None:
        raise ImportProblem(
            f"{', '.join(s.name for s in read)}: no email address found; the assistant offers it "
            "whenever it cannot answer, so add one to the source"
        )
    return write_corpus(
        draft,
        target,
        PRONOUNS[pronouns],
        pronouns,
        updated=max(source.updated for source in read),
        sources=[source.name for source in read],
        base_url=next((s.base_url for s in read if s.base_url), ""),
        force=force,
    )


def read_source(source: str) -> Source:
    """Read a file or fetch a URL, and tell its format."""
    if source.startswith(("http://", "https://")):
        fetched = fetch(source)
        page_format = _CONTENT_TYPES.get(fetched.content_type) or _sniff(fetched.body)
        if page_format is None:
            raise ImportProblem(f"{source}: unknown format {fetched.content_type}; use {SUPPORTED}")
        updated = dt.date.fromisoformat(fetched.last_modified) if fetched.last_modified else None
        return Source(
            source,
            page_format,
            fetched.body,
            updated or dt.datetime.now(dt.UTC).date(),
            base_url=fetched.url.split("#")[0] if page_format == "html" else "",
        )
    path = Path(source)
    try:
        size = path.stat().st_size
        if size > MAX_SOURCE_BYTES:
            raise ImportProblem(
                f"{source}: too large ({size} bytes; the limit is {MAX_SOURCE_BYTES})"
            )
        body = path.read_bytes()
        modified = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC).date()
    except OSError as exc:
        raise ImportProblem(f"{source}: cannot read it ({exc.strerror or exc})") from exc
    file_format = _EXTENSIONS.get(path.suffix.lower()) or _sniff(body)
    if file_format is None:
        raise ImportProblem(f"{source}: unknown format; use {SUPPORTED}")
    return Source(path.name, file_format, body, modified)


def _sniff(body: bytes) -> str | None:
    """The format of a file without a known extension, from its first bytes."""
    head = body[:2048].lstrip()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"{"):
        return "json"
    lowered = head.lower()
    if lowered.startswith((b"<!doctype html", b"<html")) or b"<body" in lowered:
        return "html"
    return None


def draft_of(source: Source, owner: str | None) -> Draft:
    """The draft of one source."""
    if source.format == "pdf":
        return _checked(
            build_draft(text_outline(pdf_lines(source.body, source.name)), source.name, owner),
            source,
        )
    text = _decode(source)
    if source.format == "json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ImportProblem(
                f"{source.name}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}"
            ) from exc
        validate(data, source.name)
        return read_json_resume(data, source.name, owner)
    if source.format == "markdown":
        return _checked(build_draft(markdown_outline(text), source.name, owner), source)
    if source.format == "html":
        events, title_name = html_outline(text)
        if not events:
            raise ImportProblem(f"{source.name}: the page has no text to import")
        return _checked(build_draft(events, source.name, owner or None), source, title_name)
    return _checked(build_draft(text_outline(numbered_lines(text)), source.name, owner), source)


def _checked(draft: Draft, source: Source, fallback_owner: str | None = None) -> Draft:
    if not draft.sections:
        raise ImportProblem(f"{source.name}: no text to import")
    if not draft.owner and fallback_owner:
        draft.owner = fallback_owner
    return draft


def _decode(source: Source) -> str:
    try:
        return source.body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportProblem(
            f"{source.name}: not UTF-8 text (byte {exc.start}); save it as UTF-8"
        ) from exc


def _merge(drafts: list[Draft]) -> Draft:
    """Several sources of one owner: sections of the same name share their entries."""
    merged = drafts[0]
    for other in drafts[1:]:
        merged.owner = merged.owner or other.owner
        merged.email = merged.email or other.email
        merged.phone = merged.phone or other.phone
        known = {address for _, address in merged.links}
        merged.links += [link for link in other.links if link[1] not in known]
        for section in other.sections:
            same = next((s for s in merged.sections if s.name == section.name), None)
            if same is None:
                merged.sections.append(section)
            else:
                same.entries.extend(section.entries)
    return merged
