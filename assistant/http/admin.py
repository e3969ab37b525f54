"""The owner's page: GET /admin/report, the unanswered-questions report.

It exists only when ASSISTANT_ADMIN_TOKEN is set, and answers only requests carrying
`Authorization: Bearer <that token>`, compared in constant time. A missing and a wrong token
get the same 401, which says nothing about the token. An address that failed
FAILED_LOGINS_PER_MINUTE times in the current minute gets 429 until the next one, whatever it
sends (counted in the shared store, so across workers and replicas).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time

from flask import Blueprint, Response, jsonify, render_template, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import BadRequest, TooManyRequests, Unauthorized

from assistant.http.ratelimit import current_window
from assistant.http.state import state
from assistant.index.characters import shown
from assistant.insights.unanswered import UnansweredReport, build_report, since_days
from assistant.storage.base import WindowCounters

ROUTE = "/admin/report"
FAILED_LOGINS_PER_MINUTE = 10
_FAILURES_KEY = "admin-auth-failures:"

# Registered only when ASSISTANT_ADMIN_TOKEN is set.
admin = Blueprint("admin", __name__)


def authorised(header: str, token: str) -> bool:
    """Whether an Authorization header carries the token (constant time in its content)."""
    scheme, _, given = header.partition(" ")
    # Digests have one length whatever was sent, so not even the token's length leaks.
    expected = hashlib.sha256(token.encode()).digest()
    presented = hashlib.sha256(given.strip().encode("utf-8", "replace")).digest()
    return hmac.compare_digest(presented, expected) and scheme.lower() == "bearer"


@admin.get(ROUTE)
def report_page() -> Response:
    """GET /admin/report: what recruiters asked that the portfolio could not answer."""
    app_state = state()
    settings, storage, cache = app_state.settings, app_state.storage, app_state.report_cache
    # The blueprint is registered only with a token, and the cache with it.
    assert settings.admin_token is not None and cache is not None
    _check_login(settings.admin_token, storage.counters, request.remote_addr or "unknown")
    days = _days(request.args.get("days"), settings.log_days)
    assistant = app_state.assistant()
    embedder = assistant.retriever.embedder

    def grouped() -> UnansweredReport:
        entries = storage.questions.since(since_days(days))
        return build_report(entries, embedder if entries else None, days)

    def by_wording() -> UnansweredReport:
        return build_report(storage.questions.since(since_days(days)), None, days)

    report = cache.get((assistant.index.manifest.version, days), grouped, by_wording)
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
            shown=shown,
        )
        response = Response(html, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _check_login(token: str, counters: WindowCounters, client: str) -> None:
    """Raise 429 for an address past its failed logins this minute, 401 for a wrong token."""
    window, retry = current_window(60, time.time())
    key = _FAILURES_KEY + client
    if counters.count(key, 60, window) >= FAILED_LOGINS_PER_MINUTE:
        raise TooManyRequests("too many failed logins from this address", retry_after=retry)
    if not authorised(request.headers.get("Authorization", ""), token):
        if counters.increment(key, 60, window) > FAILED_LOGINS_PER_MINUTE:
            raise TooManyRequests("too many failed logins from this address", retry_after=retry)
        raise Unauthorized(
            "a valid bearer token is required",
            www_authenticate=WWWAuthenticate("bearer", {"realm": "assistant-admin"}),
        )


def _days(given: str | None, most: int) -> int:
    """The `days` parameter: a whole number from 1 to `most` (the default), else 400."""
    if given is None:
        return most
    if not (given.isascii() and given.isdigit() and len(given) <= 6 and 1 <= int(given) <= most):
        raise BadRequest(f"days must be a whole number from 1 to {most}")
    return int(given)


def _day(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
