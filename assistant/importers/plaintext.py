"""Import a résumé as plain text, or the text layer of a PDF résumé.

Text has no markup, so its outline is read from the shape of its lines: the first short line
is the owner's name; a short line in capitals, one ending in a colon, or one underlined
("Experience" over "----------") opens a section; a
short line without a full stop followed by bullets, or a name alone over a sentence ("Tripwire"
over "An open-source library ..."), opens an entry; bullets and "Label: values" lines are list
items and other lines are paragraphs (a line that continues a wrapped bullet joins it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.importers.dates import LEADING_DATES
from assistant.importers.outline import WEB_ADDRESS, Block, Event, Heading

_BULLET = re.compile(r"^\s*(?:[-*•▪‣◦–·]|\d{1,2}[.)])\s+")
MAX_HEADING_WORDS = 6
# A line at least this share of the longest one was wrapped by the writer or the PDF.
WRAPPED_SHARE = 0.7
MAX_ENTRY_HEADING_WORDS = 14
# A line that reads as a sentence has at least this many words and ends with a full stop.
MIN_SENTENCE_WORDS = 4
# "Languages: Kotlin, Swift": a short label, a colon, then its values.
_LABELLED = re.compile(r"^[A-Z][A-Za-z&/+ -]{0,30}:\s+\S")
# A line drawn under a heading ("-------", "=======").
_UNDERLINE = re.compile(r"^(?:-{3,}|={3,}|~{3,}|_{3,})$")


def text_outline(lines: Iterable[tuple[str, str]]) -> list[Event]:
    """The outline of text given as (line, where it is) pairs."""
    rows = [(" ".join(line.split()), where) for line, where in lines]
    # A line this long was wrapped: the next one goes on with it. A shorter one ends where
    # its writer ended it ("AWS Certified Solutions Architect, 2022" over "TOGAF 9, 2020").
    wrapped = WRAPPED_SHARE * max((len(r) for r, _ in rows), default=0)
    events: list[Event] = []
    paragraph: list[tuple[str, str]] = []
    seen_title = False

    def flush() -> None:
        if paragraph:
            text = " ".join(p for p, _ in paragraph)
            events.append(Block(text, _span(paragraph[0][1], paragraph[-1][1])))
            paragraph.clear()

    underlines: set[int] = set()  # the rows of "-------" under a heading
    for number, (line, where) in enumerate(rows):
        if not line or number in underlines:
            flush()
            continue
        following = next((r for r, _ in rows[number + 1 :] if r), "")
        bullet = _BULLET.match(line)
        underlined = number + 1 < len(rows) and _UNDERLINE.match(rows[number + 1][0])
        if seen_title and underlined and len(line.split()) <= MAX_HEADING_WORDS:
            # "Experience" over "----------": a section, as a line in capitals is.
            flush()
            events.append(Heading(2, line.rstrip(":").strip(), where))
            underlines.add(number + 1)
        elif not seen_title and _is_title(line):
            flush()
            events.append(Heading(1, line, where))
            seen_title = True
        elif bullet:
            flush()
            events.append(Block(line[bullet.end() :], where, item=True))
        elif events and isinstance(events[-1], Block) and events[-1].item and line[0].islower():
            previous = events[-1]
            events[-1] = Block(f"{previous.text} {line}", _span(previous.where, where), True)
        elif _is_section_heading(line):
            flush()
            events.append(Heading(2, line.rstrip(":").strip(), where))
        elif _LABELLED.match(line):
            # "Languages: Kotlin, Swift": one item of a list, however many follow it.
            flush()
            events.append(Block(line, where, item=True))
        elif _is_entry_heading(line) and (_BULLET.match(following) or LEADING_DATES.match(line)):
            # A job's line with bullets under it, or opening with its dates though none
            # follow ("Jul 2012 - Jul 2014: Pre-registration Pharmacist, Boots").
            flush()
            events.append(Heading(3, line, where))
        elif (
            _is_name_line(line)
            and _is_sentence_line(following)
            and (not paragraph or paragraph[-1][0].endswith((".", "!", "?")))
        ):
            # "Tripwire" over "An open-source Kotlin library ...": a project and its text (a
            # wrapped sentence's short last part would end in its full stop instead).
            flush()
            events.append(Heading(3, line, where))
        else:
            if paragraph and not _goes_on(paragraph[-1][0], line, wrapped):
                flush()
            paragraph.append((line, where))
        seen_title = True
    flush()
    return events


def _goes_on(previous: str, line: str, wrapped: float) -> bool:
    """Whether a line continues the one before it in one paragraph.

    It does when it opens in lower case ("dashboards that store managers use.") or follows
    a line long enough to have been wrapped that ends mid-sentence.
    """
    if WEB_ADDRESS.match(line) or "@" in line.split()[0]:
        # An address or an email opening a line is a line of contact details of its own.
        return False
    if line[0].islower():
        return True
    return len(previous) >= wrapped and not previous.endswith((".", "!", "?"))


def _is_title(line: str) -> bool:
    words = line.split()
    return 1 < len(words) <= 5 and not line.endswith((".", ":")) and "@" not in line


def _is_section_heading(line: str) -> bool:
    words = line.split()
    if len(words) > MAX_HEADING_WORDS or line.endswith("."):
        return False
    letters = [c for c in line if c.isalpha()]
    return bool(letters) and (line.endswith(":") or all(c.isupper() for c in letters))


def _is_name_line(line: str) -> bool:
    """A short line naming something: no sentence, list or label punctuation."""
    words = line.split()
    return (
        0 < len(words) <= MAX_HEADING_WORDS
        and not any(c in line for c in ".,:;!?|@")
        and line[0].isupper()
    )


def _is_sentence_line(line: str) -> bool:
    return len(line.split()) >= MIN_SENTENCE_WORDS and line.rstrip().endswith((".", "!"))


def _is_entry_heading(line: str) -> bool:
    return len(line.split()) <= MAX_ENTRY_HEADING_WORDS and not line.endswith((".", ":"))


def _span(first: str, last: str) -> str:
    """Join two places: "line 3" and "line 5" -> "lines 3-5" (PDF places: "page 1, line 3")."""
    if first == last:
        return first
    head, _, start = first.rpartition("line ")
    tail, _, end = last.rpartition("line ")
    return f"{head}lines {start}-{end}" if head == tail else f"{first} to {last}"


def numbered_lines(text: str) -> list[tuple[str, str]]:
    """A text's lines with "line N" places."""
    return [(line, f"line {n}") for n, line in enumerate(text.splitlines(), start=1)]
