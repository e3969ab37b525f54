"""Per-client rate limits in fixed windows, counted in the server's storage.

flask-limiter was the first choice, but its storages are memory:// (one count per worker: a
client gets N times the limit with N workers) and redis://, nothing for the embedded default.
The counts live in assistant.storage instead: an atomic UPSERT in SQLite (exact across the
workers of one server) or INCR in Redis (exact across replicas).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from assistant.storage.base import WindowCounters


@dataclass(frozen=True)
class Limit:
    """At most `quota` requests per `period` seconds."""

    name: str
    quota: int
    period: int

    def __post_init__(self) -> None:
        if self.quota < 1 or self.period < 1:
            raise ValueError(f"a rate limit needs quota >= 1 and period >= 1, got {self}")


@dataclass(frozen=True)
class Usage:
    """One limit's state after a request."""

    limit: Limit
    remaining: int
    reset_seconds: int  # until the current window ends

    @property
    def exceeded(self) -> bool:
        """Whether this request went over the quota."""
        return self.remaining < 0


class RateLimiter:
    """Counts requests per client against each limit."""

    def __init__(self, counters: WindowCounters, limits: tuple[Limit, ...]) -> None:
        self.limits = limits
        self._counters = counters

    def hit(self, client: str, now: float | None = None) -> list[Usage]:
        """Count one request from `client`; the usage of every limit after it."""
        now = time.time() if now is None else now
        usages = []
        for limit in self.limits:
            window, reset = current_window(limit.period, now)
            count = self._counters.increment(client, limit.period, window)
            usages.append(Usage(limit, limit.quota - count, reset))
        return usages


def current_window(period: int, now: float) -> tuple[int, int]:
    """The number of the fixed window of `period` s holding `now`, and whole seconds left in it."""
    window = int(now // period)
    return window, max(1, math.ceil((window + 1) * period - now))


def policy_header(limits: tuple[Limit, ...]) -> str:
    """The RateLimit-Policy field (IETF draft httpapi-ratelimit-headers)."""
    return ", ".join(f'"{x.name}";q={x.quota};w={x.period}' for x in limits)


def usage_header(usages: list[Usage]) -> str:
    """The RateLimit field: the most constraining limit's remaining quota and reset."""
    tightest = min(usages, key=lambda u: (u.remaining, -u.reset_seconds))
    return f'"{tightest.limit.name}";r={max(0, tightest.remaining)};t={tightest.reset_seconds}'


def retry_after(usages: list[Usage]) -> int:
    """Seconds until every exceeded limit has a new window."""
    return max(u.reset_seconds for u in usages if u.exceeded)
