"""The owner's data as plain JSON records: for the dashboard's JSON and `assistant export`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from assistant.storage.base import Lead, LoggedQuestion, Rating, Source


def timestamp(seconds: float) -> str:
    """Unix time as ISO 8601 in UTC, to the second."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat(timespec="seconds")


def lead_record(lead: Lead, full: bool = False) -> dict[str, Any]:
    """A lead as the dashboard's JSON gives it; `full` adds the session and notification state."""
    record: dict[str, Any] = {
        "id": lead.id,
        "name": lead.name,
        "email": lead.email,
        "company": lead.company,
        "message": lead.message,
        "created": timestamp(lead.created),
    }
    if full:
        record |= {
            "session_id": lead.session_id,
            "notifications_pending": list(lead.pending),
            "notifications_failed": list(lead.failed),
        }
    return record


def rating_record(rating: Rating, full: bool = False) -> dict[str, Any]:
    """A rating as the dashboard's JSON gives it; `full` adds the rated answer's sources."""
    record: dict[str, Any] = {
        "request_id": rating.request_id,
        "helpful": rating.helpful,
        "question": rating.question,
        "answer": rating.answer,
        "comment": rating.comment,
        "created": timestamp(rating.created),
    }
    if full:
        record["sources"] = _sources(rating.sources)
    return record


def question_record(entry: LoggedQuestion) -> dict[str, Any]:
    """A logged question, with its answer and sources."""
    return {
        "question": entry.question,
        "answered": not entry.abstained,
        "confidence": round(entry.confidence, 4),
        "answer": entry.answer,
        "sources": _sources(entry.sources),
        "request_id": entry.request_id,
        "asked": timestamp(entry.asked),
    }


def _sources(sources: tuple[Source, ...]) -> list[dict[str, Any]]:
    return [{"n": s.n, "title": s.title, "url": s.url} for s in sources]
