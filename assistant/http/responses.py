"""The JSON bodies of the API's responses, used by the routes and by the CLI's --json."""

from __future__ import annotations

from typing import Any

from flask import Response, g, jsonify

from assistant.engine import Reply
from assistant.fit.report import VERDICTS, FitReport
from assistant.index.site import Site


def fit_response(report: FitReport, degraded: bool, request_id: str) -> dict[str, Any]:
    """The 200 body of POST /api/v1/match."""
    requirements = list(report.requirements)
    return {
        "summary": {
            "requirements": len(requirements),
            **{verdict: report.count(verdict) for verdict in VERDICTS},
            "strongest": [
                {"index": requirements.index(r), "requirement": r.requirement}
                for r in report.strongest
            ],
        },
        "requirements": [
            {
                "requirement": r.requirement,
                "verdict": r.verdict,
                "sentence": r.sentence,
                "citations": [dict(vars(c)) for c in r.citations],
                "missing": list(r.missing),
            }
            for r in requirements
        ],
        "degraded": degraded,
        "request_id": request_id,
    }


def chat_response(reply: Reply, request_id: str) -> dict[str, Any]:
    """The 200 body of POST /api/v1/chat, in the shape DESIGN.md fixes."""
    answer = reply.answer
    return {
        "answer": answer.text,
        "citations": [dict(vars(c)) for c in answer.citations],
        "abstained": answer.abstained,
        "confidence": answer.confidence,
        "session_id": reply.session_id,
        "degraded": answer.degraded,
        "follow_ups": list(answer.follow_ups),
        # A list answer's entries, one per item (the answer text joins them); else [].
        "items": list(answer.items),
        "request_id": request_id,
        # Why it abstained (a code of assistant.engine.refusals; null when it answered).
        "debug": {"reason": answer.reason or None, "detail": answer.detail},
    }


def site_response(
    site: Site, suggestions: list[str], feedback: bool = True, lead_days: int = 180
) -> dict[str, Any]:
    """The body of GET /api/v1/site.

    `feedback` says whether answers can be rated, `lead_days` how long contact details are
    kept (the contact form says so).
    """
    first = site.first_name
    pronouns = site.pronouns
    return {
        "owner": site.owner,
        "pronouns": {
            "subject": pronouns.subject,
            "object": pronouns.object,
            "possessive": pronouns.possessive,
        },
        "title": f"Ask about {first}",
        "greeting": f"Hi! Ask me about {first}'s work and background, or how to reach "
        f"{pronouns.object}.",
        "footnote": f"Answers come only from {first}'s portfolio, with sources.",
        "sections": [
            {"name": s.name, "label": s.label, "url": site.url_for(s.name)}
            for s in site.sections.values()
        ],
        "suggestions": suggestions,
        "feedback": feedback,
        "lead_days": lead_days,
    }


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    """An RFC 9457 problem details response."""
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "request_id": getattr(g, "request_id", None),
        **extra,
    }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response
