"""The SQLite backend: one database in instance/ shared by the worker processes of a server.

WAL mode lets readers run beside the writer; every write is a single statement in autocommit
mode, so the write lock is held for microseconds. When two workers collide, the loser retries
after a fraction of a millisecond instead of SQLite's busy handler, which sleeps 1, 2, 5, 10...
ms and showed up as a 300 ms p99 under load.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TypeVar

from assistant.errors import StoreBusy
from assistant.storage.base import (
    ABANDONED_SECONDS,
    KEEP_SECONDS,
    MAX_ADMIN_SESSIONS,
    MAX_TURNS_PER_SESSION,
    SESSION_TTL_SECONDS,
    Claim,
    Stored,
    Turn,
)

T = TypeVar("T")
BUSY_GIVE_UP_SECONDS = 10.0
# Bump when one of TABLES changes shape. What they keep is short-lived (a day at most), so a
# database from another version has them dropped and made afresh rather than migrated. The
# question log is the owner's data: it is never dropped (change it with ALTER TABLE).
SCHEMA_VERSION = 5
TABLES = ("turns", "rate_limits", "idempotency", "admin_sessions")
# Expired rows go in batches this size, each its own short transaction.
SWEEP_BATCH = 1000


class SharedDatabase:
    """Connections per thread and process to one SQLite file, and retries on contention."""

    def __init__(self, path: Path, schema: str) -> None:
        self.path = path
        self._local = threading.local()
        path.parent.mkdir(parents=True, exist_ok=True)
        self.run(lambda db: db.execute("PRAGMA journal_mode=WAL"))
        self.run(partial(_migrate, schema=schema))

    def connection(self) -> sqlite3.Connection:
        """The calling thread's connection, opened in this process.

        Opening one per call costs more than the query, and a connection must never cross a
        fork (the server preloads the app, then forks the workers).
        """
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None or self._local.pid != os.getpid():
            db = sqlite3.connect(self.path, timeout=0, isolation_level=None)
            # WAL + NORMAL: commits survive a process crash; only power loss may drop the last.
            db.execute("PRAGMA synchronous=NORMAL")
            self._local.db, self._local.pid = db, os.getpid()
        return db

    def run(self, operation: Callable[[sqlite3.Connection], T]) -> T:
        """Run one operation, retrying briefly while another process holds the lock."""
        deadline = time.monotonic() + BUSY_GIVE_UP_SECONDS
        pause = 0.0001
        while True:
            try:
                return operation(self.connection())
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                if time.monotonic() > deadline:
                    raise StoreBusy(f"{self.path} stayed locked; try again") from exc
                time.sleep(pause)
                pause = min(pause * 2, 0.005)


@contextmanager
def write_transaction(db: sqlite3.Connection) -> Iterator[None]:
    """Several statements as one, holding the write lock from the start (autocommit otherwise)."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


def delete_in_batches(
    db: sqlite3.Connection, table: str, column: str, cutoff: float, batch: int
) -> None:
    """Delete the rows whose `column` is below `cutoff`, `batch` rows per statement.

    Each batch is its own short write, so the lock is never held for long however many expired.
    """
    expired = f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE {column} < ? LIMIT ?)"
    while db.execute(expired, (cutoff, batch)).rowcount:
        pass


def _migrate(db: sqlite3.Connection, schema: str) -> None:
    with write_transaction(db):
        (version,) = db.execute("PRAGMA user_version").fetchone()
        if version != SCHEMA_VERSION:
            for table in TABLES:
                db.execute(f"DROP TABLE IF EXISTS {table}")
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        statement = ""
        for piece in schema.split(";"):
            # A trigger's body holds semicolons of its own: a statement ends where SQLite says.
            statement += piece + ";"
            if sqlite3.complete_statement(statement):
                if statement.strip(" \n;"):
                    db.execute(statement)
                statement = ""


class SqliteConversations:
    """Turns of each session: a trigger keeps each to its latest; expired ones are swept."""

    SCHEMA = f"""
    -- Plain rowids (no AUTOINCREMENT, whose counter row is one more page written per turn):
    -- a new id is the largest plus one, so a session's turns stay in order.
    CREATE TABLE IF NOT EXISTS turns (
        id INTEGER PRIMARY KEY,
        session_id TEXT NOT NULL,
        question TEXT NOT NULL,
        topic TEXT NOT NULL,
        cited_ids TEXT NOT NULL,
        created REAL NOT NULL
    );
    CREATE INDEX IF NOT EXISTS turns_session ON turns (session_id, id);
    CREATE INDEX IF NOT EXISTS turns_created ON turns (created);
    -- A session keeps its latest turns only: trimmed as it grows, through the session index
    -- (a periodic pass over the whole table took 0.6 s with 490,000 turns kept).
    CREATE TRIGGER IF NOT EXISTS turns_cap AFTER INSERT ON turns BEGIN
        DELETE FROM turns WHERE session_id = NEW.session_id AND id <= (
            SELECT id FROM turns WHERE session_id = NEW.session_id
            ORDER BY id DESC LIMIT 1 OFFSET {MAX_TURNS_PER_SESSION}
        );
    END;
    """
    # Sweeps run at most this often (and at least once per TTL).
    SWEEP_SECONDS = 60.0
    SWEEP_BATCH = SWEEP_BATCH

    def __init__(self, path: Path, ttl_seconds: float = SESSION_TTL_SECONDS) -> None:
        self.path = path
        self.ttl_seconds = ttl_seconds
        self._last_sweep = 0.0
        self._db = SharedDatabase(path, self.SCHEMA)

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
        if now - self._last_sweep >= min(self.SWEEP_SECONDS, self.ttl_seconds):
            self._last_sweep = now
            self._db.run(lambda db: self._sweep(db, now))

    def _sweep(self, db: sqlite3.Connection, now: float) -> None:
        delete_in_batches(db, "turns", "created", now - self.ttl_seconds, self.SWEEP_BATCH)


class SqliteWindowCounters:
    """Fixed-window counts, one atomic UPSERT each: exact across the workers of a server."""

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS rate_limits (
        key TEXT NOT NULL,
        period INTEGER NOT NULL,
        window INTEGER NOT NULL,
        count INTEGER NOT NULL,
        PRIMARY KEY (key, period, window)
    );
    """
    SWEEP_SECONDS = 300.0

    def __init__(self, path: Path, clock: Callable[[], float] = time.time) -> None:
        self._db = SharedDatabase(path, self.SCHEMA)
        self._clock = clock
        # Per period: each window length sweeps its own rows (one shared time let the minute
        # window's sweeps starve the day window's, whose rows then stayed for ever).
        self._last_sweep: dict[int, float] = {}

    def increment(self, key: str, period: int, window: int) -> int:
        """Add one to the count of `key` in this window; the count after it."""
        row = self._db.run(
            lambda db: db.execute(
                "INSERT INTO rate_limits (key, period, window, count) VALUES (?, ?, ?, 1)"
                " ON CONFLICT (key, period, window) DO UPDATE SET count = count + 1"
                " RETURNING count",
                (key, period, window),
            ).fetchone()
        )
        now = self._clock()
        if now - self._last_sweep.get(period, 0.0) > min(self.SWEEP_SECONDS, period):
            self._last_sweep[period] = now
            # Windows before the previous one can no longer be counted into.
            self._db.run(
                lambda db: db.execute(
                    "DELETE FROM rate_limits WHERE period = ? AND window < ?", (period, window - 1)
                )
            )
        return int(row[0])

    def count(self, key: str, period: int, window: int) -> int:
        """The count of `key` in this window, unchanged."""
        row = self._db.run(
            lambda db: db.execute(
                "SELECT count FROM rate_limits WHERE key = ? AND period = ? AND window = ?",
                (key, period, window),
            ).fetchone()
        )
        return int(row[0]) if row else 0


class SqliteIdempotency:
    """Idempotency records; the claim is one atomic INSERT ... ON CONFLICT."""

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS idempotency (
        key TEXT PRIMARY KEY,
        body_sha256 TEXT NOT NULL,
        status INTEGER,
        response TEXT,
        created REAL NOT NULL
    );
    """
    SWEEP_SECONDS = 600.0

    def __init__(self, path: Path, keep_seconds: float = KEEP_SECONDS) -> None:
        self.keep_seconds = keep_seconds
        self._db = SharedDatabase(path, self.SCHEMA)
        self._last_sweep = 0.0

    def claim(self, key: str, digest: str, now: float | None = None) -> Claim:
        """Claim the key for this request, or say why not."""
        now = time.time() if now is None else now
        if now - self._last_sweep > self.SWEEP_SECONDS:
            self._last_sweep = now
            self._db.run(
                lambda db: db.execute(
                    "DELETE FROM idempotency WHERE created < ?", (now - self.keep_seconds,)
                )
            )
        inserted = self._db.run(
            lambda db: db.execute(
                "INSERT INTO idempotency (key, body_sha256, created) VALUES (?, ?, ?)"
                " ON CONFLICT (key) DO UPDATE SET body_sha256 = excluded.body_sha256,"
                " status = NULL, response = NULL, created = excluded.created"
                # Take over only an expired record or an abandoned claim; otherwise no change.
                " WHERE idempotency.created < ? OR (idempotency.status IS NULL"
                " AND idempotency.created < ?)"
                " RETURNING key",
                (key, digest, now, now - self.keep_seconds, now - ABANDONED_SECONDS),
            ).fetchone()
        )
        if inserted:
            return Claim("run")
        row = self._db.run(
            lambda db: db.execute(
                "SELECT body_sha256, status, response FROM idempotency WHERE key = ?", (key,)
            ).fetchone()
        )
        if row is None:  # expired and swept in between: try once more
            return self.claim(key, digest, now)
        stored_digest, status, response = row
        if stored_digest != digest:
            return Claim("mismatch")
        if status is None:
            return Claim("in_progress")
        return Claim("replay", Stored(int(status), str(response)))

    def finish(self, key: str, status: int, body: str) -> None:
        """Keep the response of the request that ran."""
        self._db.run(
            lambda db: db.execute(
                "UPDATE idempotency SET status = ?, response = ? WHERE key = ?", (status, body, key)
            )
        )

    def release(self, key: str) -> None:
        """Forget a claim whose request failed, so that a retry runs again."""
        self._db.run(
            lambda db: db.execute(
                "DELETE FROM idempotency WHERE key = ? AND status IS NULL", (key,)
            )
        )


class SqliteAdminSessions:
    """Dashboard logins by cookie digest; expired ones and those past the cap go at each login."""

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS admin_sessions (
        key TEXT PRIMARY KEY,
        expires REAL NOT NULL
    );
    """

    def __init__(self, path: Path) -> None:
        self._db = SharedDatabase(path, self.SCHEMA)

    def open(self, key: str, expires: float) -> None:
        """Record a login; drop expired ones and the oldest past MAX_ADMIN_SESSIONS."""

        def write(db: sqlite3.Connection) -> None:
            with write_transaction(db):
                db.execute(
                    "INSERT INTO admin_sessions (key, expires) VALUES (?, ?)", (key, expires)
                )
                db.execute("DELETE FROM admin_sessions WHERE expires < ?", (time.time(),))
                db.execute(
                    "DELETE FROM admin_sessions WHERE key IN (SELECT key FROM admin_sessions"
                    " ORDER BY expires DESC LIMIT -1 OFFSET ?)",
                    (MAX_ADMIN_SESSIONS,),
                )

        self._db.run(write)

    def is_open(self, key: str, now: float) -> bool:
        """Whether the login is recorded and not expired."""
        row = self._db.run(
            lambda db: db.execute(
                "SELECT 1 FROM admin_sessions WHERE key = ? AND expires > ?", (key, now)
            ).fetchone()
        )
        return row is not None

    def close(self, key: str) -> None:
        """Log out."""
        self._db.run(lambda db: db.execute("DELETE FROM admin_sessions WHERE key = ?", (key,)))
