"""Import a JSON Resume document (schema v1.0.0, jsonresume.org/schema).

Its fields are structured, so each entry opens with one sentence made of the entry's own
fields ("Tomasz worked as Data Engineer at Koszyk from January 2019 to February 2022."); the
free text (summaries, highlights, descriptions) follows as written.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import jsonschema
import pycountry

from assistant.errors import ImportProblem
from assistant.importers.draft import (
    Draft,
    DraftEntry,
    as_sentences,
    based_in,
    partial_date,
    period,
    sentence_list,
    sentences_of_text,
    spoken_date,
)

# How many schema problems the one error line names.
_PROBLEMS_SHOWN = 4


@cache
def _validator() -> jsonschema.Draft7Validator:
    text = resources.files("assistant.importers").joinpath("jsonresume.schema.json").read_text()
    return jsonschema.Draft7Validator(json.loads(text))


def validate(data: Any, name: str) -> None:
    """Raise ImportProblem naming the missing or wrong fields."""
    if not isinstance(data, dict):
        raise ImportProblem(f"{name}: not a JSON Resume: the document must be a JSON object")
    errors = sorted(_validator().iter_errors(data), key=lambda e: list(e.absolute_path))
    if not errors:
        return
    described = [_describe(error) for error in errors[:_PROBLEMS_SHOWN]]
    more = f" (and {len(errors) - _PROBLEMS_SHOWN} more)" if len(errors) > _PROBLEMS_SHOWN else ""
    raise ImportProblem(f"{name}: not a JSON Resume: {'; '.join(described)}{more}")


def _describe(error: jsonschema.ValidationError) -> str:
    path = _path(error.absolute_path)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"{path}.{missing} is missing" if path != "$" else f"{missing} is missing"
    if error.validator == "pattern":
        return f"{path} must be a date like 2019, 2019-01 or 2019-01-31, got {error.instance!r}"
    if error.validator == "type":
        return f"{path} must be {_article(str(error.validator_value))}, got {_json_type(error)}"
    return f"{path}: {error.message[:120]}"


def _path(parts: Any) -> str:
    text = "$"
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def _article(json_type: str) -> str:
    return f"an {json_type}" if json_type[0] in "aeiou" else f"a {json_type}"


def _json_type(error: jsonschema.ValidationError) -> str:
    value = error.instance
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    for python_type, name in names.items():
        if isinstance(value, python_type):
            return name
    return "null" if value is None else "a number"


def read_json_resume(data: dict[str, Any], name: str, owner: str | None) -> Draft:
    """The draft of a validated JSON Resume document."""
    basics = data["basics"]
    full_name = owner or " ".join(basics["name"].split())
    if not full_name:
        raise ImportProblem(f"{name}: not a JSON Resume: $.basics.name is empty")
    draft = Draft(owner=full_name)
    first = full_name.split()[0]
    _read_basics(draft, basics, name, full_name, first)
    for key, (heading, reader) in _SECTIONS.items():
        items = data.get(key) or []
        if not items:
            continue
        section = draft.section(heading)
        readers_of_one_entry = (_languages, _interests)
        if reader in readers_of_one_entry:
            entry = reader(items, first)
            entry.source = f"{name}: $.{key}"
            section.entries.append(entry)
            continue
        for number, item in enumerate(items):
            entry = reader(item, first)
            entry.source = f"{name}: $.{key}[{number}]"
            if entry.sentences:
                section.entries.append(entry)
        if not section.entries:
            draft.sections.remove(section)
    return draft


def _read_basics(draft: Draft, basics: dict[str, Any], name: str, full: str, first: str) -> None:
    sentences = []
    if basics.get("label"):
        sentences.append(f"{full}'s title is {basics['label'].strip()}.")
    place = _place(basics.get("location") or {})
    if place:
        sentences.append(based_in(first, place))
    sentences += sentences_of_text(basics.get("summary"))
    if sentences:
        about = draft.section("About")
        about.entries.append(
            DraftEntry(title=f"About {full}", sentences=sentences, source=f"{name}: $.basics")
        )
    draft.email = basics.get("email") or None
    draft.phone = basics.get("phone") or None
    if basics.get("url"):
        draft.links.append(("website", basics["url"]))
    for profile in basics.get("profiles") or []:
        if profile.get("url"):
            draft.links.append((f"{profile.get('network') or 'online'} profile", profile["url"]))
    draft.contact_source = f"{name}: $.basics"


def _place(location: dict[str, Any]) -> str:
    parts = [location.get(k) for k in ("city", "region")] + [_country(location.get("countryCode"))]
    return ", ".join(p.strip() for p in parts if isinstance(p, str) and p.strip())


def _country(code: object) -> object:
    """The country an ISO 3166-1 code names ("GH": "Ghana"), as recruiters ask about it.

    The schema's countryCode is that code; one the standard does not know stays as written.
    """
    if not isinstance(code, str) or not code.strip():
        return code
    country = pycountry.countries.get(alpha_2=code.strip().upper())
    return getattr(country, "common_name", None) or getattr(country, "name", code)


def _dated(item: dict[str, Any], start_key: str = "startDate") -> tuple[str | None, str | None]:
    start = partial_date(item.get(start_key))
    end = partial_date(item.get("endDate"))
    if start and not end and start_key == "startDate":
        end = "present"  # JSON Resume leaves endDate out of a current position
    return start, end


def _work(item: dict[str, Any], first: str) -> DraftEntry:
    company, position = item.get("name") or "", item.get("position") or ""
    start, end = _dated(item)
    when = period(start, end)
    verb = "has worked" if end == "present" else "worked"
    role = f" as {position}" if position else ""
    at = f" at {company}" if company else ""
    opening = f"{first} {verb}{role}{at} {when}".strip() + "." if (role or at) else ""
    sentences = [opening] if opening else []
    if item.get("location"):
        sentences.append(f"The role is based in {item['location'].strip()}.")
    sentences += sentences_of_text(item.get("description"))
    sentences += sentences_of_text(item.get("summary"))
    sentences += sentence_list(item.get("highlights") or [])
    title = " at ".join(p for p in (position, company) if p) or "Work"
    return DraftEntry(title, sentences, "", org=company or None, start=start, end=end)


def _volunteer(item: dict[str, Any], first: str) -> DraftEntry:
    organisation, position = item.get("organization") or "", item.get("position") or ""
    start, end = _dated(item)
    verb = "has volunteered" if end == "present" else "volunteered"
    role = f" as {position}" if position else ""
    at = f" at {organisation}" if organisation else ""
    sentences = [f"{first} {verb}{role}{at} {period(start, end)}".strip() + "."]
    sentences += sentences_of_text(item.get("summary"))
    sentences += sentence_list(item.get("highlights") or [])
    title = " at ".join(p for p in (position, organisation) if p) or "Volunteering"
    return DraftEntry(title, sentences, "", org=organisation or None, start=start, end=end)


def _education(item: dict[str, Any], first: str) -> DraftEntry:
    institution = item.get("institution") or ""
    degree = " in ".join(p for p in (item.get("studyType"), item.get("area")) if p)
    start = partial_date(item.get("startDate"))
    end = partial_date(item.get("endDate"))
    what = f" for a {degree}" if degree else ""
    where = f" at {institution}" if institution else ""
    sentences = [f"{first} studied{what}{where} {period(start, end)}".strip() + "."]
    if item.get("score"):
        sentences.append(f"The final grade was {item['score'].strip()}.")
    if item.get("courses"):
        sentences.append(f"Courses included {_and(item['courses'])}.")
    title = ", ".join(p for p in (degree, institution) if p) or "Education"
    return DraftEntry(title, sentences, "", org=institution or None, start=start, end=end)


def _award(item: dict[str, Any], first: str) -> DraftEntry:
    title = item.get("title") or "Award"
    date = partial_date(item.get("date"))
    opening = _credited(f"{first} received the {title}", "from", item.get("awarder"), date)
    sentences = [opening, *sentences_of_text(item.get("summary"))]
    return DraftEntry(title, sentences, "", org=item.get("awarder"), start=date, year=_year(date))


def _certificate(item: dict[str, Any], first: str) -> DraftEntry:
    title = item.get("name") or "Certificate"
    date = partial_date(item.get("date"))
    opening = _credited(
        f"{first} earned the {title} certification", "from", item.get("issuer"), date
    )
    return DraftEntry(
        title, [opening], "", org=item.get("issuer"), start=date, year=_year(date), links=_url(item)
    )


def _publication(item: dict[str, Any], first: str) -> DraftEntry:
    title = item.get("name") or "Publication"
    date = partial_date(item.get("releaseDate"))
    opening = _credited(f"{first} published “{title}”", "with", item.get("publisher"), date)
    sentences = [opening, *sentences_of_text(item.get("summary"))]
    return DraftEntry(
        title, sentences, "", org=item.get("publisher"), start=date, year=_year(date),
        links=_url(item),
    )  # fmt: skip


def _credited(sentence: str, preposition: str, by: str | None, date: str | None) -> str:
    """End a sentence with who gave it and when: "... the X from Y in May 2021."."""
    if by:
        sentence += f" {preposition} {by}"
    if not date:
        return sentence + "."
    # "in May 2021", but "on 14 May 2021": a day is said with "on".
    return sentence + (
        f" on {spoken_date(date)}." if date.count("-") == 2 else f" in {spoken_date(date)}."
    )


def _url(item: dict[str, Any]) -> list[str]:
    return [item["url"]] if item.get("url") else []


def _skill(item: dict[str, Any], first: str) -> DraftEntry:
    name = item.get("name") or "Skills"
    level = f" ({item['level']} level)" if item.get("level") else ""
    keywords = item.get("keywords") or []
    if keywords:
        sentence = f"{first}'s {name} skills{level} include {_and(keywords)}."
    else:
        sentence = f"{first} lists {name} as a skill{level}."
    return DraftEntry(name, [sentence], "", tags=list(keywords))


def _languages(items: list[dict[str, Any]], first: str) -> DraftEntry:
    spoken = [
        f"{i['language']} ({i['fluency']})" if i.get("fluency") else i["language"]
        for i in items
        if i.get("language")
    ]
    return DraftEntry("Languages", [f"{first} speaks {_and(spoken)}."] if spoken else [], "")


def _interests(items: list[dict[str, Any]], first: str) -> DraftEntry:
    named = [
        f"{i['name']} ({', '.join(i['keywords'])})" if i.get("keywords") else i["name"]
        for i in items
        if i.get("name")
    ]
    sentences = [f"{first}'s interests are {_and(named)}."] if named else []
    return DraftEntry("Interests", sentences, "")


def _reference(item: dict[str, Any], first: str) -> DraftEntry:
    name = item.get("name") or "A colleague"
    text = " ".join((item.get("reference") or "").split())
    sentences = as_sentences(f"A reference from {name}: {text}") if text else []
    return DraftEntry(f"Reference from {name}", sentences, "")


def _project(item: dict[str, Any], first: str) -> DraftEntry:
    name = item.get("name") or "Project"
    start, end = _dated(item)
    if item.get("startDate") and not item.get("endDate"):
        end = None  # a project without an end date is not said to be ongoing
    sentences = as_sentences(f"{name}: {item['description']}") if item.get("description") else []
    if item.get("roles"):
        sentences.append(f"{first}'s roles on {name}: {_and(item['roles'])}.")
    if item.get("entity"):
        sentences.append(f"{name} was made for {item['entity']}.")
    when = period(start, end)
    if when:
        sentences.append(f"{first} has worked on {name} {when}.")
    sentences += sentence_list(item.get("highlights") or [])
    links = _url(item)
    return DraftEntry(
        name,
        sentences,
        "",
        org=item.get("entity"),
        start=start,
        end=end,
        tags=list(item.get("keywords") or []),
        links=links,
    )


def _and(items: list[str]) -> str:
    items = [" ".join(i.split()) for i in items if i and i.strip()]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _year(date: str | None) -> int | None:
    return int(date[:4]) if date else None


# JSON Resume's sections in the order a résumé shows them, each with its heading.
_SECTIONS: dict[str, tuple[str, Callable[..., DraftEntry]]] = {
    "work": ("Work experience", _work),
    "projects": ("Projects", _project),
    "education": ("Education", _education),
    "certificates": ("Certificates", _certificate),
    "awards": ("Awards", _award),
    "publications": ("Publications", _publication),
    "skills": ("Skills", _skill),
    "languages": ("Languages", _languages),
    "volunteer": ("Volunteering", _volunteer),
    "interests": ("Interests", _interests),
    "references": ("References", _reference),
}
