"""Import one page of the owner's site: sections by `id` and headings, without the page chrome.

Scripts, styles, navigation, footers, forms and hidden elements are dropped. Each heading
keeps the `id` of the element it sits in (or its own), so a citation links to that part of
the page; each entry records the CSS selectors of the elements its sentences came from.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, Tag

from assistant.importers.outline import Block, Event, Heading

_DROPPED = ("script", "style", "noscript", "template", "nav", "footer", "form", "svg", "iframe")
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCKS = (
    "p", "li", "dd", "dt", "blockquote", "td", "th", "figcaption", "pre", "address", "div",
)  # fmt: skip
# A <br> splits a block into lines ("Email: ...<br>GitHub: ..."); the source's own newlines
# are only wrapping.
_LINE_BREAK = "\u2029"
_TITLE_SEPARATORS = re.compile(r"\s+[·|–—-]\s+")
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
# A table cell this short with a year in it dates its row ("2022", "Mar 2019 – Jun 2021").
_MAX_DATE_CELL_CHARS = 25


def html_outline(page: str) -> tuple[list[Event], str | None]:
    """The headings and text blocks of a page, and the name its <title> gives, if any."""
    soup = BeautifulSoup(page, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    for tag in soup.find_all(_DROPPED):
        tag.decompose()
    hidden = [
        t for t in soup.find_all(True) if t.has_attr("hidden") or t.get("aria-hidden") == "true"
    ]
    for tag in hidden:
        if not tag.decomposed:
            tag.decompose()
    for br in soup.find_all("br"):
        br.replace_with(_LINE_BREAK)
    body = soup.body or soup
    events: list[Event] = []
    rows: set[int] = set()  # the table rows read whole, by id()
    for element in body.find_all([*_HEADINGS, *_BLOCKS, "tr"]):
        if element.name == "tr":
            row = _row(element)
            if row is not None:
                rows.add(id(element))
                if row:
                    links = tuple(
                        (_text(a), str(a.get("href"))) for a in element.find_all("a", href=True)
                    )
                    events.append(Block(row, _selector(element), True, links))
            continue
        if element.name in ("td", "th") and id(element.find_parent("tr")) in rows:
            continue
        if element.name in _HEADINGS:
            text = _text(element)
            if text:
                events.append(
                    Heading(int(element.name[1]), text, _selector(element), _anchor(element))
                )
        elif not element.find([*_HEADINGS, *_BLOCKS]):
            links = tuple((_text(a), str(a.get("href"))) for a in element.find_all("a", href=True))
            for line in element.get_text("").split(_LINE_BREAK):
                text = " ".join(line.split())
                if text:
                    events.append(Block(text, _selector(element), element.name == "li", links))
    name = _TITLE_SEPARATORS.split(title, maxsplit=1)[0].strip() if title else None
    return events, name or None


def _row(row: Tag) -> str | None:
    """A table row read as one item, or None for a row laid out with blocks.

    "Nearshoring of motor supply (2020): Moved motor sourcing from China to Mexico": its
    first cell names it, a cell giving only dates dates it. A row of headings says no fact
    ("Project, Year, Outcome"): "".
    """
    cells = row.find_all(["td", "th"], recursive=False)
    if any(c.find([*_HEADINGS, *(b for b in _BLOCKS if b not in ("td", "th"))]) for c in cells):
        return None
    if all(c.name == "th" for c in cells):
        return ""
    texts = [t for t in map(_text, cells) if t]
    if not texts:
        return ""
    first, rest = texts[0], texts[1:]
    dates = [t for t in rest if len(t) <= _MAX_DATE_CELL_CHARS and _YEAR.search(t)]
    said = [t for t in rest if t not in dates]
    dated = f"{first} ({', '.join(dates)})" if dates else first
    return f"{dated}: {'; '.join(said)}" if said else dated


def _text(element: Tag) -> str:
    return " ".join(element.get_text("").replace(_LINE_BREAK, " ").split())


def _anchor(heading: Tag) -> str | None:
    """The id a link to this heading's part of the page uses."""
    if heading.get("id"):
        return str(heading["id"])
    for parent in heading.parents:
        if parent.get("id"):
            return str(parent["id"])
    return None


def _selector(element: Tag) -> str:
    """A CSS selector for the element: from the nearest ancestor with an id, by tag position."""
    parts: list[str] = []
    node: Tag | None = element
    while node is not None and node.name != "[document]":
        if node.get("id"):
            parts.insert(0, f"#{node['id']}")
            break
        position = 1 + sum(1 for s in node.find_previous_siblings(node.name))
        parts.insert(0, f"{node.name}:nth-of-type({position})")
        node = node.parent
    return " > ".join(parts)
