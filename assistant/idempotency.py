"""Idempotent retries of POST /api/v1/chat, keyed by the client's Idempotency-Key header.

Following Stripe's keys and the IETF draft "The Idempotency-Key HTTP Header Field": the first
request with a key runs and its response is kept for at least a day; a retry with the same key
and body gets that response again (marked Idempotent-Replayed) without running again; the same
key with another body is refused (422); a retry while the first is still running gets 409.
Records live in SQLite, shared by every worker; the claim is one atomic INSERT.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

from assistant.database import SharedDatabase

KEY_PATTERN = re.compile(r'^"?([A-Za-z0-9_-]{1,255})"?$')
KEEP_SECONDS = 24 * 3600
# A claim older than this belongs to a request that died (killed worker): a retry takes over.
ABANDONED_SECONDS = 120.0
SWEEP_SECONDS = 600.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS idempotency (
    key TEXT PRIMARY KEY,
    body_sha256 TEXT NOT NULL,
    status INTEGER,
    response TEXT,
    created REAL NOT NULL
);
"""


@dataclass(frozen=True)
class Stored:
    """A finished response kept for replay."""

    status: int
    body: str


@dataclass(frozen=True)
class Claim:
    """What to do with a request carrying a key."""

    outcome: str  # "run", "replay", "in_progress" or "mismatch"
    stored: Stored | None = None


def parse_key(header: str) -> str | None:
    """The key from an Idempotency-Key header value (quoted or bare), or None if malformed."""
    match = KEY_PATTERN.match(header.strip())
    return match.group(1) if match else None


def body_digest(body: bytes) -> str:
    """A stable hash of a JSON body (key order and spacing do not matter)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
    except ValueError:
        canonical = body.decode("utf-8", "replace")
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


class IdempotencyStore:
    """Claims, finished responses and their expiry."""

    def __init__(self, path: Path, keep_seconds: float = KEEP_SECONDS) -> None:
        self.keep_seconds = keep_seconds
        self._db = SharedDatabase(path, _SCHEMA)
        self._last_sweep = 0.0

    def claim(self, key: str, digest: str, now: float | None = None) -> Claim:
        """Claim the key for this request, or say why not."""
        now = time.time() if now is None else now
        if now - self._last_sweep > SWEEP_SECONDS:
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
