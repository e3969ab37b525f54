"""Two questions in one message, as in "Where did he study, and when?".

Each part is answered on its own (a later part may lean on an earlier one: "What is X? Who
uses it?"); the answers are joined with one numbering of citations.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from assistant.engine.answer import Answer
from assistant.index.citation import Citation

MAX_PARTS = 3
_WH = r"(?:when|where|what|which|who|why|how(?: many| much| long)?)"
# ", and when?" / " and where did he ...": a second question joined to the first.
_AND_WH = re.compile(rf",?\s+and\s+({_WH})\b([^?]*)\??\s*$", re.IGNORECASE)
_OPENING_WH = re.compile(rf"^\s*{_WH}\b\s*", re.IGNORECASE)
_QUESTION = re.compile(r"[^?]+\?")
# The citation marks compose() writes: "... [2]." at a sentence's end.
_MARK = re.compile(r" \[(\d+)\](?=[.!?]?(?:\s|$))")
# Between two quoted sentences: after a mark and its full stop.
_BETWEEN_SENTENCES = re.compile(r"(?<=\][.!?])\s+")


def split_questions(message: str) -> list[str]:
    """The questions of a message: itself when it asks one thing."""
    asked = [s.strip() for s in _QUESTION.findall(message) if len(s.split()) >= 2]
    if len(asked) >= 2:
        return asked[:MAX_PARTS]
    joined = _AND_WH.search(message)
    if joined is None:
        return [message]
    first = message[: joined.start()].strip().rstrip("?,")
    wh, rest = joined.group(1), joined.group(2).strip()
    if not rest:
        # "Where did he study, and when?": the second part borrows the first one's frame.
        frame = _OPENING_WH.match(first)
        if frame is None:
            return [message]
        rest = first[frame.end() :]
    if not first or not rest:
        return [message]
    return [f"{first}?", f"{wh} {rest}?"]


def join_answers(
    answers: list[Answer], covering: Callable[[str, list[str]], str] | None = None
) -> Answer:
    """One answer from the answers to each part, citations numbered once, repeats left out.

    `covering` gives, for an entry two parts cite with different sentences, the snippet
    holding both (`answer.covering_snippet`); without it the first part's snippet stays.
    """
    answered = [a for a in answers if not a.abstained]
    if len(answered) <= 1:
        return answered[0] if answered else answers[0]
    numbers: dict[str, int] = {}
    citations: list[Citation] = []
    sentences: list[str] = []
    for answer in answered:
        renumber: dict[int, int] = {}
        for citation in answer.citations:
            if citation.id not in numbers:
                numbers[citation.id] = len(numbers) + 1
                citations.append(replace(citation, n=numbers[citation.id]))
            elif covering is not None:
                at = numbers[citation.id] - 1
                snippet = covering(citation.id, [citations[at].snippet, citation.snippet])
                citations[at] = replace(citations[at], snippet=snippet)
            renumber[citation.n] = numbers[citation.id]
        text = _renumbered(answer.text, renumber)
        for sentence in _BETWEEN_SENTENCES.split(text):
            if sentence not in sentences:  # a sentence both parts quote is said once
                sentences.append(sentence)
    return replace(
        answered[0],
        text=" ".join(sentences),
        citations=tuple(citations),
        confidence=max(a.confidence for a in answered),
        degraded=any(a.degraded for a in answered),
        cited_ids=tuple(numbers),
    )


def _renumbered(text: str, numbers: dict[int, int]) -> str:
    def mark(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return f" [{numbers.get(n, n)}]"

    return _MARK.sub(mark, text)
