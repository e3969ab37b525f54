"""Per-client rate limits shared by every worker process, kept in SQLite.

flask-limiter was the first choice, but its storages are memory:// (one count per worker: a
client gets N times the limit with N workers) and redis://; none is shared by the processes
of one server without another service. Fixed windows counted with one atomic UPSERT per limit
are exact across workers: SQLite serialises the writes.
"""

from __future__ import annotations

import math
import sqlite3
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from assistant.database import SharedDatabase

_SCHEMA = """
CREATE TABLE IF NOT EXISTS rate_limits (
    client TEXT NOT NULL,
    window INTEGER NOT NULL,
    period INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (client, period, window)
);
"""
SWEEP_SECONDS = 300.0


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
    """Counts requests per client in fixed windows, across processes."""

    def __init__(self, path: Path, limits: tuple[Limit, ...]) -> None:
        self.limits = limits
        self._last_sweep = 0.0
        self._db = SharedDatabase(path, _SCHEMA)

    def hit(self, client: str, now: float | None = None) -> list[Usage]:
        """Count one request from `client`; the usage of every limit after it."""
        now = time.time() if now is None else now
        usages = []
        for limit in self.limits:
            window = int(now // limit.period)
            count = self._db.run(
                partial(self._increment, client=client, limit=limit, window=window)
            )
            reset = max(1, math.ceil((window + 1) * limit.period - now))
            usages.append(Usage(limit, limit.quota - count, reset))
        if now - self._last_sweep > SWEEP_SECONDS:
            self._last_sweep = now
            self._db.run(lambda db: self._sweep(db, now))
        return usages

    @staticmethod
    def _increment(db: sqlite3.Connection, *, client: str, limit: Limit, window: int) -> int:
        row = db.execute(
            "INSERT INTO rate_limits (client, period, window, count) VALUES (?, ?, ?, 1)"
            " ON CONFLICT (client, period, window) DO UPDATE SET count = count + 1"
            " RETURNING count",
            (client, limit.period, window),
        ).fetchone()
        return int(row[0])

    def _sweep(self, db: sqlite3.Connection, now: float) -> None:
        for limit in self.limits:
            db.execute(
                "DELETE FROM rate_limits WHERE period = ? AND window < ?",
                (limit.period, int(now // limit.period) - 1),
            )


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
