"""The HTTP layer: create_app, the v1 API, and problem+json errors. The engine knows no Flask."""

from __future__ import annotations

import logging
import os
import re
import time
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from flask import Flask, Response, current_app, g, jsonify, request
from flask_cors import CORS
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    RequestTimeout,
    ServiceUnavailable,
    UnsupportedMediaType,
)
from werkzeug.middleware.proxy_fix import ProxyFix

from assistant.engine import Assistant, Reply
from assistant.errors import AssistantError, DeadlineExceeded, QuestionError, StoreBusy
from assistant.fit.report import VERDICTS, FitReport
from assistant.http import admin
from assistant.http import observability as obs
from assistant.http.assets import assets
from assistant.http.idempotency import body_digest, parse_key
from assistant.http.ratelimit import Limit, RateLimiter, policy_header, retry_after, usage_header
from assistant.http.reloader import IndexReloader
from assistant.http.validation import (
    MAX_JSON_DEPTH,
    Invalid,
    json_depth,
    parse_chat_request,
    parse_match_request,
)
from assistant.http.wsgi_bridge import BODY_TIMEOUT
from assistant.index.corpus import Site
from assistant.insights.report_cache import ReportCache
from assistant.settings import Settings, settings_from_env
from assistant.storage import (
    IdempotencyRecords,
    LoggedQuestion,
    Storage,
    WindowCounters,
    open_storage,
)

log = logging.getLogger(__name__)
access_log = logging.getLogger("assistant.access")

MAX_BODY_BYTES = 16 * 1024
MAX_MATCH_BODY_BYTES = 256 * 1024
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
OPENAPI_FILE = Path(__file__).resolve().parent / "openapi.yaml"
# Without ASSISTANT_ALLOWED_ORIGINS: pages served from localhost on any port (local work).
LOCAL_ORIGINS = re.compile(r"http://(localhost|127\.0\.0\.1)(:\d{1,5})?\Z")
# Headers a script on another origin may read.
EXPOSED_HEADERS = [
    "X-Request-ID",
    "Retry-After",
    "RateLimit",
    "RateLimit-Policy",
    "Idempotent-Replayed",
]
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
API_CSP = "default-src 'none'; frame-ancestors 'none'"
# Paths that answer other origins (CORS), and so vary by Origin.
_CORS_PATHS = ("/api/", "/widget")
_METHOD_LABELS = frozenset(("GET", "HEAD", "POST", "OPTIONS"))
_LOGGED_METHOD_CHARS = 16


def create_app(settings: Settings | None = None, assistant: Assistant | None = None) -> Flask:
    """Make the Flask app; loads (and if needed builds) the index unless given an assistant."""
    app = Flask(__name__, static_folder=None)
    # No redirects to "canonical" paths: werkzeug builds their Location from the Host header.
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.sort_keys = False  # type: ignore[attr-defined]
    settings = settings or settings_from_env(os.environ)
    app.extensions["assistant_error"] = None
    storage = open_storage(settings)
    if assistant is None:
        from assistant.startup import open_assistant

        try:
            assistant = open_assistant(
                settings, progress=lambda message: log.info("%s", message), storage=storage
            )
        except AssistantError as exc:
            # Serve anyway: /api/v1/ready says why it is not ready instead of a crash loop.
            log.error("assistant not ready: %s", exc)
            app.extensions["assistant_error"] = str(exc)
    app.extensions["assistant"] = assistant
    app.extensions["settings"] = settings
    app.extensions["storage"] = storage
    app.extensions["rate_limiter"] = _rate_limiter(settings, storage.counters)
    app.extensions["idempotency"] = storage.idempotency
    if settings.trusted_proxies:
        # Only the addresses the trusted proxies appended count; a client's own
        # X-Forwarded-For entries are ignored.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies)  # type: ignore[method-assign]
    if assistant is not None:
        _record_index_metrics(assistant)
        reloader = IndexReloader(
            assistant,
            settings.index_root,
            lambda index, old: old.with_index(index),
            settings.reload_interval_seconds,
        )
        reloader.on_reload = _record_index_metrics
        app.extensions["reloader"] = reloader

    origins = [re.compile(re.escape(o) + r"\Z") for o in settings.allowed_origins] or [
        LOCAL_ORIGINS
    ]
    CORS(
        app,
        # The widget files too: <script integrity crossorigin> needs CORS on the script.
        resources={path + "*": {"origins": origins} for path in _CORS_PATHS},
        methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Content-Type", "X-Request-ID", "Idempotency-Key"],
        expose_headers=EXPOSED_HEADERS,
        supports_credentials=False,
        max_age=600,
    )
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.register_error_handler(HTTPException, _http_problem)
    app.register_error_handler(Invalid, _invalid_problem)
    app.register_error_handler(Exception, _unexpected_problem)

    app.add_url_rule("/api/v1/chat", view_func=chat, methods=["POST"])
    app.add_url_rule("/api/v1/match", view_func=match, methods=["POST"])
    app.add_url_rule("/api/v1/health", view_func=health)
    app.add_url_rule("/api/v1/ready", view_func=ready)
    app.add_url_rule("/api/v1/suggestions", view_func=suggestions)
    app.add_url_rule("/api/v1/site", view_func=site_info)
    app.add_url_rule("/api/v1/openapi.json", view_func=openapi_document)
    app.add_url_rule("/metrics", view_func=metrics)
    if settings.admin_token:
        app.extensions["report_cache"] = ReportCache()
        app.add_url_rule(admin.ROUTE, view_func=admin.report_page)
    app.register_blueprint(assets)
    return app


def _rate_limiter(settings: Settings, counters: WindowCounters) -> RateLimiter | None:
    limits = tuple(
        Limit(name, quota, period)
        for name, quota, period in (
            ("minute", settings.rate_limit_per_minute, 60),
            ("day", settings.rate_limit_per_day, 86400),
        )
        if quota
    )
    return RateLimiter(counters, limits) if limits else None


def get_assistant() -> Assistant:
    """The app's assistant, or a 503 when it could not be loaded."""
    reloader: IndexReloader | None = current_app.extensions.get("reloader")
    if reloader is None:
        raise ServiceUnavailable(current_app.extensions["assistant_error"] or "not ready")
    return reloader.current()


def _record_index_metrics(assistant: Assistant) -> None:
    manifest = assistant.index.manifest
    obs.INDEX_ENTRIES.set(manifest.entries)
    obs.INDEX_PASSAGES.set(manifest.passages)
    obs.INDEX_BUILD_SECONDS.set(manifest.build_seconds)
    obs.DEGRADED.set(1 if assistant.degraded else 0)


def chat() -> Response:
    """POST /api/v1/chat: answer one question."""
    if "Idempotency-Key" in request.headers and (early := _idempotent_retry()) is not None:
        return early
    if (limited := _rate_limited()) is not None:
        return limited
    payload = _json_body("send the question as application/json")
    question, session_id, history = parse_chat_request(payload)
    try:
        reply = get_assistant().ask(
            question, session_id=session_id, history=history, deadline=_deadline()
        )
    except QuestionError as exc:
        raise Invalid([{"field": "question", "message": str(exc)}]) from exc
    g.abstained = reply.answer.abstained
    g.refusal = reply.answer.reason or None
    obs.QUESTIONS.labels("abstained" if reply.answer.abstained else "answered").inc()
    _log_question(reply)
    return jsonify(chat_response(reply, g.request_id))


def _log_question(reply: Reply) -> None:
    """Keep the question for the owner's report (never who asked).

    Only queued here: a thread writes it, and logs and skips a failed write (storage.background).
    """
    settings: Settings = current_app.extensions["settings"]
    if not settings.question_log:
        return
    storage: Storage = current_app.extensions["storage"]
    answer = reply.answer
    entry = LoggedQuestion(
        reply.question,
        answer.abstained,
        answer.confidence,
        answer.cited_ids,
        time.time(),
    )
    storage.questions.record(entry)


def match() -> Response:
    """POST /api/v1/match: the fit report of a job description."""
    # A 20,000-character description is larger than any question (JSON escapes included).
    request.max_content_length = MAX_MATCH_BODY_BYTES
    if (limited := _rate_limited()) is not None:
        return limited
    payload = _json_body("send the job description as application/json")
    job_description = parse_match_request(payload)
    assistant = get_assistant()
    report = assistant.match(job_description, deadline=_deadline())
    if not report.requirements:
        raise Invalid(
            [
                {
                    "field": "job_description",
                    "message": "no requirements found: paste the job description's text, "
                    "with its responsibilities and qualifications",
                }
            ]
        )
    return jsonify(match_response(report, assistant.degraded, g.request_id))


def _rate_limited() -> Response | None:
    """Count this request against the client's limits; a 429 when one is exceeded."""
    limiter: RateLimiter | None = current_app.extensions["rate_limiter"]
    if limiter is None:
        return None
    usages = limiter.hit(request.remote_addr or "unknown")
    g.rate_limit = (limiter.limits, usages)
    if not any(u.exceeded for u in usages):
        return None
    wait = retry_after(usages)
    response = problem(
        429, "Too Many Requests", f"too many requests from this address; retry in {wait} s"
    )
    response.headers["Retry-After"] = str(wait)
    return response


def _json_body(hint: str) -> Any:
    """The request's JSON, or the problem (415, 413, 400) raised as an HTTP error."""
    if not request.is_json:
        raise UnsupportedMediaType(hint)
    request.get_data(cache=True)
    if request.content_length is None:
        # A chunked body stops at the size limit without an error; reading past it raises
        # the 413 (werkzeug's LimitedStream.on_exhausted).
        request.stream.read(1)
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # nesting deeper than the interpreter's recursion limit
        payload = None
    if payload is None:
        raise MalformedJson()
    if json_depth(payload) > MAX_JSON_DEPTH:
        raise MalformedJson(f"the request body nests deeper than {MAX_JSON_DEPTH} levels")
    return payload


class MalformedJson(BadRequest):
    """A body that is not JSON (400)."""

    name = "Malformed JSON"
    description = "the request body is not valid JSON"


def _deadline() -> float:
    settings: Settings = current_app.extensions["settings"]
    return float(g.started_monotonic + settings.request_deadline_seconds)


def _idempotent_retry() -> Response | None:
    """Replay, refuse or claim a request with an Idempotency-Key; None means run it."""
    key = parse_key(request.headers["Idempotency-Key"])
    if key is None:
        return problem(
            400,
            "Bad Request",
            "Idempotency-Key must be 1-255 of A-Z, a-z, 0-9, '_' and '-', bare or in double quotes",
        )
    store: IdempotencyRecords = current_app.extensions["idempotency"]
    claim = store.claim(key, body_digest(request.get_data(cache=True)))
    if claim.outcome == "run":
        g.idempotency_key = key
        return None
    if claim.outcome == "mismatch":
        return problem(
            422, "Idempotency-Key reused", "this Idempotency-Key was used with another request body"
        )
    if claim.outcome == "in_progress":
        response = problem(
            409, "Conflict", "a request with this Idempotency-Key is still running; retry shortly"
        )
        response.headers["Retry-After"] = "1"
        return response
    assert claim.stored is not None
    g.replayed = True
    replay = Response(
        claim.stored.body,
        status=claim.stored.status,
        mimetype="application/json" if claim.stored.status < 400 else "application/problem+json",
    )
    replay.headers["Idempotent-Replayed"] = "true"
    return replay


def _keep_idempotent_response(response: Response) -> None:
    """Store the response of a request that ran with a key; release the key if it failed."""
    key = getattr(g, "idempotency_key", None)
    if key is None:
        return
    store: IdempotencyRecords = current_app.extensions["idempotency"]
    # Failures and refusals that did not run the request leave the key free for a retry.
    if response.status_code >= 500 or response.status_code in (409, 429):
        store.release(key)
    else:
        store.finish(key, response.status_code, response.get_data(as_text=True))


def match_response(report: FitReport, degraded: bool, request_id: str) -> dict[str, Any]:
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
        "answer": answer.answer,
        "citations": [dict(vars(c)) for c in answer.citations],
        "abstained": answer.abstained,
        "confidence": answer.confidence,
        "session_id": reply.session_id,
        "degraded": answer.degraded,
        "follow_ups": list(answer.follow_ups),
        "request_id": request_id,
        # Why it abstained (a code of assistant.refusals; null when it answered).
        "debug": {"reason": answer.reason or None, "detail": answer.detail},
    }


def health() -> Response:
    """GET /api/v1/health: the process is up (touches nothing else)."""
    return jsonify({"status": "ok"})


def ready() -> Response:
    """GET /api/v1/ready: the index is loaded (503 until then); says whether degraded."""
    assistant = get_assistant()
    manifest = assistant.index.manifest
    storage: Storage = current_app.extensions["storage"]
    return jsonify(
        {
            "status": "ready",
            "degraded": assistant.degraded,
            "store": {"backend": storage.backend, "reachable": storage.reachable()},
            "index": {
                "version": manifest.version,
                "entries": manifest.entries,
                "created": manifest.created,
            },
        }
    )


def current_site() -> Site | None:
    """The served portfolio's site settings, or None while no index is loaded."""
    reloader: IndexReloader | None = current_app.extensions.get("reloader")
    return reloader.current().corpus.site if reloader is not None else None


def site_info() -> Response:
    """GET /api/v1/site: who the assistant is about, for the widget's title and greeting."""
    assistant = get_assistant()
    return jsonify(site_response(assistant.corpus.site, assistant.suggestions()))


def site_response(site: Site, suggestions: list[str]) -> dict[str, Any]:
    """The body of GET /api/v1/site."""
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
    }


def suggestions() -> Response:
    """GET /api/v1/suggestions: starter questions."""
    return jsonify({"suggestions": get_assistant().suggestions()})


def openapi_document() -> Response:
    """GET /api/v1/openapi.json: the hand-kept OpenAPI 3.1 description of this API."""
    return jsonify(_openapi())


@cache
def _openapi() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(OPENAPI_FILE.read_text(encoding="utf-8"))
    return document


def metrics() -> Response:
    """GET /metrics: Prometheus exposition, merged across worker processes."""
    storage: Storage = current_app.extensions["storage"]
    if storage.backend == "redis":
        storage.reachable()  # refreshes assistant_shared_store_up
    payload, content_type = obs.metrics_payload()
    return Response(payload, content_type=content_type)


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


def _http_problem(error: HTTPException) -> Response:
    response = problem(error.code or 500, error.name, error.description or error.name)
    valid_methods = getattr(error, "valid_methods", None)
    if valid_methods:
        response.headers["Allow"] = ", ".join(valid_methods)
    for name, value in error.get_headers():
        if name in ("WWW-Authenticate", "Retry-After"):
            response.headers[name] = value
    return response


def _invalid_problem(error: Invalid) -> Response:
    return problem(422, "Invalid request", "one or more fields are invalid", errors=error.errors)


def _unexpected_problem(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return _http_problem(error)
    if isinstance(error, (DeadlineExceeded, StoreBusy)):
        log.warning("request not answered: %s", error)
        response = problem(503, "Service Unavailable", f"{error}; retry in a moment")
        response.headers["Retry-After"] = "1"
        return response
    if isinstance(error, AssistantError):
        log.error("request failed: %s", error)
        return problem(503, "Service Unavailable", "the assistant is not ready; try again shortly")
    log.exception("unexpected error")
    return problem(500, "Internal Server Error", "something went wrong; the error was logged")


def _start_request() -> None:
    g.started = time.perf_counter()
    g.started_monotonic = time.monotonic()
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
    if request.environ.get(BODY_TIMEOUT):
        settings: Settings = current_app.extensions["settings"]
        raise RequestTimeout(
            f"the request body did not arrive within {settings.body_timeout_seconds:g} s"
        )


def _finish_request(response: Response) -> Response:
    """Echo the request id, add security headers, count, time and log the request."""
    response.headers["X-Request-ID"] = getattr(g, "request_id", "")
    if (rate_limit := getattr(g, "rate_limit", None)) is not None:
        limits, usages = rate_limit
        response.headers["RateLimit-Policy"] = policy_header(limits)
        response.headers["RateLimit"] = usage_header(usages)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    is_page = response.mimetype == "text/html"
    response.headers["Content-Security-Policy"] = PAGE_CSP if is_page else API_CSP
    if request.path.startswith(_CORS_PATHS):
        # Whether CORS headers are added depends on the Origin, so a shared cache must not
        # hand one origin's copy to another (flask-cors says so only when it adds them).
        response.vary.add("Origin")
    _keep_idempotent_response(response)
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    method = request.method if request.method in _METHOD_LABELS else "other"
    seconds = time.perf_counter() - getattr(g, "started", time.perf_counter())
    # Labels from fixed sets only: every distinct value is a series kept for ever.
    obs.REQUESTS.labels(method, route, f"{response.status_code // 100}xx").inc()
    obs.LATENCY.labels(method, route).observe(seconds)
    access_log.info(
        "request",
        extra={
            "method": request.method[:_LOGGED_METHOD_CHARS],
            "route": route,
            "status": response.status_code,
            "latency_ms": round(seconds * 1000, 2),
            "abstained": getattr(g, "abstained", None),
            "refusal": getattr(g, "refusal", None),
            "replayed": getattr(g, "replayed", False),
            # Given, so that the log filter need not look it up again.
            "request_id": getattr(g, "request_id", "-"),
        },
    )
    return response
