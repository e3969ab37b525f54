"""The site settings of a portfolio (site.yaml): its owner, pronouns, sections and links.

Read and validated with the corpus (index.corpus), one message per problem found.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SITE_FILE = "site.yaml"
# A section's name is also its file's name (<name>.yaml) and the `section` of its citations.
_SECTION_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")
# What an entry shows about the owner, for the job-description fit report (assistant.fit.report):
# "work" (what he did or does), "credential" (degrees, certifications, training) or "none"
# (his goals, contact details, notes on other companies' systems: never evidence).
EVIDENCE_KINDS = ("work", "credential", "none")


@dataclass(frozen=True)
class Section:
    """One section of the owner's site."""

    name: str
    anchor: str
    label: str
    list_words: tuple[str, ...]
    evidence: str = "work"  # the default kind of evidence of its entries (EVIDENCE_KINDS)

    @property
    def naming_text(self) -> str:
        """The words that name the section: its label and list words ("Education degrees")."""
        return " ".join([self.label, *self.list_words])


@dataclass(frozen=True)
class Pronouns:
    """How answers refer to the owner."""

    subject: str  # he
    object: str  # him
    possessive: str  # his


# site.yaml's `pronouns` -> the forms answers use.
PRONOUNS = {
    "he": Pronouns("he", "him", "his"),
    "she": Pronouns("she", "her", "her"),
    "they": Pronouns("they", "them", "their"),
}


@dataclass(frozen=True)
class Site:
    """Site-wide settings from site.yaml."""

    owner: str
    base_url: str
    sections: dict[str, Section]
    suggestions: tuple[str, ...]
    pronouns: Pronouns = PRONOUNS["they"]

    @property
    def first_name(self) -> str:
        """How answers name the owner ("Ada" for "Ada Lovelace")."""
        return self.owner.split()[0]

    def url_for(self, section: str) -> str:
        """Link to a section: an anchor, or an absolute URL when a base URL is set."""
        anchor = "#" + self.sections[section].anchor
        return self.base_url.rstrip("/") + "/" + anchor if self.base_url else anchor


def read_yaml(path: Path, problems: list[str]) -> Any:
    """The YAML file's data, or None with the problem noted (missing, not UTF-8, invalid)."""
    if not path.is_file():
        problems.append(f"{path}: file is missing")
        return None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append(f"{path}: not UTF-8 text")
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        problems.append(f"{path}: invalid YAML{where}: {getattr(exc, 'problem', exc)}")
    return None


def load_site(path: Path, problems: list[str]) -> Site | None:
    """The site settings in site.yaml, or None with every problem noted."""
    data = read_yaml(path, problems)
    if data is None:
        return None
    if not isinstance(data, dict):
        problems.append(f"{path}: must be a mapping with 'owner', 'sections' and 'suggestions'")
        return None
    before = len(problems)
    owner = data.get("owner")
    if not isinstance(owner, str) or not owner.strip():
        problems.append(f"{path}: field 'owner' must be a non-empty string")
    pronouns = data.get("pronouns", "they")
    if not isinstance(pronouns, str) or pronouns not in PRONOUNS:  # a YAML list is unhashable
        problems.append(f"{path}: field 'pronouns' must be one of {', '.join(PRONOUNS)}")
        pronouns = "they"
    base_url = data.get("base_url") or ""
    if not isinstance(base_url, str) or (base_url and not re.match(r"^https?://", base_url)):
        problems.append(f"{path}: field 'base_url' must be empty or an http(s) URL")
    raw_sections = data.get("sections")
    sections: dict[str, Section] = {}
    if not isinstance(raw_sections, dict):
        problems.append(f"{path}: field 'sections' must map each section to its anchor")
        raw_sections = {}
    elif not raw_sections:
        problems.append(f"{path}: field 'sections' must declare at least one section")
    for name, raw in raw_sections.items():
        if not isinstance(name, str) or not _SECTION_NAME.match(name):
            problems.append(
                f"{path}: section name {name!r} must be 1-32 of a-z, 0-9, '_' and '-', "
                "starting with a letter"
            )
            continue
        if not isinstance(raw, dict) or not isinstance(raw.get("anchor"), str):
            problems.append(f"{path}: section '{name}' needs an 'anchor' string")
            continue
        words = raw.get("list_words") or []
        if not is_string_list(words):
            problems.append(f"{path}: section '{name}': 'list_words' must be a list of strings")
            words = []
        evidence = raw.get("evidence", "work")
        if evidence not in EVIDENCE_KINDS:
            problems.append(
                f"{path}: section '{name}': 'evidence' must be one of {', '.join(EVIDENCE_KINDS)}"
            )
            evidence = "work"
        sections[name] = Section(
            name=name,
            anchor=raw["anchor"],
            label=str(raw.get("label") or name.title()),
            list_words=tuple(words),
            evidence=evidence,
        )
    suggestions = data.get("suggestions") or []
    if not is_string_list(suggestions):
        problems.append(f"{path}: field 'suggestions' must be a list of strings")
        suggestions = []
    if len(problems) > before:
        return None
    return Site(
        owner=str(owner).strip(),
        base_url=str(base_url),
        sections=sections,
        suggestions=tuple(suggestions),
        pronouns=PRONOUNS[pronouns],
    )


def is_string_list(value: Any) -> bool:
    """Whether a YAML value is a list of strings."""
    return isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
