"""Leads with their outbox, and ratings of answers, in SQLite: the owner's data.

Never dropped when the schema changes (unlike the short-lived tables of storage.sqlite). Each
has a retention and a row cap.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path

from assistant.storage.base import (
    MAX_LEADS,
    MAX_RATINGS,
    Channel,
    Delivery,
    Lead,
    Rating,
)
from assistant.storage.sources import decode_sources, encode_sources
from assistant.storage.sqlite import SharedDatabase, write_transaction


class SqliteLeads:
    """Leads, and one delivery row per lead and channel until its notification went out."""

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS leads (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        email TEXT NOT NULL,
        company TEXT NOT NULL,
        message TEXT NOT NULL,
        session_id TEXT,
        created REAL NOT NULL
    );
    CREATE INDEX IF NOT EXISTS leads_created ON leads (created);
    CREATE TABLE IF NOT EXISTS deliveries (
        lead_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt REAL NOT NULL,
        failed INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (lead_id, channel)
    );
    CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (failed, next_attempt);
    """

    def __init__(self, path: Path, days: int) -> None:
        self.keep_seconds = days * 86400.0
        self._db = SharedDatabase(path, self.SCHEMA)

    def add(self, lead: Lead, channels: Sequence[Channel]) -> None:
        """Keep a lead and queue its deliveries in one transaction; drop expired leads."""

        def write(db: sqlite3.Connection) -> None:
            with write_transaction(db):
                db.execute(
                    "INSERT INTO leads (id, name, email, company, message, session_id, created)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        lead.id,
                        lead.name,
                        lead.email,
                        lead.company,
                        lead.message,
                        lead.session_id,
                        lead.created,
                    ),
                )
                db.executemany(
                    "INSERT INTO deliveries (lead_id, channel, next_attempt) VALUES (?, ?, ?)",
                    [(lead.id, channel, lead.created) for channel in channels],
                )
                self._sweep(db, lead.created)

        self._db.run(write)

    def _sweep(self, db: sqlite3.Connection, now: float) -> None:
        """Drop leads past the retention or beyond MAX_LEADS, and their deliveries."""
        db.execute(
            "DELETE FROM leads WHERE created < ? OR id IN"
            " (SELECT id FROM leads ORDER BY created DESC LIMIT -1 OFFSET ?)",
            (now - self.keep_seconds, MAX_LEADS),
        )
        db.execute("DELETE FROM deliveries WHERE lead_id NOT IN (SELECT id FROM leads)")

    def get(self, lead_id: str) -> Lead | None:
        """One lead within the retention, or None."""
        found = self._select("WHERE id = ? AND created >= ?", (lead_id, self._cutoff()))
        return found[0] if found else None

    def newest(self, limit: int) -> list[Lead]:
        """The latest `limit` leads within the retention, newest first."""
        return self._select(
            "WHERE created >= ? ORDER BY created DESC LIMIT ?", (self._cutoff(), limit)
        )

    def delete(self, lead_id: str) -> bool:
        """Forget a lead and its deliveries."""

        def remove(db: sqlite3.Connection) -> bool:
            with write_transaction(db):
                db.execute("DELETE FROM deliveries WHERE lead_id = ?", (lead_id,))
                return db.execute("DELETE FROM leads WHERE id = ?", (lead_id,)).rowcount > 0

        return self._db.run(remove)

    def due(self, now: float, lease_seconds: float, limit: int) -> list[Delivery]:
        """Claim due deliveries: their next attempt moves past the lease while they are sent."""

        def claim(db: sqlite3.Connection) -> list[tuple[str, str, int]]:
            with write_transaction(db):
                rows = db.execute(
                    "SELECT lead_id, channel, attempts FROM deliveries"
                    " WHERE failed = 0 AND next_attempt <= ? ORDER BY next_attempt LIMIT ?",
                    (now, limit),
                ).fetchall()
                db.executemany(
                    "UPDATE deliveries SET next_attempt = ? WHERE lead_id = ? AND channel = ?",
                    [(now + lease_seconds, lead_id, channel) for lead_id, channel, _ in rows],
                )
            return rows

        deliveries = []
        for lead_id, channel, attempts in self._db.run(claim):
            lead = self.get(lead_id)
            if lead is not None:
                deliveries.append(Delivery(lead, channel, attempts))  # type: ignore[arg-type]
        return deliveries

    def delivered(self, lead_id: str, channel: Channel) -> None:
        """The notification went out: its delivery row goes."""
        self._db.run(
            lambda db: db.execute(
                "DELETE FROM deliveries WHERE lead_id = ? AND channel = ?", (lead_id, channel)
            )
        )

    def retry(self, lead_id: str, channel: Channel, at: float, error: str) -> None:
        """Count a failed attempt; the next is at `at`."""
        self._db.run(
            lambda db: db.execute(
                "UPDATE deliveries SET attempts = attempts + 1, next_attempt = ?, last_error = ?"
                " WHERE lead_id = ? AND channel = ?",
                (at, error[:500], lead_id, channel),
            )
        )

    def give_up(self, lead_id: str, channel: Channel, error: str) -> None:
        """No more attempts: the lead shows this channel as failed."""
        self._db.run(
            lambda db: db.execute(
                "UPDATE deliveries SET attempts = attempts + 1, failed = 1, last_error = ?"
                " WHERE lead_id = ? AND channel = ?",
                (error[:500], lead_id, channel),
            )
        )

    def _cutoff(self) -> float:
        return time.time() - self.keep_seconds

    def _select(self, where: str, parameters: tuple[object, ...]) -> list[Lead]:
        rows = self._db.run(
            lambda db: db.execute(
                "SELECT id, name, email, company, message, session_id, created,"
                " (SELECT group_concat(channel) FROM deliveries WHERE lead_id = leads.id"
                "  AND failed = 0),"
                " (SELECT group_concat(channel) FROM deliveries WHERE lead_id = leads.id"
                "  AND failed = 1)"
                f" FROM leads {where}",
                parameters,
            ).fetchall()
        )
        return [
            Lead(
                id,
                name,
                email,
                company,
                message,
                session_id,
                float(created),
                _channels(pending),
                _channels(failed),
            )
            for id, name, email, company, message, session_id, created, pending, failed in rows
        ]


def _channels(joined: str | None) -> tuple[Channel, ...]:
    return tuple(sorted(joined.split(","))) if joined else ()  # type: ignore[arg-type]


class SqliteRatings:
    """Ratings of answers, one row per answer; swept past the retention and MAX_RATINGS."""

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS ratings (
        request_id TEXT PRIMARY KEY,
        helpful INTEGER NOT NULL,
        comment TEXT NOT NULL,
        question TEXT NOT NULL,
        answer TEXT NOT NULL,
        sources TEXT NOT NULL,
        created REAL NOT NULL
    );
    CREATE INDEX IF NOT EXISTS ratings_created ON ratings (created);
    """

    def __init__(self, path: Path, days: int) -> None:
        self.keep_seconds = days * 86400.0
        self._db = SharedDatabase(path, self.SCHEMA)

    def rate(self, rating: Rating) -> None:
        """Keep a rating (replacing the answer's earlier one); drop expired ones."""
        row = (
            rating.request_id,
            int(rating.helpful),
            rating.comment,
            rating.question,
            rating.answer,
            encode_sources(rating.sources),
            rating.created,
        )

        def write(db: sqlite3.Connection) -> None:
            with write_transaction(db):
                db.execute(
                    "INSERT INTO ratings (request_id, helpful, comment, question, answer,"
                    " sources, created) VALUES (?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (request_id) DO UPDATE SET helpful = excluded.helpful,"
                    " comment = excluded.comment, created = excluded.created",
                    row,
                )
                db.execute(
                    "DELETE FROM ratings WHERE created < ? OR request_id IN (SELECT request_id"
                    " FROM ratings ORDER BY created DESC LIMIT -1 OFFSET ?)",
                    (rating.created - self.keep_seconds, MAX_RATINGS),
                )

        self._db.run(write)

    def newest(self, limit: int, helpful: bool | None = None) -> list[Rating]:
        """The latest ratings within the retention, newest first."""
        where, parameters = "created >= ?", [time.time() - self.keep_seconds]
        if helpful is not None:
            where += " AND helpful = ?"
            parameters.append(int(helpful))
        rows = self._db.run(
            lambda db: db.execute(
                "SELECT request_id, helpful, comment, question, answer, sources, created"
                f" FROM ratings WHERE {where} ORDER BY created DESC LIMIT ?",
                (*parameters, limit),
            ).fetchall()
        )
        return [
            Rating(rid, bool(good), comment, question, answer, decode_sources(sources), created)
            for rid, good, comment, question, answer, sources, created in rows
        ]
