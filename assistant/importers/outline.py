"""From a document's outline (headings and blocks of text) to a draft portfolio.

Markdown, HTML, PDF and plain text all come down to the same outline: the top heading names
the owner, the next level are sections, the level below are entries, and paragraphs and list
items are their text. A section without entry headings becomes one entry per list item (an
education list, a list of awards) or one entry holding its paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.importers.dates import LEADING_DATES, dates_in, undated_parts
from assistant.importers.draft import (
    Draft,
    DraftEntry,
    DraftSection,
    as_sentences,
    based_in,
    sentences_of_text,
)
from assistant.importers.places import closing_place, is_place, places_in
from assistant.index import kinds


@dataclass(frozen=True)
class Heading:
    """A heading of the source, with the page anchor it sits under."""

    level: int
    text: str
    where: str  # line numbers or a CSS selector
    anchor: str | None = None


@dataclass(frozen=True)
class Block:
    """A paragraph or a list item of the source."""

    text: str
    where: str
    item: bool = False
    links: tuple[tuple[str, str], ...] = ()  # (link text, address)


Event = Heading | Block

# Courtesy titles written before a name on a CV's first line; the owner is named without them.
_HONORIFICS = re.compile(r"^(?:(?:dr|prof|professor|mr|mrs|ms|mx|miss|sir|dame)\.?\s+)+", re.I)
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,24}")
# International numbers (+47 915 22 703) anywhere; others only after a phone word.
_PHONE = re.compile(
    r"(?:\+\d{1,3}[ .-]?(?:\(\d{1,4}\)[ .-]?)?\d{1,4}(?:[ .-]\d{1,6}){1,5}(?!\d))"
    r"|(?:(?<=phone )|(?<=phone: )|(?<=tel: )|(?<=call )|(?<=mobile: ))"
    r"\(?\d{2,4}\)?(?:[ .-]\d{2,5}){1,4}"
    # A national number opening with its trunk 0 ("07700 900123"); not an identifier of
    # dashed groups ("0000-0002-1825-0097", an ORCID).
    r"|(?<![\d-])0\d{2,4}[ .]?\d{3,4}[ .]?\d{3,4}(?![\d-])",
    re.I,
)
# A bare web address ("https://ferrer.example.es"), as a plain-text header writes one.
_URL = re.compile(r"https?://[^\s<>\"]{1,2000}")
# A web address written without its scheme, with a path ("instagram.com/samokafor.cooks",
# "linkedin.com/in/arohangata"): a domain alone could be a name ("Node.js").
WEB_ADDRESS = re.compile(
    r"(?<![\w@/.-])[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,4}/[^\s<>\"]{1,2000}"
)
_QUOTED_TITLE = re.compile(r"[\"“]([^\"”]{3,200})[\"”]")
_TITLE_END = re.compile(r",|:|;| [–—-] |\(| \| | · |\.\s")
# What parts of a header line are set apart by ("Analyst — Accra, Ghana"; not an en dash,
# which joins dates).
_SEPARATORS = re.compile(r"\s+[·|•—]\s+")
MAX_TITLE_CHARS = 80
# Longer than "September 2019 – December 2021 · Montréal, Canada", shorter than a sentence.
MAX_DATE_LINE_CHARS = 60


@dataclass
class _Open:
    """The entry being collected."""

    heading: Heading | None
    blocks: list[Block] = field(default_factory=list)


def build_draft(events: list[Event], source: str, owner: str | None) -> Draft:
    """The draft of a document's outline; `owner` overrides the name found in it."""
    headings = [e for e in events if isinstance(e, Heading)]
    levels = sorted({h.level for h in headings})
    title = _title_heading(headings, levels)
    found_owner = _without_post_nominals(_HONORIFICS.sub("", title.text)) if title else None
    if found_owner and found_owner.isupper():
        # "GRACE MWANGI", as a CV's first line shouts it: the name is "Grace Mwangi".
        found_owner = found_owner.title()
    draft = Draft(owner=owner or found_owner or None)
    below = [level for level in levels if title is None or level > title.level]
    section_level = below[0] if below else None
    entry_level = below[1] if len(below) > 1 else None

    header: list[Block] = []
    section: DraftSection | None = None
    entries: list[_Open] = []

    def close_section() -> None:
        if section is not None:
            _fill_section(section, entries, source, draft)

    for event in events:
        if isinstance(event, Heading):
            if event is title:
                continue
            if event.level == section_level:
                close_section()
                section = draft.section(event.text, event.anchor)
                entries = []
                continue
            if event.level == entry_level and section is not None:
                entries.append(_Open(event))
                continue
            # A deeper heading is part of its entry's text.
            block = Block(event.text, event.where)
            event_block: Block = block
        else:
            event_block = event
        if section is None:
            header.append(event_block)
        elif entries:
            entries[-1].blocks.append(event_block)
        else:
            entries.append(_Open(None, [event_block]))
    close_section()
    _read_header(draft, header, source)
    _read_contact(draft, events, title)
    return draft


def _without_post_nominals(name: str) -> str:
    """A name without the letters after it ("Ravi Patel MPharm MRPharmS", "Ana Ruiz, PhD").

    Such letters open with two capitals or end with one ("MPharm", "CEng", "PhD"), or are
    all capitals after a name that is not ("Jane Doe MBA").
    """
    words = name.split(",")[0].split()
    shouting = all(w.isupper() for w in words[:2])
    while len(words) > 2 and _is_post_nominal(words[-1], shouting):
        words.pop()
    return " ".join(words)


def _is_post_nominal(word: str, shouting: bool) -> bool:
    """A letter of the name's qualifications ("MPharm", "PhD"), not a surname ("McDonald")."""
    if not word.isalpha() or len(word) < 2:
        return False
    if word.isupper():
        return not shouting
    return word[:2].isupper() or word[-1].isupper()


def _title_heading(headings: list[Heading], levels: list[int]) -> Heading | None:
    """The document's one top heading, when it comes first: the owner's name."""
    if not headings or len(levels) < 2:
        return None
    top = [h for h in headings if h.level == levels[0]]
    return top[0] if len(top) == 1 and headings[0] is top[0] else None


def _fill_section(section: DraftSection, entries: list[_Open], source: str, draft: Draft) -> None:
    loose = [o for o in entries if o.heading is None]
    headed = [o for o in entries if o.heading is not None]
    for opened in loose:
        blocks = opened.blocks
        if len(blocks) >= 2 and all(b.item for b in blocks):
            section.entries.extend(_item_entry(b, source, section.kind) for b in blocks)
        elif blocks:
            section.entries.append(_paragraph_entry(section.label, blocks, source))
    for opened in headed:
        assert opened.heading is not None
        section.entries.append(_headed_entry(opened.heading, opened.blocks, source))
    section.entries = [e for e in section.entries if e.sentences]
    if section.kind is kinds.OTHER:
        # "Other" holding "Languages: English, Yoruba" and "Interests: ...": each labelled
        # line of a kind is a section of that kind, as its own heading would be.
        for entry in list(section.entries):
            labelled = entry.sentences[0].startswith(f"{entry.title}:")
            if labelled and kinds.kind_of(entry.title) is not kinds.OTHER:
                section.entries.remove(entry)
                draft.section(entry.title, section.anchor).entries.append(entry)
    if not section.entries:
        draft.sections.remove(section)


def _headed_entry(heading: Heading, blocks: list[Block], source: str) -> DraftEntry:
    start, end, year = dates_in(heading.text)
    opening, body, title = heading.text, blocks, heading.text
    leading = LEADING_DATES.match(heading.text)
    if leading:
        # "2021 - present   Head Chef, Ember & Yam": the entry is what follows its dates,
        # read as "Head Chef, Ember & Yam (2021 - present)".
        dates, title = leading.group(1), leading.group(2)
        opening = f"{title} ({dates})"
    if (start, year) == (None, None) and blocks and _is_date_line(blocks[0]):
        # "2021 – present" on its own line under the heading, as many sites and résumés
        # write it: the entry's dates, read with its heading ("Role — Company (2021 –
        # present)") as a heading holding them is.
        start, end, year = dates_in(blocks[0].text)
        opening, body = f"{heading.text} ({blocks[0].text.strip()})", blocks[1:]
        # The rest of the line names the employer or the role, and where ("Norte Appliances
        # · Monterrey · 2019 – today" under "Regional Supply Chain Manager"): the entry is
        # titled by both, as a "Role, Company" heading is.
        title = ", ".join([heading.text, *undated_parts(blocks[0].text)])
    sentences = as_sentences(opening)
    for block in body:
        sentences += as_sentences(block.text) if block.item else sentences_of_text(block.text)
    return DraftEntry(
        title=_short(title),
        sentences=sentences,
        source=_where(source, [heading.where, *(b.where for b in blocks)]),
        start=start,
        end=end,
        year=year,
        links=_web_links(blocks),
    )


def _item_entry(block: Block, source: str, kind: kinds.SectionKind) -> DraftEntry:
    # A publication's title is the quoted part of its reference.
    quoted = _QUOTED_TITLE.search(block.text) if kind is kinds.PUBLICATIONS else None
    title = quoted.group(1) if quoted else _TITLE_END.split(block.text, maxsplit=1)[0]
    start, end, year = dates_in(block.text)
    return DraftEntry(
        title=_short(title),
        sentences=sentences_of_text(block.text),
        source=_where(source, [block.where]),
        start=start,
        end=end,
        year=year,
        links=_web_links([block]),
    )


def _paragraph_entry(label: str, blocks: list[Block], source: str) -> DraftEntry:
    sentences: list[str] = []
    for block in blocks:
        sentences += as_sentences(block.text) if block.item else sentences_of_text(block.text)
    return DraftEntry(
        title=label,
        sentences=sentences,
        source=_where(source, [b.where for b in blocks]),
        links=_web_links(blocks),
    )


def _read_header(draft: Draft, header: list[Block], source: str) -> None:
    """The lines under the owner's name: a tagline, a place, contact details.

    A place ("Bergen, Norway") becomes "Lena is based in Bergen, Norway.", as JSON Resume's
    location does: where a résumé's header puts a city, it says where its owner lives. The
    rest (a title, a tagline) is kept as written after the owner's name.
    """
    parts: list[str] = []
    for block in header:
        for part in _SEPARATORS.split(block.text):
            cleaned = WEB_ADDRESS.sub("", _URL.sub("", _EMAIL.sub("", _PHONE.sub("", part))))
            for _, address in block.links:
                cleaned = cleaned.replace(address, "")
            linked = {text for text, _ in block.links}
            if cleaned.strip(" ,;:·|") and part.strip() not in linked:
                parts.append(cleaned.strip(" ,;:·|"))
    if not parts:
        return
    about = next((s for s in draft.sections if s.kind is kinds.ABOUT), None)
    if about is None:
        about = DraftSection("about", "About", "", kinds.ABOUT)
        draft.sections.insert(0, about)
    places = [p for p in parts if is_place(p)]
    rest = [p for p in parts if p not in places]
    # A place said in the tagline ("Machine learning engineer in Turin, Italy.") or closing
    # it ("Medicinal chemist, Gothenburg, Sweden") too; the tagline stays as written.
    places += [place for p in rest for place in places_in(p) if place not in places]
    places += [place for p in rest if (place := closing_place(p)) and place not in places]
    name = draft.owner or ""
    sentences = as_sentences(f"{name}: {' · '.join(rest)}" if name and rest else " · ".join(rest))
    for place in places:
        sentences += [based_in(name.split()[0], place)] if name else as_sentences(place)
    about.entries.insert(
        0,
        DraftEntry(
            title=draft.owner or about.label,
            sentences=sentences,
            source=_where(source, [b.where for b in header]),
        ),
    )


def _read_contact(draft: Draft, events: list[Event], title: Heading | None) -> None:
    """The email, phone and links of the header and of a contact section, as written."""
    in_contact = True  # the lines under the owner's name
    for event in events:
        if isinstance(event, Heading):
            if event is not title:
                in_contact = kinds.kind_of(event.text) is kinds.CONTACT
            continue
        if not in_contact:
            continue
        text = event.text
        for label, address in event.links:
            if address.startswith("mailto:") and draft.email is None:
                draft.email = address.removeprefix("mailto:").split("?")[0]
            elif address.startswith("tel:") and draft.phone is None:
                draft.phone = label.strip() or address.removeprefix("tel:")
            elif address.startswith(("http://", "https://")) and all(
                address != known for _, known in draft.links
            ):
                draft.links.append((_link_label(label, address), address))
        email = _EMAIL.search(text)
        if email and draft.email is None:
            draft.email = email.group(0)
        phone = _PHONE.search(text)
        if phone and draft.phone is None:
            draft.phone = phone.group(0).strip()
        bare = [("web page", m.group(0)) for m in _URL.finditer(text)]
        # "instagram.com/samokafor.cooks" is named by its site: "Sam's instagram.com page".
        bare += [
            (f"{m.group(0).split('/')[0].removeprefix('www.')} page", f"https://{m.group(0)}")
            for m in WEB_ADDRESS.finditer(_URL.sub("", text))
        ]
        for label, found in bare:
            address = found.rstrip(".,;)")
            if all(address != known for _, known in draft.links):
                draft.links.append((label, address))


def _link_label(text: str, address: str) -> str:
    """A link's name ("Dribbble"), or "web page" when its text is an address or a number."""
    text = " ".join(text.split())
    is_name = any(c.isalpha() for c in text) and not any(c in text for c in "./@:")
    return text if is_name else "web page"


def _web_links(blocks: list[Block]) -> list[str]:
    return [a for b in blocks for _, a in b.links if a.startswith(("http://", "https://"))]


def _is_date_line(block: Block) -> bool:
    """A short line that gives dates and little else ("2021 – present", "Mar 2019 – 2021")."""
    text = block.text.strip()
    return not block.item and len(text) <= MAX_DATE_LINE_CHARS and dates_in(text) != (None,) * 3


def _short(text: str) -> str:
    text = " ".join(text.split()).strip(" .,;:")
    return text if len(text) <= MAX_TITLE_CHARS else text[: MAX_TITLE_CHARS - 1].rstrip() + "…"


_LINES = re.compile(r"^((?:page \d+, )?)lines? (\d+)(?:-(\d+))?$")


def _where(source: str, places: list[str]) -> str:
    """Say where an entry came from.

    "portfolio.md: lines 11-16", "resume.pdf: page 1, lines 8-12", or a CSS selector list.
    """
    places = list(dict.fromkeys(p for p in places if p))
    spans = [_LINES.match(p) for p in places]
    pages = {m.group(1) for m in spans if m}
    if places and all(spans) and len(pages) == 1:
        page = pages.pop()
        first = min(int(m.group(2)) for m in spans if m)
        last = max(int(m.group(3) or m.group(2)) for m in spans if m)
        lines = f"line {first}" if first == last else f"lines {first}-{last}"
        return f"{source}: {page}{lines}"
    return f"{source}: {', '.join(places)}"
