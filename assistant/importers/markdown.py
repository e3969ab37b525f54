"""Import a Markdown résumé or portfolio: headings become sections and entries, bullets facts."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from assistant.importers.outline import Block, Event, Heading

# Block-level HTML and front matter are not part of CommonMark's text: left out, not guessed at.
_PARSER = MarkdownIt("commonmark").disable("html_block")


def markdown_outline(text: str) -> list[Event]:
    """The headings, paragraphs and list items of a Markdown document, with their lines."""
    events: list[Event] = []
    tokens = _PARSER.parse(text)
    depth_in_list = 0
    heading_level = 1
    for index, token in enumerate(tokens):
        if token.type in ("bullet_list_open", "ordered_list_open"):
            depth_in_list += 1
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            depth_in_list -= 1
        if token.type != "inline":
            continue
        opener = tokens[index - 1]
        plain, links = _plain_text(token)
        if not plain.strip():
            continue
        where = _lines(token)
        if opener.type == "heading_open":
            heading_level = int(opener.tag[1])
            events.append(Heading(heading_level, plain, where))
        elif depth_in_list == 0 and _is_bold_line_over_a_list(token, tokens[index + 2 :]):
            # "**Lumen Live Events** — Senior Event Producer (2020–present)" over its bullets:
            # a job, as a heading one level down would be.
            events.append(Heading(heading_level + 1, plain, where))
        else:
            events.append(Block(plain, where, item=depth_in_list > 0, links=tuple(links)))
    return events


# A bold line longer than this is a paragraph that happens to open in bold.
MAX_BOLD_HEADING_WORDS = 16


def _is_bold_line_over_a_list(token: Token, after: list[Token]) -> bool:
    """A paragraph opening in bold, short, with a list right after it."""
    children = [c for c in token.children or [] if c.type != "text" or c.content]
    return (
        bool(children)
        and children[0].type == "strong_open"
        and len(token.content.split()) <= MAX_BOLD_HEADING_WORDS
        and bool(after)
        and after[0].type in ("bullet_list_open", "ordered_list_open")
    )


def _plain_text(token: Token) -> tuple[str, list[tuple[str, str]]]:
    """The inline text as read (emphasis and link marks dropped) and the links in it."""
    parts: list[str] = []
    links: list[tuple[str, str]] = []
    href: str | None = None
    link_text: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
            if href is not None:
                link_text.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "link_open":
            href = str(child.attrs.get("href") or "")
            link_text = []
        elif child.type == "link_close" and href is not None:
            links.append(("".join(link_text), href))
            href = None
        elif child.type == "image":
            parts.append(child.content)
    return " ".join("".join(parts).split()), links


def _lines(token: Token) -> str:
    if not token.map:
        return ""
    first, last = token.map[0] + 1, token.map[1]
    return f"line {first}" if first >= last else f"lines {first}-{last}"
