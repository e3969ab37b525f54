"""The app factory: the Flask app around an assistant, its hooks and its problem+json errors.

The routes live in blueprints (api, admin, assets); the engine knows no Flask.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable

from flask import Flask, Response, g, request
from flask_cors import CORS
from werkzeug.exceptions import HTTPException, RequestTimeout
from werkzeug.middleware.proxy_fix import ProxyFix

from assistant.engine import Assistant
from assistant.errors import AssistantError, DeadlineExceeded, StoreBusy
from assistant.http import observability as obs
from assistant.http.admin import admin
from assistant.http.admin_auth import AdminAuth
from assistant.http.api import api, keep_idempotent_response
from assistant.http.assets import assets
from assistant.http.conventions import (
    CORS_PATHS,
    EXPOSED_HEADERS,
    LOCAL_ORIGINS,
    STARTED_AT,
    record_request,
    request_id_of,
    standard_headers,
)
from assistant.http.lean_chat import LeanChat
from assistant.http.ratelimit import Limit, RateLimiter
from assistant.http.reloader import IndexReloader, preload_in_background
from assistant.http.responses import problem
from assistant.http.state import AppState, install, state
from assistant.http.validation import MAX_BODY_BYTES, Invalid
from assistant.http.visitors import visitors
from assistant.http.wsgi_bridge import BODY_TIMEOUT
from assistant.insights.report_cache import ReportCache
from assistant.notifications.outbox import Backoff, Outbox
from assistant.notifications.senders import configured_senders
from assistant.settings import Settings
from assistant.storage.base import Storage, WindowCounters

log = logging.getLogger(__name__)


def create_app(
    settings: Settings,
    assistant: Assistant | None,
    storage: Storage,
    assistant_error: str | None = None,
    outbox: Outbox | None = None,
) -> Flask:
    """Make the Flask app around an assistant (see assistant.startup.web_app).

    Without an assistant (`assistant_error` says why) it serves anyway: /api/v1/ready says
    why it is not ready instead of a crash loop. The outbox sends the owner the leads'
    notifications (by default through the channels the settings configure).
    """
    app = Flask(__name__, static_folder=None)
    # No redirects to "canonical" paths: werkzeug builds their Location from the Host header.
    app.url_map.merge_slashes = False
    app.url_map.strict_slashes = False
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.sort_keys = False  # type: ignore[attr-defined]
    reloader = None
    if assistant is not None:
        _record_index_metrics(assistant)
        reloader = IndexReloader(
            assistant,
            settings.index_root,
            lambda index, old: old.with_index(index),
            settings.reload_interval_seconds,
        )
        reloader.on_reload = _on_reload
    if outbox is None:
        senders = configured_senders(settings, _owner_of(reloader))
        outbox = Outbox(storage.leads, senders, Backoff(settings.notify_retry_seconds))
    install(
        app,
        AppState(
            settings,
            storage,
            _rate_limiter(settings, storage.counters),
            reloader,
            assistant_error,
            ReportCache() if settings.admin_token else None,
            outbox,
            _limiter(storage.counters, ("hour", settings.leads_per_hour, 3600)),
            _limiter(storage.counters, ("minute", settings.feedback_per_minute, 60)),
            AdminAuth(settings.admin_token, storage.admin_sessions, storage.counters)
            if settings.admin_token
            else None,
        ),
    )

    origins = [re.compile(re.escape(o) + r"\Z") for o in settings.allowed_origins] or [
        LOCAL_ORIGINS
    ]
    CORS(
        app,
        # The widget files too: <script integrity crossorigin> needs CORS on the script.
        resources={path + "*": {"origins": origins} for path in CORS_PATHS},
        methods=["GET", "POST", "OPTIONS"],
        allow_headers=["Content-Type", "X-Request-ID", "Idempotency-Key"],
        expose_headers=EXPOSED_HEADERS,
        supports_credentials=False,
        max_age=600,
    )
    # Plain chat questions are answered in front of the app (lean_chat), behind the proxy fix.
    app.wsgi_app = LeanChat(app, app.wsgi_app, origins)  # type: ignore[method-assign]
    if settings.trusted_proxies:
        # Only the addresses the trusted proxies appended count; a client's own
        # X-Forwarded-For entries are ignored.
        # X-Forwarded-Proto too: behind a proxy ending TLS, the admin cookie is still Secure.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=settings.trusted_proxies, x_proto=settings.trusted_proxies
        )
    app.before_request(_start_request)
    app.after_request(_finish_request)
    app.register_error_handler(HTTPException, _http_problem)
    app.register_error_handler(Invalid, _invalid_problem)
    app.register_error_handler(Exception, _unexpected_problem)

    app.register_blueprint(api)
    app.register_blueprint(visitors)
    app.add_url_rule("/metrics", view_func=metrics)
    if settings.admin_token:
        app.register_blueprint(admin)
    app.register_blueprint(assets)
    return app


def _rate_limiter(settings: Settings, counters: WindowCounters) -> RateLimiter | None:
    return _limiter(
        counters,
        ("minute", settings.rate_limit_per_minute, 60),
        ("day", settings.rate_limit_per_day, 86400),
    )


def _limiter(counters: WindowCounters, *limits: tuple[str, int, int]) -> RateLimiter | None:
    """A limiter of the (name, quota, period) limits whose quota is not 0; None if none is."""
    kept = tuple(Limit(name, quota, period) for name, quota, period in limits if quota)
    return RateLimiter(counters, kept) if kept else None


def _owner_of(reloader: IndexReloader | None) -> Callable[[], str]:
    """The owner's name as the notifications give it: from the index served at send time."""
    if reloader is None:
        return lambda: "the portfolio owner"
    return lambda: reloader.current().corpus.site.owner


def _on_reload(assistant: Assistant) -> None:
    _record_index_metrics(assistant)
    preload_in_background(assistant)


def _record_index_metrics(assistant: Assistant) -> None:
    manifest = assistant.index.manifest
    obs.INDEX_ENTRIES.set(manifest.entries)
    obs.INDEX_PASSAGES.set(manifest.passages)
    obs.INDEX_BUILD_SECONDS.set(manifest.build_seconds)
    obs.DEGRADED.set(1 if assistant.degraded else 0)


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
    g.started_monotonic = request.environ.get(STARTED_AT) or time.monotonic()
    g.request_id = request_id_of(request.headers.get("X-Request-ID", ""))
    # A forked worker starts its own sender (leads left pending by a restart go out too).
    state().outbox.start()
    if request.environ.get(BODY_TIMEOUT):
        seconds = state().settings.body_timeout_seconds
        raise RequestTimeout(f"the request body did not arrive within {seconds:g} s")


def _finish_request(response: Response) -> Response:
    """Echo the request id, add security headers, count, time and log the request."""
    request_id = getattr(g, "request_id", "")
    is_page = response.mimetype == "text/html"
    for name, value in standard_headers(request_id, getattr(g, "rate_limit", None), is_page):
        response.headers[name] = value
    if request.path.startswith(CORS_PATHS):
        # Whether CORS headers are added depends on the Origin, so a shared cache must not
        # hand one origin's copy to another (flask-cors says so only when it adds them).
        response.vary.add("Origin")
    keep_idempotent_response(response)
    record_request(
        request.method,
        request.url_rule.rule if request.url_rule is not None else "unmatched",
        response.status_code,
        time.perf_counter() - getattr(g, "started", time.perf_counter()),
        getattr(g, "request_id", "-"),
        getattr(g, "abstained", None),
        getattr(g, "refusal", None),
        getattr(g, "replayed", False),
    )
    return response


def metrics() -> Response:
    """GET /metrics: Prometheus exposition, merged across worker processes."""
    storage = state().storage
    if storage.backend == "redis":
        storage.reachable()  # refreshes assistant_shared_store_up
    payload, content_type = obs.metrics_payload()
    return Response(payload, content_type=content_type)
