"""Conversations in SQLite, shared by every worker process of one server.

A turn is one INSERT. Expired turns and turns beyond the per-session cap are swept now and
then, not on every write.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path

from assistant.conversation import Turn
from assistant.database import SharedDatabase

SESSION_TTL_SECONDS = 24 * 3600
MAX_TURNS_PER_SESSION = 50
# Sweeps run at most this often (and at least once per TTL).
SWEEP_SECONDS = 60.0

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
        self._last_sweep = 0.0
        self._db = SharedDatabase(path, _SCHEMA)

    def recent(self, session_id: str, limit: int) -> list[Turn]:
        """The latest `limit` unexpired turns of a session, oldest first."""
        cutoff = time.time() - self.ttl_seconds
        limit = min(limit, MAX_TURNS_PER_SESSION)
        rows = self._db.run(
            lambda db: db.execute(
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
        self._db.run(
            lambda db: db.execute(
                "INSERT INTO turns (session_id, question, topic, cited_ids, created)"
                " VALUES (?, ?, ?, ?, ?)",
                row,
            )
        )
        if now - self._last_sweep >= min(SWEEP_SECONDS, self.ttl_seconds):
            self._last_sweep = now
            self._db.run(lambda db: self._sweep(db, now))

    def _sweep(self, db: sqlite3.Connection, now: float) -> None:
        db.execute("DELETE FROM turns WHERE created < ?", (now - self.ttl_seconds,))
        db.execute(
            "DELETE FROM turns WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER() OVER"
            " (PARTITION BY session_id ORDER BY id DESC) AS age FROM turns) WHERE age > ?)",
            (MAX_TURNS_PER_SESSION,),
        )
