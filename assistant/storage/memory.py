"""Per-process stores: the answer cache of a single server, and Redis's fallbacks.

When Redis cannot be reached, a replica keeps serving with these: its rate limits count per
process (a client may then get the limit once per process), idempotency keys are honoured
within the process, and composed answers are cached locally.
"""

from __future__ import annotations

import threading
import time

from assistant.storage.base import ABANDONED_SECONDS, KEEP_SECONDS, CachedAnswer, Claim, Stored
from assistant.storage.bounded import BoundedCache

# Composed answers held per process, by estimated size.
ANSWER_CACHE_BYTES = 16 * 1024 * 1024
# Largest idempotency record kept per process while Redis is away.
MAX_IDEMPOTENCY_RECORDS = 10_000


def answer_size(item: CachedAnswer) -> int:
    """Rough bytes held by a cached answer: its texts dominate."""
    answer, resolved = item
    texts = [answer.text, resolved.query, *(c.snippet for c in answer.citations)]
    return 512 + 2 * sum(len(t) for t in texts)


class LocalAnswerCache:
    """A bounded LRU of composed answers in this process."""

    def __init__(self, max_entries: int, max_bytes: int = ANSWER_CACHE_BYTES) -> None:
        self._cache: BoundedCache[CachedAnswer] = BoundedCache(max_entries, max_bytes, answer_size)

    def __len__(self) -> int:
        return len(self._cache)

    def get(self, key: str) -> CachedAnswer | None:
        """The cached answer, or None."""
        return self._cache.get(key)

    def put(self, key: str, value: CachedAnswer) -> None:
        """Keep an answer, evicting the least recently used beyond the bounds."""
        self._cache.put(key, value)

    def new_index(self) -> None:
        """Forget every answer: they belong to an index no longer served."""
        self._cache.clear()


class MemoryWindowCounters:
    """Fixed-window counts in this process only."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, int, int], int] = {}
        self._lock = threading.Lock()

    def increment(self, key: str, period: int, window: int) -> int:
        """Add one to the count of `key` in this window; the count after it."""
        with self._lock:
            if len(self._counts) > 50_000:
                # Windows that ended before the previous one can no longer be counted into.
                now = window * period
                self._counts = {k: v for k, v in self._counts.items() if (k[2] + 2) * k[1] >= now}
            count = self._counts.get((key, period, window), 0) + 1
            self._counts[key, period, window] = count
            return count

    def count(self, key: str, period: int, window: int) -> int:
        """The count of `key` in this window, unchanged."""
        with self._lock:
            return self._counts.get((key, period, window), 0)


class MemoryIdempotency:
    """Idempotency records in this process only, with the same rules as the shared ones."""

    def __init__(self, keep_seconds: float = KEEP_SECONDS) -> None:
        self.keep_seconds = keep_seconds
        # key -> (digest, stored response or None while running, created)
        self._records: dict[str, tuple[str, Stored | None, float]] = {}
        self._lock = threading.Lock()

    def claim(self, key: str, digest: str, now: float | None = None) -> Claim:
        """Claim the key for this request, or say why not."""
        now = time.time() if now is None else now
        with self._lock:
            record = self._records.get(key)
            if record is not None:
                stored_digest, stored, created = record
                expired = created < now - self.keep_seconds
                abandoned = stored is None and created < now - ABANDONED_SECONDS
                if not expired and not abandoned:
                    if stored_digest != digest:
                        return Claim("mismatch")
                    return Claim("in_progress") if stored is None else Claim("replay", stored)
            if len(self._records) >= MAX_IDEMPOTENCY_RECORDS:
                oldest = min(self._records, key=lambda k: self._records[k][2])
                del self._records[oldest]
            self._records[key] = (digest, None, now)
            return Claim("run")

    def finish(self, key: str, status: int, body: str) -> None:
        """Keep the response of the request that ran."""
        with self._lock:
            if key in self._records:
                digest, _, created = self._records[key]
                self._records[key] = (digest, Stored(status, body), created)

    def release(self, key: str) -> None:
        """Forget a claim whose request failed, so that a retry runs again."""
        with self._lock:
            record = self._records.get(key)
            if record is not None and record[1] is None:
                del self._records[key]
