"""The question log in SQLite: what was asked and answered, for the owner's report and ratings.

Unlike the short-lived tables of storage.sqlite, it is never dropped when the schema changes:
a new column is added with ALTER TABLE. It has a retention and a row cap.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from assistant.storage.base import MAX_LOGGED_QUESTIONS, LoggedQuestion, WrittenAtOnce
from assistant.storage.sources import decode_sources, encode_sources
from assistant.storage.sqlite import (
    SWEEP_BATCH,
    SharedDatabase,
    delete_in_batches,
    write_transaction,
)


def _add_columns(db: sqlite3.Connection, table: str, columns: dict[str, str]) -> None:
    """Add the columns a table made by an earlier version lacks."""
    present = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
    for name, declaration in columns.items():
        if name not in present:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {declaration}")


class SqliteQuestionLog(WrittenAtOnce):
    """Questions asked and their answers, swept past the retention and MAX_LOGGED_QUESTIONS."""

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS questions (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        asked REAL NOT NULL,
        question TEXT NOT NULL,
        abstained INTEGER NOT NULL,
        confidence REAL NOT NULL,
        cited_ids TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS questions_asked ON questions (asked);
    """
    # Added for ratings; a log written by an earlier version gets them empty.
    COLUMNS = {
        "request_id": "TEXT NOT NULL DEFAULT ''",
        "answer": "TEXT NOT NULL DEFAULT ''",
        "sources": "TEXT NOT NULL DEFAULT '[]'",
    }
    SWEEP_SECONDS = 60.0

    def __init__(self, path: Path, days: int) -> None:
        self.keep_seconds = days * 86400.0
        self._db = SharedDatabase(path, self.SCHEMA)
        self._db.run(self._upgrade)
        self._last_sweep = 0.0

    def _upgrade(self, db: sqlite3.Connection) -> None:
        with write_transaction(db):
            _add_columns(db, "questions", self.COLUMNS)
            db.execute(
                "CREATE INDEX IF NOT EXISTS questions_request ON questions (request_id)"
                " WHERE request_id != ''"
            )

    def record_many(self, entries: Sequence[LoggedQuestion]) -> None:
        """Keep several questions in one transaction."""
        if not entries:
            return
        rows = [
            (
                e.asked,
                e.question,
                int(e.abstained),
                e.confidence,
                json.dumps(e.cited_ids),
                e.request_id,
                e.answer,
                encode_sources(e.sources),
            )
            for e in entries
        ]
        self._db.run(partial(_insert_all, rows=rows))
        latest = max(e.asked for e in entries)
        if latest - self._last_sweep > self.SWEEP_SECONDS:
            self._last_sweep = latest
            self._db.run(lambda db: self._sweep(db, latest))

    def since(self, cutoff: float) -> list[LoggedQuestion]:
        """Questions asked at or after `cutoff` and within the retention, oldest first."""
        cutoff = max(cutoff, time.time() - self.keep_seconds)
        rows = self._db.run(
            lambda db: db.execute(
                f"SELECT {self._FIELDS} FROM questions WHERE asked >= ? ORDER BY id", (cutoff,)
            ).fetchall()
        )
        return [_logged(row) for row in rows]

    def find(self, request_id: str) -> LoggedQuestion | None:
        """The question whose response had this request id, within the retention."""
        if not request_id:
            return None
        row = self._db.run(
            lambda db: db.execute(
                f"SELECT {self._FIELDS} FROM questions WHERE request_id = ? AND asked >= ?"
                " ORDER BY id DESC LIMIT 1",
                (request_id, time.time() - self.keep_seconds),
            ).fetchone()
        )
        return _logged(row) if row else None

    _FIELDS = "question, abstained, confidence, cited_ids, asked, request_id, answer, sources"

    def _sweep(self, db: sqlite3.Connection, now: float) -> None:
        delete_in_batches(db, "questions", "asked", now - self.keep_seconds, SWEEP_BATCH)


def _logged(row: tuple[object, ...]) -> LoggedQuestion:
    question, abstained, confidence, cited_ids, asked, request_id, answer, sources = row
    return LoggedQuestion(
        str(question),
        bool(abstained),
        float(confidence),  # type: ignore[arg-type]
        tuple(json.loads(str(cited_ids))),
        float(asked),  # type: ignore[arg-type]
        str(request_id),
        str(answer),
        decode_sources(str(sources)),
    )


def _insert_all(db: sqlite3.Connection, rows: Sequence[tuple[object, ...]]) -> None:
    with write_transaction(db):
        db.executemany(
            "INSERT INTO questions (asked, question, abstained, confidence, cited_ids,"
            " request_id, answer, sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        # At the cap the oldest go as new ones come, a few per write: a periodic pass took
        # the write lock for a minute's worth of rows at once (a 125 ms p99 under load).
        db.execute(
            "DELETE FROM questions WHERE id <= last_insert_rowid() - ?", (MAX_LOGGED_QUESTIONS,)
        )
