"""What one app holds between requests, and the one way its views reach it: `state()`.

Like flaskr's `get_db()`: the factory puts an AppState on the app; every view and hook asks
`state()` for it, never a string key of `app.extensions`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask, current_app
from werkzeug.exceptions import ServiceUnavailable

from assistant.engine import Assistant
from assistant.http.admin_auth import AdminAuth
from assistant.http.chat_body import ChatBodies
from assistant.http.ratelimit import RateLimiter
from assistant.http.reloader import IndexReloader
from assistant.index.site import Site
from assistant.insights.report_cache import ReportCache
from assistant.notifications.outbox import Outbox
from assistant.settings import Settings
from assistant.storage.base import Storage

_KEY = "assistant"


@dataclass
class AppState:
    """The settings, stores and assistant of one app."""

    settings: Settings
    storage: Storage
    rate_limiter: RateLimiter | None
    # Serves the latest index's assistant; None when the assistant could not be opened.
    reloader: IndexReloader | None
    assistant_error: str | None  # why there is no assistant
    report_cache: ReportCache | None  # the owner's report, when ASSISTANT_ADMIN_TOKEN is set
    outbox: Outbox  # sends the owner the leads' notifications
    # Per-client limits of POST /api/v1/leads and /api/v1/feedback (None: no limit).
    lead_limiter: RateLimiter | None = None
    feedback_limiter: RateLimiter | None = None
    admin_auth: AdminAuth | None = None  # the dashboard's checks, when ASSISTANT_ADMIN_TOKEN is set
    # Serialised chat answers, for repeated questions.
    chat_bodies: ChatBodies = field(default_factory=ChatBodies)

    def assistant(self) -> Assistant:
        """The current assistant, or a 503 when it could not be loaded."""
        if self.reloader is None:
            raise ServiceUnavailable(self.assistant_error or "not ready")
        return self.reloader.current()

    def site(self) -> Site | None:
        """The served portfolio's site settings, or None while no index is loaded."""
        return self.reloader.current().corpus.site if self.reloader is not None else None


def install(app: Flask, app_state: AppState) -> None:
    """Attach the state to the app (create_app does, once)."""
    app.extensions[_KEY] = app_state


def state(app: Flask | None = None) -> AppState:
    """The state of `app`, or of the app handling the current request."""
    found: AppState = (app or current_app).extensions[_KEY]
    return found
