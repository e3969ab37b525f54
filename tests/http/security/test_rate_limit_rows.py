"""Finding 5: each rate-limit window sweeps its own expired rows, the daily ones included."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assistant.http.ratelimit import Limit, RateLimiter
from assistant.storage.sqlite import SqliteWindowCounters


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def rows(path: Path, period: int) -> int:
    with sqlite3.connect(path) as db:
        return int(
            db.execute("SELECT count(*) FROM rate_limits WHERE period = ?", (period,)).fetchone()[0]
        )


def test_day_rows_go_away(tmp_path: Path) -> None:
    path = tmp_path / "db.sqlite3"
    clock = Clock(1_800_000_000.0)
    limiter = RateLimiter(
        SqliteWindowCounters(path, clock=clock), (Limit("minute", 20, 60), Limit("day", 500, 86400))
    )
    for _ in range(5):
        for client in range(3):
            limiter.hit(f"10.0.0.{client}", now=clock.now)
        clock.now += 86400
    limiter.hit("10.0.0.9", now=clock.now)
    # Only the current and the previous day can still be counted into.
    assert rows(path, 86400) <= 4
    assert rows(path, 60) <= 4
