"""Write a draft portfolio as a corpus folder: site.yaml, one file per section, a manifest.

The files are written to a temporary folder beside the target, checked with the corpus
loader, and only then moved into place: a failed import leaves the old folder as it was.

Re-running an import on the same source writes the same bytes. The manifest
(`import-manifest.json`) records a hash of every entry as the import wrote it; an entry whose
hash no longer matches was edited by hand, and is kept (content, not layout) unless the
import is forced. Entries the owner added are kept the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from assistant.errors import CorpusError, ImportProblem
from assistant.importers.draft import Draft, DraftEntry, DraftSection, slug
from assistant.index import kinds
from assistant.index.corpus import PRESENT, load_corpus
from assistant.index.site import SITE_FILE, Pronouns

MANIFEST_FILE = "import-manifest.json"
MAX_SUGGESTIONS = 6
_ID_CHARS = 48


@dataclass(frozen=True)
class Written:
    """What an import wrote."""

    directory: Path
    entries: int
    sections: int
    kept: tuple[str, ...]  # uids of hand-edited or hand-added entries that were kept


def write_corpus(
    draft: Draft,
    target: Path,
    pronouns: Pronouns,
    pronoun_name: str,
    updated: dt.date,
    sources: list[str],
    base_url: str,
    force: bool,
) -> Written:
    """Write the corpus folder for a draft, keeping hand edits unless forced."""
    manifest = _existing_manifest(target, force)
    files = _files(draft, pronouns, pronoun_name, updated, base_url)
    generated_hashes = {
        f"{name}/{entry['id']}": _hash(entry)
        for name, data in files.items()
        if name != SITE_FILE
        for entry in data["entries"]
    }
    site_hash = _hash(files[SITE_FILE])
    kept: list[str] = []
    if manifest is not None and not force:
        kept = _keep_edits(target, manifest, files)
    parent = target.resolve().parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.import-", dir=parent))
    try:
        for name, data in files.items():
            path = staging / (name if name == SITE_FILE else f"{name}.yaml")
            path.write_text(_header(name, sources) + _dump(data), encoding="utf-8")
        manifest_data = {
            "sources": sources,
            "site": site_hash,
            "entries": dict(sorted(generated_hashes.items())),
        }
        (staging / MANIFEST_FILE).write_text(
            json.dumps(manifest_data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        try:
            corpus = load_corpus(staging)
        except CorpusError as exc:
            raise ImportProblem(
                f"the imported corpus does not pass the check: {exc.problems[0]}"
            ) from exc
        _move_into_place(staging, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Written(target, len(corpus.documents), len(corpus.site.sections), tuple(kept))


def _existing_manifest(target: Path, force: bool) -> dict[str, Any] | None:
    if not target.exists():
        return None
    if not target.is_dir():
        raise ImportProblem(f"{target}: exists and is not a folder")
    path = target / MANIFEST_FILE
    if not path.is_file():
        if force:
            return None
        raise ImportProblem(
            f"{target}: the folder exists and was not written by assistant import; "
            "pass --force to replace it"
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        if force:
            return None
        raise ImportProblem(f"{path}: unreadable ({exc}); pass --force to replace it") from exc
    return data if isinstance(data, dict) else None


def _keep_edits(target: Path, manifest: dict[str, Any], files: dict[str, Any]) -> list[str]:
    """Put the owner's edited and added entries (and an edited site.yaml) into `files`."""
    recorded = manifest.get("entries") or {}
    kept: list[str] = []
    old_site = _load(target / SITE_FILE)
    for name in _section_names(old_site):
        old = _load(target / f"{name}.yaml")
        for entry in (old or {}).get("entries") or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                continue
            uid = f"{name}/{entry['id']}"
            if recorded.get(uid) == _hash(entry):
                continue
            kept.append(uid)
            section = files.setdefault(name, {"entries": []})
            same = [i for i, e in enumerate(section["entries"]) if e["id"] == entry["id"]]
            if same:
                section["entries"][same[0]] = entry
            else:
                section["entries"].append(entry)
    if isinstance(old_site, dict) and manifest.get("site") != _hash(old_site):
        files[SITE_FILE] = _merged_site(old_site, files[SITE_FILE])
        kept.append(SITE_FILE)
    declared = files[SITE_FILE]["sections"]
    for name in files:
        if name != SITE_FILE and name not in declared:
            old_sections = (old_site or {}).get("sections") or {}
            declared[name] = old_sections.get(name) or {"anchor": name, "label": name.title()}
    return kept


def _merged_site(owners: dict[str, Any], generated: dict[str, Any]) -> dict[str, Any]:
    """The owner's site.yaml, with sections the source has gained added after theirs."""
    merged = dict(owners)
    sections = dict(owners.get("sections") or {})
    for name, section in generated["sections"].items():
        sections.setdefault(name, section)
    merged["sections"] = sections
    return merged


def _section_names(site: Any) -> list[str]:
    if not isinstance(site, dict) or not isinstance(site.get("sections"), dict):
        return []
    return [str(name) for name in site["sections"]]


def _load(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _move_into_place(staging: Path, target: Path) -> None:
    """Swap the new folder in; the old one is removed only once the new one is in place."""
    if not target.exists():
        staging.rename(target)
        return
    backup = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=staging.parent))
    backup.rmdir()
    target.rename(backup)
    try:
        staging.rename(target)
    except OSError:
        backup.rename(target)
        raise
    shutil.rmtree(backup, ignore_errors=True)


def _hash(data: Any) -> str:
    canonical = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:16]


def _files(
    draft: Draft, pronouns: Pronouns, pronoun_name: str, updated: dt.date, base_url: str
) -> dict[str, Any]:
    """Every file's data: site.yaml first, then each section in order."""
    assert draft.owner is not None
    sections = _with_contact(draft)
    files: dict[str, Any] = {
        SITE_FILE: {
            "owner": draft.owner,
            "pronouns": pronoun_name,
            "base_url": base_url,
            "sections": {
                s.name: {
                    "anchor": s.anchor,
                    "label": s.label,
                    "list_words": list(s.kind.list_words),
                    "evidence": s.kind.evidence,
                }
                for s in sections
            },
            "suggestions": _suggestions(sections, draft.owner.split()[0], pronouns),
        }
    }
    for section in sections:
        ids: set[str] = set()
        files[section.name] = {
            "entries": [_entry(e, _unique_id(e.title, ids), updated) for e in section.entries]
        }
    return files


def _with_contact(draft: Draft) -> list[DraftSection]:
    """The sections, the first entry of the contact section holding the contact details."""
    assert draft.email is not None  # import_portfolio refuses a source without one
    sections = list(draft.sections)
    contact = next((s for s in sections if s.kind is kinds.CONTACT and s.entries), None)
    if contact is None:
        contact = DraftSection("contact", "Contact", "", kinds.CONTACT)
        contact.entries.append(DraftEntry("Contact", [], draft.contact_source))
        sections = [s for s in sections if s.name != "contact"] + [contact]
    entry = contact.entries[0]
    first = (draft.owner or "").split()[0]
    # Each detail is named by what it is, even when the source already gives it in passing
    # ("call +47 ..."): "phone number" is how a recruiter asks for it.
    details = [f"{first}'s email address is {draft.email}."]
    if draft.phone:
        details.append(f"{first}'s phone number is {draft.phone}.")
    text = " ".join(entry.sentences)
    for label, address in draft.links:
        if address not in text and address.split("://", 1)[-1].rstrip("/") not in text:
            details.append(f"{first}'s {label} is {address}.")
    entry.sentences += [d for d in details if d not in entry.sentences]
    entry.email = draft.email
    entry.phone = draft.phone
    entry.links = [address for _, address in draft.links]
    return sections


def _entry(entry: DraftEntry, entry_id: str, updated: dt.date) -> dict[str, Any]:
    data: dict[str, Any] = {"id": entry_id, "title": entry.title}
    optional = {
        "org": entry.org,
        "start": entry.start,
        "end": entry.end,
        "year": entry.year,
        "email": entry.email,
        "phone": entry.phone,
    }
    data.update({k: v for k, v in optional.items() if v is not None})
    linkedin = next((a for a in entry.links if "linkedin.com/" in a), None)
    if entry.email and linkedin and linkedin.startswith("https://"):
        data["linkedin"] = linkedin
    data["updated"] = updated.isoformat()
    data["text"] = " ".join(entry.sentences)
    if entry.tags:
        data["tags"] = list(entry.tags)
    if entry.links:
        data["links"] = list(dict.fromkeys(entry.links))
    data["source"] = entry.source
    return data


def _unique_id(title: str, taken: set[str]) -> str:
    base = slug(title, limit=_ID_CHARS) or "entry"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}-{number}", number + 1
    taken.add(candidate)
    return candidate


def _suggestions(sections: list[DraftSection], first: str, pronouns: Pronouns) -> list[str]:
    """Starter questions, one per kind of section the portfolio has."""
    subject = pronouns.subject
    does, has = ("do", "have") if subject == "they" else ("does", "has")
    current_job = any(e.end == PRESENT for s in sections if s.kind is kinds.WORK for e in s.entries)
    templates = {
        kinds.WORK: f"Where {does} {first} work now?"
        if current_job
        else f"Where {has} {first} worked?",
        kinds.PROJECTS: f"Which projects {has} {subject} worked on?",
        kinds.SKILLS: f"What are {pronouns.possessive} main skills?",
        kinds.EDUCATION: f"Where did {subject} study?",
        kinds.CERTIFICATES: f"Which certifications {does} {subject} hold?",
        kinds.AWARDS: f"Which awards {has} {subject} won?",
        kinds.PUBLICATIONS: f"What {has} {subject} published?",
    }
    found = dict.fromkeys(s.kind for s in sections if s.kind in templates)
    questions = [templates[kind] for kind in found][: MAX_SUGGESTIONS - 1]
    return [*questions, f"How can I contact {pronouns.object}?"]


def _header(name: str, sources: list[str]) -> str:
    what = "Site-wide settings" if name == SITE_FILE else f"The {name} section"
    return (
        f"# {what}, imported from {', '.join(sources)} by `assistant import`.\n"
        "# Edit freely: an entry edited by hand is kept when the import runs again\n"
        "# (unless --force); import-manifest.json records the entries as imported.\n"
    )


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
