"""A numbered source of an answer or of a fit report's evidence: an entry, linked, quoted."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Citation:
    """One numbered source of an answer, as the API returns it."""

    n: int
    id: str
    title: str
    section: str
    url: str
    snippet: str
    score: float
    updated: str


def mark_citation(sentence: str, n: int) -> str:
    """Put the citation marker before the sentence's final punctuation."""
    if sentence[-1:] in ".!?":
        return f"{sentence[:-1]} [{n}]{sentence[-1]}"
    return f"{sentence} [{n}]"
