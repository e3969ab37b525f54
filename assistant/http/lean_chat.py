"""Chat questions answered without Flask's request machinery.

Routing, the request and response objects and the extensions' hooks cost more than the rest of
a repeated question, whose answer comes from the engine's cache and its JSON from ChatBodies
(~0.33 ms through the app, ~0.14 ms here, in-process), and about a tenth of a new one's (2.74
against 3.11 ms of server CPU per distinct answer under wrk).

It answers what it can answer as the app would: POST /api/v1/chat with a JSON body that is a
valid question, no Idempotency-Key, within the rate limit. Everything else goes to the app
unchanged, the body put back: other routes, Idempotency-Key, bad input, a limit exceeded, a
failure (a deadline passed, a busy store); the app answers as always, with the rate-limit count
and the start time handed on, so a request is counted once and its deadline does not restart.
What it answers carries what the app's answer would (conventions; tests/http/test_lean_chat.py
compares them): the body, the headers with CORS's, the stored turn and the question-log record,
the metrics and the log line.
"""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from flask import Flask

from assistant.errors import AssistantError
from assistant.http.api import answered
from assistant.http.conventions import (
    EXPOSED_HEADERS,
    RATE_LIMIT_COUNTED,
    STARTED_AT,
    RateLimitState,
    record_request,
    request_id_of,
    standard_headers,
)
from assistant.http.state import state
from assistant.http.validation import (
    MAX_BODY_BYTES,
    MAX_JSON_DEPTH,
    Invalid,
    json_depth,
    parse_chat_request,
)
from assistant.http.wsgi_bridge import BODY_TIMEOUT

log = logging.getLogger(__name__)

PATH = "/api/v1/chat"
WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
# As flask-cors writes it: sorted.
_EXPOSED = ", ".join(sorted(EXPOSED_HEADERS))


class LeanChat:
    """WSGI middleware in front of the app: answers plain chat questions itself."""

    def __init__(self, app: Flask, inner: WSGIApp, origins: Sequence[re.Pattern[str]]) -> None:
        self.app = app
        self.inner = inner
        self.origins = tuple(origins)  # the CORS allow-list the app's flask-cors has

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """Answer the request if it is a plain chat question; hand it to the app otherwise."""
        answered = self._answer(environ) if _may_answer(environ) else None
        if answered is None:
            return self.inner(environ, start_response)
        headers, body = answered
        start_response("200 OK", headers)
        return [body]

    def _answer(self, environ: dict[str, Any]) -> tuple[list[tuple[str, str]], bytes] | None:
        started, started_monotonic = time.perf_counter(), time.monotonic()
        app_state = state(self.app)
        if app_state.reloader is None:
            return None
        environ[STARTED_AT] = started_monotonic
        body = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        environ["wsgi.input"] = io.BytesIO(body)  # for the app, should it answer after all
        # A forked worker starts its own sender, as the app's hook does.
        app_state.outbox.start()
        rate_limit: RateLimitState | None = None
        try:
            if (limiter := app_state.rate_limiter) is not None:
                usages = limiter.hit(environ.get("REMOTE_ADDR") or "unknown")
                environ[RATE_LIMIT_COUNTED] = usages
                if any(u.exceeded for u in usages):
                    return None
                rate_limit = (limiter.limits, usages)
            payload = json.loads(body)
            if json_depth(payload) > MAX_JSON_DEPTH:
                return None
            question, session_id, history = parse_chat_request(payload)
        except (ValueError, RecursionError, Invalid, AssistantError):
            return None  # the app says what is wrong, as ever
        deadline = started_monotonic + app_state.settings.request_deadline_seconds
        try:
            reply = app_state.reloader.current().ask(question, session_id, history, deadline)
        except AssistantError:
            return None  # a late question, a busy store: the app answers the 422 or 503
        except Exception as exc:  # the app runs it again, and logs what fails there
            log.warning("answered by the app after %s: %s", type(exc).__name__, exc)
            return None
        request_id = request_id_of(environ.get("HTTP_X_REQUEST_ID", ""))
        content = answered(app_state, reply, request_id)
        headers = [
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(content))),
            *standard_headers(request_id, rate_limit, is_page=False),
            *self._cors_headers(environ.get("HTTP_ORIGIN", "")),
        ]
        record_request(
            "POST",
            PATH,
            200,
            time.perf_counter() - started,
            request_id,
            reply.answer.abstained,
            reply.answer.reason or None,
        )
        return headers, content

    def _cors_headers(self, origin: str) -> list[tuple[str, str]]:
        """The app's Vary, and what flask-cors adds to an actual (not preflight) request.

        Written as the app writes them, Vary twice included.
        """
        if origin and any(pattern.match(origin) for pattern in self.origins):
            return [
                ("Vary", "Origin"),
                ("Access-Control-Allow-Origin", origin),
                ("Access-Control-Expose-Headers", _EXPOSED),
                ("Vary", "Origin"),
            ]
        return [("Vary", "Origin")]


def _may_answer(environ: dict[str, Any]) -> bool:
    """A request of the shape this path answers (its body is still to be checked)."""
    length = environ.get("CONTENT_LENGTH") or ""
    content_type = environ.get("CONTENT_TYPE") or ""
    return (
        environ.get("PATH_INFO") == PATH
        and environ.get("REQUEST_METHOD") == "POST"
        and "HTTP_IDEMPOTENCY_KEY" not in environ
        and not environ.get(BODY_TIMEOUT)
        and content_type.split(";", 1)[0].strip().lower() == "application/json"
        and length.isdigit()
        and int(length) <= MAX_BODY_BYTES
    )
