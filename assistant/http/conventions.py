"""What every response carries, whichever path served it (the app's hooks or lean_chat).

The request id, the security and rate-limit headers, the count and timing in the metrics, and
the access-log line.
"""

from __future__ import annotations

import logging
import re
import uuid

from assistant.http import observability as obs
from assistant.http.ratelimit import Limit, Usage, policy_header, usage_header
from assistant.http.validation import REQUEST_ID

access_log = logging.getLogger("assistant.access")

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
CORS_PATHS = ("/api/", "/widget")
# Set in the environ by lean_chat when it hands a request to the app: the rate-limit usages it
# counted (the app counts a request once) and when it started (time.monotonic(): the request's
# deadline runs from there).
RATE_LIMIT_COUNTED = "assistant.rate_limit_counted"
STARTED_AT = "assistant.started_at"
_METHOD_LABELS = frozenset(("GET", "HEAD", "POST", "OPTIONS"))
_LOGGED_METHOD_CHARS = 16

RateLimitState = tuple[tuple[Limit, ...], list[Usage]]


def request_id_of(given: str) -> str:
    """The client's X-Request-ID when well formed, else a new one."""
    return given if REQUEST_ID.match(given) else uuid.uuid4().hex


def standard_headers(
    request_id: str, rate_limit: RateLimitState | None, is_page: bool
) -> list[tuple[str, str]]:
    """The request id, the rate-limit fields and the security headers of a response."""
    headers = [("X-Request-ID", request_id)]
    if rate_limit is not None:
        limits, usages = rate_limit
        headers += [
            ("RateLimit-Policy", policy_header(limits)),
            ("RateLimit", usage_header(usages)),
        ]
    headers += [
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("Content-Security-Policy", PAGE_CSP if is_page else API_CSP),
    ]
    return headers


def record_request(
    method: str,
    route: str,
    status: int,
    seconds: float,
    request_id: str,
    abstained: bool | None = None,
    refusal: str | None = None,
    replayed: bool = False,
) -> None:
    """Count, time and log one request (`route` is its rule, or "unmatched")."""
    label = method if method in _METHOD_LABELS else "other"
    # Labels from fixed sets only: every distinct value is a series kept for ever.
    obs.REQUESTS.labels(label, route, f"{status // 100}xx").inc()
    obs.LATENCY.labels(label, route).observe(seconds)
    access_log.info(
        "request",
        extra={
            "method": method[:_LOGGED_METHOD_CHARS],
            "route": route,
            "status": status,
            "latency_ms": round(seconds * 1000, 2),
            "abstained": abstained,
            "refusal": refusal,
            "replayed": replayed,
            # Given, so that the log filter need not look it up again.
            "request_id": request_id,
        },
    )
