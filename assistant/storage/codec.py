"""Composed answers as JSON-ready data, for a store shared between processes.

Never pickle: Redis is shared, and what one replica wrote another reads.
"""

from __future__ import annotations

from typing import Any

from assistant.engine.answer import Answer
from assistant.engine.conversation import Resolved
from assistant.index.citation import Citation
from assistant.storage.base import CachedAnswer


def encode_answer(value: CachedAnswer) -> dict[str, Any]:
    """A cached answer as JSON-ready data (never pickle: Redis is shared)."""
    answer, resolved = value
    return {
        "answer": {
            "answer": answer.text,  # the key written before the field was renamed
            "citations": [vars(c) for c in answer.citations],
            "abstained": answer.abstained,
            "confidence": answer.confidence,
            "degraded": answer.degraded,
            "follow_ups": list(answer.follow_ups),
            "reason": answer.reason,
            "cited_ids": list(answer.cited_ids),
            "detail": answer.detail,
            "items": list(answer.items),
        },
        "resolved": {
            "query": resolved.query,
            "topic": resolved.topic,
            "follow_up": resolved.follow_up,
            "prior_ids": list(resolved.prior_ids),
        },
    }


def decode_answer(data: dict[str, Any]) -> CachedAnswer:
    """The inverse of encode_answer."""
    a, r = data["answer"], data["resolved"]
    answer = Answer(
        text=a["answer"],
        citations=tuple(Citation(**c) for c in a["citations"]),
        abstained=a["abstained"],
        confidence=a["confidence"],
        degraded=a["degraded"],
        follow_ups=tuple(a["follow_ups"]),
        reason=a["reason"],
        cited_ids=tuple(a["cited_ids"]),
        detail=a.get("detail", ""),
        items=tuple(a.get("items", ())),
    )
    resolved = Resolved(r["query"], r["topic"], r["follow_up"], tuple(r["prior_ids"]))
    return answer, resolved
