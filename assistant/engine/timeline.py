"""Questions of time and order ("where did she work before X?", "his first job", "now").

They are answered from the entries' dates (`start`, `end`, `year`; the importer writes them),
never from the words of the sentences: "before" in a question says nothing about which
entry came first. A portfolio without dates gets no answer from here, and the question goes
through ordinary retrieval.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from assistant.index.corpus import PRESENT, Document

CURRENT = "current"
FIRST = "first"
LATEST = "latest"
BEFORE = "before"
AFTER = "after"
DURATION = "duration"
LONGEST = "longest"
SHORTEST = "shortest"

# English words of time and order, in the order they are tried ("before his first job" is
# about "before"; "Where did he work and for how long before X?" too: the entry before X
# gives its span).
_ORDER = (
    (BEFORE, re.compile(r"\b(?:before|prior to|previous|previously|earlier than)\b", re.I)),
    (AFTER, re.compile(r"\b(?:after|later than|following|next)\b", re.I)),
    # "How long was she at X?": the span of the entry named, from its start and end.
    (DURATION, re.compile(r"\bhow long\b", re.I)),
    # "Which company did he stay at the longest?": of the spans, from their starts and ends.
    (LONGEST, re.compile(r"\blongest\b", re.I)),
    (SHORTEST, re.compile(r"\bshortest\b", re.I)),
    (FIRST, re.compile(r"\b(?:first|earliest|initial|oldest)\b", re.I)),
    (LATEST, re.compile(r"\b(?:most recent|latest|newest|last|recently)\b", re.I)),
    (
        CURRENT,
        re.compile(
            # "present" as time ("at present", "his present job"), not the verb ("Does he
            # present to executives?").
            r"\b(?:now|nowadays|current|currently|today|these days|at the moment)\b"
            r"|\b(?:at|the|his|her|their) present\b|\bpresent (?:day|job|role|position|employer)\b",
            re.I,
        ),
    ),
)


@dataclass(frozen=True)
class Order:
    """What a question asks about time."""

    kind: str  # CURRENT, FIRST, LATEST, BEFORE, AFTER, DURATION, LONGEST or SHORTEST
    words: str = ""  # the words that ask it ("before", "most recent")


def order_asked(question: str) -> Order | None:
    """The time or order a question asks about, or None."""
    for kind, pattern in _ORDER:
        match = pattern.search(question)
        if match:
            return Order(kind, match.group(0))
    return None


# A question in the present tense ("What is her job?", "Where does he work?"), with no verb
# of the past in it.
_PRESENT_TENSE = re.compile(r"\b(?:is|are|does|do)\b|'s\b", re.IGNORECASE)
_PAST_TENSE = re.compile(r"\b(?:was|were|did|had|has|have|used to)\b|\w+ed\b", re.IGNORECASE)


def in_present_tense(question: str) -> bool:
    """Whether a question asks about the present ("What is her job?") and not the past."""
    return bool(_PRESENT_TENSE.search(question)) and not _PAST_TENSE.search(question)


def is_dated(document: Document) -> bool:
    """Whether an entry says when it happened."""
    return bool(document.start or document.end or document.year)


def _key(value: str | None, fallback: int | None) -> tuple[int, int]:
    """A sortable (year, month); "present" sorts after every date."""
    if value == PRESENT:
        return (10_000, 0)
    if value:
        parts = value.split("-")
        return (int(parts[0]), int(parts[1]) if len(parts) > 1 else 0)
    return (fallback, 0) if fallback else (0, 0)


def began(document: Document) -> tuple[int, int]:
    """When an entry began (its year when it has no start)."""
    return _key(document.start, document.year) if document.start else _key(None, document.year)


def ended(document: Document) -> tuple[int, int]:
    """When an entry ended ("present" last; its start or year when it has no end)."""
    if document.end:
        return _key(document.end, document.year)
    return began(document)


def months(document: Document, today: date) -> int:
    """How many months an entry with a start and an end lasted (until today, if ongoing)."""
    start = began(document)
    end = (today.year, today.month) if document.end == PRESENT else ended(document)
    return (end[0] - start[0]) * 12 + (end[1] - start[1])


def pick(
    order: Order, dated: list[Document], anchor: Document | None, today: date | None = None
) -> Document | None:
    """The entry a question of time asks for, among dated entries of one section."""
    if not dated:
        return None
    if order.kind in (LONGEST, SHORTEST):
        spans = [d for d in dated if d.start and d.end]
        if not spans:
            return None
        lasted = {d.uid: months(d, today or date.today()) for d in spans}
        choose = max if order.kind == LONGEST else min
        return choose(spans, key=lambda d: lasted[d.uid])
    if order.kind == CURRENT:
        ongoing = [d for d in dated if d.end == PRESENT]
        return ongoing[0] if ongoing else max(dated, key=ended)
    if order.kind == FIRST:
        return min(dated, key=began)
    if order.kind == LATEST:
        return max(dated, key=ended)
    if anchor is None or not is_dated(anchor):
        return None
    if order.kind == DURATION:
        return anchor if anchor.start and anchor.end else None
    if order.kind == BEFORE:
        earlier = [d for d in dated if d is not anchor and ended(d) <= began(anchor)]
        earlier = earlier or [d for d in dated if d is not anchor and began(d) < began(anchor)]
        return max(earlier, key=ended) if earlier else None
    later = [d for d in dated if d is not anchor and began(d) >= ended(anchor)]
    later = later or [d for d in dated if d is not anchor and began(d) > began(anchor)]
    return min(later, key=began) if later else None
