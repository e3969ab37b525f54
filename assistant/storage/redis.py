"""The Redis backend: state shared by every replica behind a load balancer.

Atomicity: rate-limit counts are INCR (+ EXPIRE) in one MULTI; an idempotency claim, an answer
put with its eviction, and a record's finish/release are Lua scripts, which Redis runs whole.

Outages: every call goes through RedisLink. A failed call marks Redis down for a second (so
requests do not each wait on a dead socket), logs once, sets the `assistant_shared_store_up`
gauge to 0 and answers from the fallback: conversations forget (a follow-up loses its
context), counters and idempotency records and answers live in this process. The first call
after that second tries Redis again; when it answers, the link is up again by itself.
"""

from __future__ import annotations

import json
import logging
import time
from typing import TYPE_CHECKING, cast

from assistant.settings import Settings
from assistant.storage.background import BackgroundQuestionLog
from assistant.storage.base import (
    ABANDONED_SECONDS,
    KEEP_SECONDS,
    MAX_ADMIN_SESSIONS,
    MAX_TURNS_PER_SESSION,
    SESSION_TTL_SECONDS,
    CachedAnswer,
    Claim,
    ClaimOutcome,
    Storage,
    Stored,
    Turn,
)
from assistant.storage.codec import decode_answer, encode_answer
from assistant.storage.memory import (
    ANSWER_CACHE_BYTES,
    LocalAnswerCache,
    MemoryIdempotency,
    MemoryWindowCounters,
)
from assistant.storage.redis_link import RedisLink, unavailable

if TYPE_CHECKING:
    import redis

log = logging.getLogger(__name__)


PREFIX = "assistant:"
# Shared answers live at most this long (and go earlier when the cache is full).
ANSWER_TTL_SECONDS = 3600
# A single answer larger than this is not shared (list answers stay well below it).
MAX_ANSWER_BYTES = 64 * 1024


class RedisConversations:
    """Turns per session in a list, capped and expiring like the SQLite ones."""

    def __init__(self, link: RedisLink, ttl_seconds: float = SESSION_TTL_SECONDS) -> None:
        self._link = link
        self.ttl_seconds = ttl_seconds

    def recent(self, session_id: str, limit: int) -> list[Turn]:
        """The latest `limit` unexpired turns of a session, oldest first (none if Redis is away)."""
        limit = min(limit, MAX_TURNS_PER_SESSION)
        key = f"{PREFIX}turns:{session_id}"
        rows: list[bytes | str] = self._link.run(lambda r: r.lrange(key, -limit, -1), list)
        cutoff = time.time() - self.ttl_seconds
        turns = []
        for row in rows:
            item = json.loads(row)
            if item["created"] >= cutoff:
                turns.append(Turn(item["question"], item["topic"], tuple(item["cited_ids"])))
        return turns

    def append(self, session_id: str, turn: Turn) -> None:
        """Record a turn (dropped, with the outage logged, if Redis is away)."""
        key = f"{PREFIX}turns:{session_id}"
        row = json.dumps(
            {
                "question": turn.question,
                "topic": turn.topic,
                "cited_ids": list(turn.cited_ids),
                "created": time.time(),
            }
        )

        def write(r: redis.Redis) -> None:
            with r.pipeline(transaction=True) as pipe:
                pipe.rpush(key, row)
                pipe.ltrim(key, -MAX_TURNS_PER_SESSION, -1)
                pipe.pexpire(key, max(1, int(self.ttl_seconds * 1000)))
                pipe.execute()

        self._link.run(write, lambda: None)


class RedisWindowCounters:
    """Fixed-window counts: INCR and EXPIRE in one transaction, exact across replicas."""

    def __init__(self, link: RedisLink) -> None:
        self._link = link
        self._fallback = MemoryWindowCounters()

    def increment(self, key: str, period: int, window: int) -> int:
        """Add one to the count of `key` in this window; the count after it."""
        name = f"{PREFIX}rate:{period}:{window}:{key}"

        def count(r: redis.Redis) -> int:
            with r.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                # The window's key outlives the window by one period, then goes.
                pipe.expire(name, 2 * period, nx=True)
                value, _ = pipe.execute()
            return int(value)

        return self._link.run(count, lambda: self._fallback.increment(key, period, window))

    def count(self, key: str, period: int, window: int) -> int:
        """The count of `key` in this window, unchanged."""
        name = f"{PREFIX}rate:{period}:{window}:{key}"
        return self._link.run(
            lambda r: int(r.get(name) or 0), lambda: self._fallback.count(key, period, window)
        )


_CLAIM = """
local record = redis.call('HMGET', KEYS[1], 'digest', 'status', 'body', 'created')
local created = tonumber(record[4])
if created == nil or created < tonumber(ARGV[3])
   or (record[2] == false and created < tonumber(ARGV[4])) then
  redis.call('DEL', KEYS[1])
  redis.call('HSET', KEYS[1], 'digest', ARGV[1], 'created', ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[5])
  return {'run'}
end
if record[1] ~= ARGV[1] then return {'mismatch'} end
if record[2] == false then return {'in_progress'} end
return {'replay', record[2], record[3]}
"""
_FINISH = """
if redis.call('EXISTS', KEYS[1]) == 1 then
  redis.call('HSET', KEYS[1], 'status', ARGV[1], 'body', ARGV[2])
end
"""
_RELEASE = """
if redis.call('HEXISTS', KEYS[1], 'status') == 0 then redis.call('DEL', KEYS[1]) end
"""


class RedisIdempotency:
    """Idempotency records as hashes; claim, finish and release are Lua scripts (atomic)."""

    def __init__(self, link: RedisLink, keep_seconds: float = KEEP_SECONDS) -> None:
        self._link = link
        self.keep_seconds = keep_seconds
        self._fallback = MemoryIdempotency(keep_seconds)
        self._claim = link.client.register_script(_CLAIM)
        self._finish = link.client.register_script(_FINISH)
        self._release = link.client.register_script(_RELEASE)

    def claim(self, key: str, digest: str, now: float | None = None) -> Claim:
        """Claim the key for this request, or say why not."""
        now = time.time() if now is None else now
        name = f"{PREFIX}idempotency:{key}"
        args: list[str | int] = [
            digest,
            repr(now),
            repr(now - self.keep_seconds),
            repr(now - ABANDONED_SECONDS),
            max(1, int(self.keep_seconds * 1000)),
        ]

        def claim(r: redis.Redis) -> Claim:
            outcome = self._claim(keys=[name], args=args, client=r)
            if outcome[0] == "replay":
                return Claim("replay", Stored(int(outcome[1]), str(outcome[2])))
            # The claim script returns one of the outcomes a Claim names.
            return Claim(cast(ClaimOutcome, str(outcome[0])))

        return self._link.run(claim, lambda: self._fallback.claim(key, digest, now))

    def finish(self, key: str, status: int, body: str) -> None:
        """Keep the response of the request that ran."""
        name = f"{PREFIX}idempotency:{key}"
        self._link.run(
            lambda r: self._finish(keys=[name], args=[status, body], client=r), lambda: None
        )
        # Also here: the key may have been claimed in this process while Redis was away.
        self._fallback.finish(key, status, body)

    def release(self, key: str) -> None:
        """Forget a claim whose request failed, so that a retry runs again."""
        name = f"{PREFIX}idempotency:{key}"
        self._link.run(lambda r: self._release(keys=[name], client=r), lambda: None)
        self._fallback.release(key)


# KEYS: entry, index (sorted set: entry -> time put), sizes (hash: entry -> bytes, plus total)
# ARGV: value, ttl seconds, max entries, max bytes. Redis's clock orders the entries.
_PUT_ANSWER = """
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local size = string.len(ARGV[1])
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
redis.call('ZADD', KEYS[2], now, KEYS[1])
redis.call('HSET', KEYS[3], KEYS[1], size)
local total = redis.call('HINCRBY', KEYS[3], ' total', size)
local expired_before = now - tonumber(ARGV[2])
while true do
  local oldest = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  if #oldest == 0 then break end
  local over = redis.call('ZCARD', KEYS[2]) > tonumber(ARGV[3]) or total > tonumber(ARGV[4])
  if not over and tonumber(oldest[2]) >= expired_before then break end
  local freed = tonumber(redis.call('HGET', KEYS[3], oldest[1]) or '0')
  redis.call('ZREM', KEYS[2], oldest[1])
  redis.call('HDEL', KEYS[3], oldest[1])
  redis.call('DEL', oldest[1])
  total = redis.call('HINCRBY', KEYS[3], ' total', -freed)
end
return 1
"""


class RedisAnswerCache:
    """Composed answers shared by the replicas, bounded in entries and bytes like the local one.

    Entries are evicted oldest first (the sorted set keeps the order they were put in), and
    each expires after ANSWER_TTL_SECONDS. Keys name the index version, so a new index never
    meets an old answer.
    """

    def __init__(
        self,
        link: RedisLink,
        fallback: LocalAnswerCache,
        max_entries: int,
        max_bytes: int = ANSWER_CACHE_BYTES,
    ) -> None:
        self._link = link
        self._fallback = fallback
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._put = link.client.register_script(_PUT_ANSWER)

    def get(self, key: str) -> CachedAnswer | None:
        """The shared answer, or None."""
        if self.max_entries == 0:
            return None
        found = self._link.run(
            lambda r: r.get(f"{PREFIX}answer:{key}"), lambda: self._fallback.get(key)
        )
        if found is None or isinstance(found, tuple):
            return found
        return decode_answer(json.loads(found))

    def put(self, key: str, value: CachedAnswer) -> None:
        """Share an answer (kept in this process instead while Redis is away)."""
        if self.max_entries == 0:
            return
        text = json.dumps(encode_answer(value), separators=(",", ":"))
        if len(text) > min(MAX_ANSWER_BYTES, self.max_bytes):
            return
        keys = [f"{PREFIX}answer:{key}", f"{PREFIX}answers:order", f"{PREFIX}answers:sizes"]
        args: list[str | int] = [text, ANSWER_TTL_SECONDS, self.max_entries, self.max_bytes]
        self._link.run(
            lambda r: self._put(keys=keys, args=args, client=r),
            lambda: self._fallback.put(key, value),
        )

    def new_index(self) -> None:
        """Nothing to drop in Redis (keys name their index and expire); drop the local ones."""
        self._fallback.new_index()


class RedisAdminSessions:
    """Dashboard logins in one sorted set (digest -> expiry), trimmed at each login."""

    ORDER = f"{PREFIX}admin-sessions"

    def __init__(self, link: RedisLink) -> None:
        self._link = link

    def open(self, key: str, expires: float) -> None:
        """Record a login; expired ones go, and the oldest past MAX_ADMIN_SESSIONS."""

        def write(r: redis.Redis) -> None:
            with r.pipeline(transaction=True) as pipe:
                pipe.zadd(self.ORDER, {key: expires})
                pipe.zremrangebyscore(self.ORDER, "-inf", time.time())
                pipe.zremrangebyrank(self.ORDER, 0, -MAX_ADMIN_SESSIONS - 1)
                pipe.execute()

        self._link.run(write, unavailable)

    def is_open(self, key: str, now: float) -> bool:
        """Whether the login is recorded and not expired."""
        expires = self._link.run(lambda r: r.zscore(self.ORDER, key), unavailable)
        return expires is not None and float(expires) > now

    def close(self, key: str) -> None:
        """Log out."""
        self._link.run(lambda r: r.zrem(self.ORDER, key), unavailable)


def open_redis_storage(settings: Settings, answers: LocalAnswerCache) -> Storage:
    """The stores on Redis at the settings' URL, with per-process fallbacks."""
    from assistant.storage.redis_leads import RedisLeads, RedisRatings
    from assistant.storage.redis_questions import RedisQuestionLog

    assert settings.redis_url is not None
    link = RedisLink(settings.redis_url)
    return Storage(
        "redis",
        RedisConversations(link),
        RedisWindowCounters(link),
        RedisIdempotency(link),
        RedisAnswerCache(link, answers, settings.answer_cache_entries),
        link.check,
        BackgroundQuestionLog(RedisQuestionLog(link, settings.log_days)),
        RedisLeads(link, settings.lead_days),
        RedisRatings(link, settings.log_days),
        RedisAdminSessions(link),
    )
