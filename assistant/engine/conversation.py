"""Resolve follow-up questions ("What was its impact?") against earlier turns."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.engine.question_terms import QuestionTerms
from assistant.storage.base import Turn

# Words that point back at something said before.
_POINTING_BACK = re.compile(
    r"\b(it|its|it's|that|this|these|those|they|them|their|there|the same|the project|"
    r"the system|the platform|the engine)\b|^\s*(and|also|what about|how about|and what)\b",
    re.IGNORECASE,
)


# "the second one", "the 3rd", "the last of them": an item of the previous answer's list.
_ORDINAL = re.compile(
    r"\bthe (first|second|third|fourth|fifth|sixth|1st|2nd|3rd|4th|5th|6th|last)"
    r"(?: one| of them| item| entry)?\b",
    re.IGNORECASE,
)
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "last": -1,
}  # fmt: skip


def ordinal(question: str) -> int | None:
    """The position a follow-up points at ("the second one": 2, "the last one": -1)."""
    match = _ORDINAL.search(question)
    return _ORDINALS[match.group(1).lower()] if match else None


@dataclass(frozen=True)
class Resolved:
    """A question made self-contained for retrieval."""

    query: str  # what to search for
    topic: str  # what later follow-ups resolve against
    follow_up: bool
    prior_ids: tuple[str, ...]  # entries the earlier turn cited


def is_follow_up(
    question: str, terms: QuestionTerms, owner_pronouns: frozenset[str] = frozenset()
) -> bool:
    """Whether a question leans on an earlier turn to make sense.

    `owner_pronouns` ("they", "them", "their" for an owner who uses them) point at the owner,
    whom every question is about, not at anything said before.
    """
    pointing = (m.group(0).lower() not in owner_pronouns for m in _POINTING_BACK.finditer(question))
    return any(pointing) or not terms.known or _ORDINAL.search(question) is not None


def resolve(
    question: str,
    terms: QuestionTerms,
    history: list[Turn],
    owner_pronouns: frozenset[str] = frozenset(),
) -> Resolved:
    """Join a follow-up to the topic of the latest turn; leave other questions alone."""
    if not history or not is_follow_up(question, terms, owner_pronouns):
        return Resolved(question, question, False, ())
    latest = history[-1]
    return Resolved(f"{latest.topic} {question}", latest.topic, True, latest.cited_ids)
