"""Conversations in SQLite, shared by every worker process of one server.

WAL mode lets readers run beside one writer; writes use BEGIN IMMEDIATE so two workers never
both read-then-write the same session (a deferred transaction fails with "database is
locked" under that load, see FACTS.md).
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.conversation import Turn

SESSION_TTL_SECONDS = 24 * 3600
MAX_TURNS_PER_SESSION = 50

_SCHEMA = """
CREATE TABLE IF NOT EXISTS turns (
    session_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    question TEXT NOT NULL,
    topic TEXT NOT NULL,
    cited_ids TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (session_id, seq)
);
CREATE INDEX IF NOT EXISTS turns_created ON turns (created);
"""


class ConversationStore:
    """Recent turns of each session, expiring after a day."""

    def __init__(self, path: Path, ttl_seconds: float = SESSION_TTL_SECONDS) -> None:
        self.path = path
        self.ttl_seconds = ttl_seconds
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # One short-lived connection per call: safe across threads and forked workers.
        db = sqlite3.connect(self.path, timeout=10, isolation_level=None)
        try:
            db.execute("PRAGMA busy_timeout=10000")
            yield db
        finally:
            db.close()

    def recent(self, session_id: str, limit: int) -> list[Turn]:
        """The latest `limit` unexpired turns of a session, oldest first."""
        cutoff = time.time() - self.ttl_seconds
        with self._connect() as db:
            rows = db.execute(
                "SELECT question, topic, cited_ids FROM turns WHERE session_id = ? AND created >= ?"
                " ORDER BY seq DESC LIMIT ?",
                (session_id, cutoff, limit),
            ).fetchall()
        return [Turn(q, t, tuple(json.loads(c))) for q, t, c in reversed(rows)]

    def append(self, session_id: str, turn: Turn) -> None:
        """Record a turn; drop expired turns and the oldest beyond the per-session cap."""
        now = time.time()
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                (seq,) = db.execute(
                    "SELECT COALESCE(MAX(seq), 0) + 1 FROM turns WHERE session_id = ?",
                    (session_id,),
                ).fetchone()
                db.execute(
                    "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?)",
                    (session_id, seq, turn.question, turn.topic, json.dumps(turn.cited_ids), now),
                )
                db.execute(
                    "DELETE FROM turns WHERE session_id = ? AND seq <= ?",
                    (session_id, seq - MAX_TURNS_PER_SESSION),
                )
                db.execute("DELETE FROM turns WHERE created < ?", (now - self.ttl_seconds,))
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
