"""Resolve follow-up questions ("What was its impact?") against earlier turns."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.analysis import QuestionTerms

# Words that point back at something said before.
_POINTING_BACK = re.compile(
    r"\b(it|its|it's|that|this|these|those|they|them|their|there|the same|the project|"
    r"the system|the platform|the engine)\b|^\s*(and|also|what about|how about|and what)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Turn:
    """One earlier exchange, as kept for resolving follow-ups."""

    question: str
    topic: str  # the text the turn was resolved to: its own question, or its antecedent's
    cited_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resolved:
    """A question made self-contained for retrieval."""

    query: str  # what to search for
    topic: str  # what later follow-ups resolve against
    follow_up: bool
    prior_ids: tuple[str, ...]  # entries the earlier turn cited


def is_follow_up(question: str, terms: QuestionTerms) -> bool:
    """Whether a question leans on an earlier turn to make sense."""
    return bool(_POINTING_BACK.search(question)) or not terms.known


def resolve(question: str, terms: QuestionTerms, history: list[Turn]) -> Resolved:
    """Join a follow-up to the topic of the latest turn; leave other questions alone."""
    if not history or not is_follow_up(question, terms):
        return Resolved(question, question, False, ())
    latest = history[-1]
    return Resolved(f"{latest.topic} {question}", latest.topic, True, latest.cited_ids)
