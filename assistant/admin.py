"""The owner's page: GET /admin/report, the unanswered-questions report.

It exists only when ASSISTANT_ADMIN_TOKEN is set, and answers only requests carrying
`Authorization: Bearer <that token>`, compared in constant time. A missing and a wrong token
get the same 401, which says nothing about the token.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac

from flask import Response, current_app, jsonify, render_template, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import BadRequest, Unauthorized

from assistant.settings import Settings
from assistant.storage import Storage
from assistant.unanswered import build_report, since_days

ROUTE = "/admin/report"


def authorised(header: str, token: str) -> bool:
    """Whether an Authorization header carries the token (constant time in its content)."""
    scheme, _, given = header.partition(" ")
    # Digests have one length whatever was sent, so not even the token's length leaks.
    expected = hashlib.sha256(token.encode()).digest()
    presented = hashlib.sha256(given.strip().encode("utf-8", "replace")).digest()
    return hmac.compare_digest(presented, expected) and scheme.lower() == "bearer"


def report_page() -> Response:
    """GET /admin/report: what recruiters asked that the portfolio could not answer."""
    from assistant.web import get_assistant

    settings: Settings = current_app.extensions["settings"]
    assert settings.admin_token is not None  # the route exists only with a token
    if not authorised(request.headers.get("Authorization", ""), settings.admin_token):
        raise Unauthorized(
            "a valid bearer token is required",
            www_authenticate=WWWAuthenticate("bearer", {"realm": "assistant-admin"}),
        )
    days = request.args.get("days", default=settings.log_days, type=int)
    if days is None or not 1 <= days <= settings.log_days:
        raise BadRequest(f"days must be a whole number from 1 to {settings.log_days}")
    storage: Storage = current_app.extensions["storage"]
    entries = storage.questions.since(since_days(days))
    assistant = get_assistant()
    embedder = assistant.retriever.embedder if entries else None
    report = build_report(entries, embedder, days)
    if request.accept_mimetypes.best == "application/json":
        from dataclasses import asdict

        response = jsonify(asdict(report))
    else:
        html = render_template(
            "report.html",
            report=report,
            owner=assistant.corpus.site.owner,
            question_log=settings.question_log,
            day=_day,
        )
        response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _day(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
