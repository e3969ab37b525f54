"""What recruiters asked that the portfolio could not answer: the owner's to-do list.

From the question log: the questions the assistant abstained on or answered with low
confidence, grouped by meaning (the same embeddings as retrieval; average-linkage clustering
from scipy, so that "salary expectations?" and "how much does he want to earn?" land in one
group) and sorted by how often they were asked. Without a model, identical questions (after
normalising case, spaces and punctuation) are grouped.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np

from assistant.index.embedding import Embedder
from assistant.storage.base import LoggedQuestion

# An answer this unsure counts as not answered: worth adding to the portfolio.
LOW_CONFIDENCE = 0.4
# Questions in one group are at least this similar on average (cosine).
GROUP_SIMILARITY = 0.55
# The newest unanswered questions considered (clustering is quadratic in their number: 5,000
# would take 100 MB of pairwise distances in a worker; 2,000 take 16 MB).
MAX_QUESTIONS = 2000
EXAMPLES = 3


@dataclass(frozen=True)
class QuestionGroup:
    """Questions that ask for the same thing."""

    count: int
    abstained: int
    examples: tuple[str, ...]  # the most asked wordings first
    last_asked: float


@dataclass(frozen=True)
class UnansweredReport:
    """The groups, most asked first, and what they were drawn from."""

    days: int
    logged: int  # questions asked in the period
    unanswered: int  # of which abstained or low-confidence
    groups: tuple[QuestionGroup, ...]
    grouped_by_meaning: bool


def build_report(
    entries: list[LoggedQuestion], embedder: Embedder | None, days: int
) -> UnansweredReport:
    """Group the unanswered questions among `entries`."""
    unanswered = [e for e in entries if e.abstained or e.confidence < LOW_CONFIDENCE]
    recent = unanswered[-MAX_QUESTIONS:]
    by_text: dict[str, list[LoggedQuestion]] = {}
    for entry in recent:
        by_text.setdefault(normalise(entry.question), []).append(entry)
    texts = list(by_text)
    labels = _cluster(texts, embedder) if embedder is not None else list(range(len(texts)))
    members: dict[int, list[str]] = {}
    for text, label in zip(texts, labels, strict=True):
        members.setdefault(label, []).append(text)
    groups = []
    for group_texts in members.values():
        asked = [e for text in group_texts for e in by_text[text]]
        wordings = Counter(e.question.strip() for e in asked)
        groups.append(
            QuestionGroup(
                count=len(asked),
                abstained=sum(e.abstained for e in asked),
                examples=tuple(w for w, _ in wordings.most_common(EXAMPLES)),
                last_asked=max(e.asked for e in asked),
            )
        )
    groups.sort(key=lambda g: (-g.count, -g.last_asked))
    return UnansweredReport(
        days, len(entries), len(unanswered), tuple(groups), embedder is not None
    )


def normalise(question: str) -> str:
    """Lowercase, single spaces, no surrounding punctuation: one key per wording."""
    return re.sub(r"\s+", " ", question.lower()).strip(" ?!.,;:")


def _cluster(texts: list[str], embedder: Embedder) -> list[int]:
    if len(texts) < 2:
        return list(range(len(texts)))
    from scipy.cluster.hierarchy import fcluster, linkage

    vectors = np.asarray(embedder.encode(texts), dtype=np.float64)
    tree = linkage(vectors, method="average", metric="cosine")
    return [int(label) for label in fcluster(tree, t=1 - GROUP_SIMILARITY, criterion="distance")]


def since_days(days: int, now: float | None = None) -> float:
    """The Unix time `days` days ago."""
    return (time.time() if now is None else now) - days * 86400.0
