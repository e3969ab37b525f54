"""Who may see the owner's dashboard: a bearer token for scripts, a login for browsers.

- Scripts send `Authorization: Bearer <ASSISTANT_ADMIN_TOKEN>`, compared in constant time; a
  missing and a wrong token get the same 401. No cookie is involved, so no CSRF token either.
- Browsers log in with the same token in a form. The login sets an HttpOnly, SameSite=Strict
  cookie (Secure over https) holding a random session id; the store keeps only its SHA-256,
  with an expiry (SESSION_SECONDS). Logging out forgets it.
- Every state-changing request of a browser carries a CSRF token: the login form a random one
  also set in a cookie (double submit), the logged-in forms an HMAC of the session id keyed
  with the admin token.
- Failed logins, by header or form, count per address in the shared store: past
  FAILED_LOGINS_PER_MINUTE in a minute, every attempt gets 429 until the next minute, which
  the answer names.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Literal

from flask import Request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Forbidden, TooManyRequests, Unauthorized
from werkzeug.wrappers.response import Response

from assistant.http.ratelimit import current_window
from assistant.storage.base import AdminSessions, WindowCounters

SESSION_COOKIE = "assistant_admin"
LOGIN_COOKIE = "assistant_login"
COOKIE_PATH = "/admin"
SESSION_SECONDS = 8 * 3600
LOGIN_FORM_SECONDS = 3600
FAILED_LOGINS_PER_MINUTE = 10
_FAILURES_KEY = "admin-auth-failures:"


@dataclass(frozen=True)
class Owner:
    """An authenticated request: by bearer token, or by a login session (and which)."""

    via: Literal["bearer", "session"]
    session_id: str = ""


def authorised(header: str, token: str) -> bool:
    """Whether an Authorization header carries the token (constant time in its content)."""
    scheme, _, given = header.partition(" ")
    return _same_secret(given.strip(), token) and scheme.lower() == "bearer"


def _same_secret(given: str, token: str) -> bool:
    # Digests have one length whatever was sent, so not even the token's length leaks.
    expected = hashlib.sha256(token.encode()).digest()
    presented = hashlib.sha256(given.encode("utf-8", "replace")).digest()
    return hmac.compare_digest(presented, expected)


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class AdminAuth:
    """The checks of one app's admin token, its sessions and failure counts."""

    def __init__(self, token: str, sessions: AdminSessions, counters: WindowCounters) -> None:
        self.token = token
        self.sessions = sessions
        self.counters = counters

    def owner(self, request: Request) -> Owner | None:
        """The request's owner credentials; None when it has none.

        A request with an Authorization header is judged by it alone: a wrong token is a 401
        (or 429), never a fall-back to the cookie.
        """
        client = request.remote_addr or "unknown"
        if "Authorization" in request.headers:
            self._refuse_if_locked_out(client)
            if not authorised(request.headers["Authorization"], self.token):
                self._count_failure(client)
                raise bearer_required()
            return Owner("bearer")
        session_id = request.cookies.get(SESSION_COOKIE, "")
        if 16 <= len(session_id) <= 128 and self.sessions.is_open(_digest(session_id), time.time()):
            return Owner("session", session_id)
        return None

    def log_in(self, request: Request, given_token: str) -> str:
        """A new session id for the right token; 429 while locked out, 401 for a wrong one."""
        client = request.remote_addr or "unknown"
        self._refuse_if_locked_out(client)
        if not _same_secret(given_token, self.token):
            self._count_failure(client)
            raise Unauthorized("that is not the admin token")
        session_id = secrets.token_urlsafe(32)
        self.sessions.open(_digest(session_id), time.time() + SESSION_SECONDS)
        return session_id

    def log_out(self, owner: Owner) -> None:
        """Forget the session (a bearer request has none)."""
        if owner.session_id:
            self.sessions.close(_digest(owner.session_id))

    def csrf_token(self, owner: Owner) -> str:
        """The token a logged-in page's forms carry."""
        key = hashlib.sha256(("csrf:" + self.token).encode()).digest()
        return hmac.new(key, owner.session_id.encode(), hashlib.sha256).hexdigest()

    def check_csrf(self, owner: Owner, given: str | None) -> None:
        """403 unless a browser's state-changing request carries its session's CSRF token."""
        if owner.via == "bearer":
            return  # no cookie, so nothing a third-party page could forge
        if not given or not hmac.compare_digest(given, self.csrf_token(owner)):
            raise Forbidden("the form's CSRF token is missing or wrong; reload the page")

    def _refuse_if_locked_out(self, client: str) -> None:
        window, retry = current_window(60, time.time())
        if self.counters.count(_FAILURES_KEY + client, 60, window) >= FAILED_LOGINS_PER_MINUTE:
            raise TooManyRequests(
                f"too many failed logins from this address; try again in {retry} s",
                retry_after=retry,
            )

    def _count_failure(self, client: str) -> None:
        window, retry = current_window(60, time.time())
        if self.counters.increment(_FAILURES_KEY + client, 60, window) > FAILED_LOGINS_PER_MINUTE:
            raise TooManyRequests(
                f"too many failed logins from this address; try again in {retry} s",
                retry_after=retry,
            )


def bearer_required() -> Unauthorized:
    """The 401 of a request without the token: the same whether it sent none or a wrong one."""
    return Unauthorized(
        "a valid bearer token is required",
        www_authenticate=WWWAuthenticate("bearer", {"realm": "assistant-admin"}),
    )


def login_form_token(request: Request) -> str:
    """The login form's CSRF token: the one in its cookie, or a new one."""
    given = request.cookies.get(LOGIN_COOKIE, "")
    return given if 16 <= len(given) <= 128 else secrets.token_urlsafe(24)


def check_login_form_token(request: Request) -> None:
    """403 unless the login form's token matches its cookie (double submit)."""
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    given = request.form.get("csrf_token", "")
    if not cookie or not given or not hmac.compare_digest(cookie, given):
        raise Forbidden("the login form expired; reload the page and try again")


def set_cookie(response: Response, request: Request, name: str, value: str, seconds: int) -> None:
    """An HttpOnly, SameSite=Strict cookie for the admin pages; Secure over https."""
    response.set_cookie(
        name,
        value,
        max_age=seconds,
        path=COOKIE_PATH,
        secure=request.is_secure,
        httponly=True,
        samesite="Strict",
    )
