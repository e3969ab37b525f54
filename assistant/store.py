"""Conversations in SQLite, shared by every worker process of one server.

WAL mode lets readers run beside the writer. A turn is one INSERT in autocommit mode, so the
write lock is held for microseconds; when two workers collide, the loser retries after a
fraction of a millisecond instead of SQLite's busy handler, which sleeps 1, 2, 5, 10... ms and
showed up as a 300 ms p99 under load. Expired turns and turns beyond the per-session cap are
swept now and then, not on every write.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from assistant.conversation import Turn

SESSION_TTL_SECONDS = 24 * 3600
MAX_TURNS_PER_SESSION = 50
# Sweeps run at most this often (and at least once per TTL).
SWEEP_SECONDS = 60.0
BUSY_GIVE_UP_SECONDS = 10.0

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL,
    question TEXT NOT NULL,
    topic TEXT NOT NULL,
    cited_ids TEXT NOT NULL,
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_session ON turns (session_id, id);
CREATE INDEX IF NOT EXISTS turns_created ON turns (created);
"""


class ConversationStore:
    """Recent turns of each session, expiring after a day."""

    def __init__(self, path: Path, ttl_seconds: float = SESSION_TTL_SECONDS) -> None:
        self.path = path
        self.ttl_seconds = ttl_seconds
        self._local = threading.local()
        self._last_sweep = 0.0
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            self._retry(lambda: db.execute("PRAGMA journal_mode=WAL"))
            self._retry(lambda: db.executescript(_SCHEMA))

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # One connection per thread and process: opening one per call costs more than the
        # query, and a connection must never cross a fork (gunicorn preloads, then forks).
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None or self._local.pid != os.getpid():
            db = sqlite3.connect(self.path, timeout=0, isolation_level=None)
            # WAL + NORMAL: commits survive a process crash; only power loss may drop the last.
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db, self._local.pid = db, os.getpid()
        yield db

    @staticmethod
    def _retry(operation: Callable[[], T]) -> T:
        deadline = time.monotonic() + BUSY_GIVE_UP_SECONDS
        pause = 0.0001
        while True:
            try:
                return operation()
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, 0.005)

    def recent(self, session_id: str, limit: int) -> list[Turn]:
        """The latest `limit` unexpired turns of a session, oldest first."""
        cutoff = time.time() - self.ttl_seconds
        limit = min(limit, MAX_TURNS_PER_SESSION)
        with self._connect() as db:
            rows = self._retry(
                lambda: db.execute(
                    "SELECT question, topic, cited_ids FROM turns"
                    " WHERE session_id = ? AND created >= ? ORDER BY id DESC LIMIT ?",
                    (session_id, cutoff, limit),
                ).fetchall()
            )
        return [Turn(q, t, tuple(json.loads(c))) for q, t, c in reversed(rows)]

    def append(self, session_id: str, turn: Turn) -> None:
        """Record a turn (one INSERT, committed at once)."""
        now = time.time()
        row = (session_id, turn.question, turn.topic, json.dumps(turn.cited_ids), now)
        with self._connect() as db:
            self._retry(
                lambda: db.execute(
                    "INSERT INTO turns (session_id, question, topic, cited_ids, created)"
                    " VALUES (?, ?, ?, ?, ?)",
                    row,
                )
            )
            if now - self._last_sweep >= min(SWEEP_SECONDS, self.ttl_seconds):
                self._last_sweep = now
                self._retry(lambda: self._sweep(db, now))

    def _sweep(self, db: sqlite3.Connection, now: float) -> None:
        db.execute("DELETE FROM turns WHERE created < ?", (now - self.ttl_seconds,))
        db.execute(
            "DELETE FROM turns WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER"
            " (PARTITION BY session_id ORDER BY id DESC) AS age FROM turns) WHERE age > ?)",
            (MAX_TURNS_PER_SESSION,),
        )
