"""Leads with their outbox, and ratings of answers, in Redis: the owner's data.

The retention and caps of the SQLite tables. While Redis cannot be reached, a lead or a rating
is never accepted into a process's memory, where a restart would lose it: those calls raise
StoreBusy (a 503 that asks to retry).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from assistant.storage.base import (
    MAX_LEADS,
    MAX_RATINGS,
    Channel,
    Delivery,
    Lead,
    Rating,
)
from assistant.storage.redis_link import RedisLink, strings, unavailable
from assistant.storage.sources import decode_sources, encode_sources

if TYPE_CHECKING:
    import redis

PREFIX = "assistant:"


# KEYS: the deliveries (sorted set: "lead|channel" -> next attempt). ARGV: now, lease, limit.
_CLAIM_DUE = """
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, ARGV[3])
for _, member in ipairs(due) do
  redis.call('ZADD', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), member)
end
return due
"""
# KEYS: the lead's hash, the deliveries. ARGV: member, channel, next attempt or '' to give up,
# error. Nothing is written for a lead deleted meanwhile.
_FAILED = """
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 0
end
redis.call('HINCRBY', KEYS[1], 'attempts:' .. ARGV[2], 1)
redis.call('HSET', KEYS[1], 'error:' .. ARGV[2], ARGV[4])
if ARGV[3] == '' then
  redis.call('HSET', KEYS[1], 'state:' .. ARGV[2], 'failed')
  redis.call('ZREM', KEYS[2], ARGV[1])
else
  redis.call('ZADD', KEYS[2], 'XX', ARGV[3], ARGV[1])
end
return 1
"""
_CHANNELS: tuple[Channel, ...] = ("email", "webhook")  # in the order the leads give them


class RedisLeads:
    """Leads as hashes ordered by a sorted set, and their deliveries in another (the outbox)."""

    ORDER = f"{PREFIX}leads"
    DELIVERIES = f"{PREFIX}lead-deliveries"

    def __init__(self, link: RedisLink, days: int) -> None:
        self._link = link
        self.keep_seconds = days * 86400.0
        self._claim = link.client.register_script(_CLAIM_DUE)
        self._failed = link.client.register_script(_FAILED)

    @staticmethod
    def _key(lead_id: str) -> str:
        return f"{PREFIX}lead:{lead_id}"

    def add(self, lead: Lead, channels: Sequence[Channel]) -> None:
        """Keep a lead and queue its deliveries in one transaction; drop expired leads."""
        fields: dict[str, str] = {
            "name": lead.name,
            "email": lead.email,
            "company": lead.company,
            "message": lead.message,
            "session_id": lead.session_id or "",
            "created": repr(lead.created),
        }
        for channel in channels:
            fields[f"state:{channel}"] = "pending"

        def write(r: redis.Redis) -> None:
            with r.pipeline(transaction=True) as pipe:
                pipe.hset(self._key(lead.id), mapping=fields)  # type: ignore[arg-type]
                pipe.zadd(self.ORDER, {lead.id: lead.created})
                for channel in channels:
                    pipe.zadd(self.DELIVERIES, {f"{lead.id}|{channel}": lead.created})
                pipe.execute()
            cutoff = lead.created - self.keep_seconds
            expired = strings(r.zrangebyscore(self.ORDER, "-inf", f"({cutoff!r}"))
            overflow = strings(r.zrange(self.ORDER, 0, -MAX_LEADS - 1))
            for old in {*expired, *overflow}:
                self._remove(r, old)

        self._link.run(write, unavailable)

    def _remove(self, r: redis.Redis, lead_id: str) -> bool:
        with r.pipeline(transaction=True) as pipe:
            pipe.delete(self._key(lead_id))
            pipe.zrem(self.ORDER, lead_id)
            pipe.zrem(self.DELIVERIES, *(f"{lead_id}|{c}" for c in _CHANNELS))
            removed, _, _ = pipe.execute()
        return bool(removed)

    def get(self, lead_id: str) -> Lead | None:
        """One lead within the retention, or None."""
        fields = self._fields(lead_id)
        lead = _lead(lead_id, fields) if fields else None
        if lead is None or lead.created < time.time() - self.keep_seconds:
            return None
        return lead

    def _fields(self, lead_id: str) -> dict[str, str]:
        return cast(
            dict[str, str], self._link.run(lambda r: r.hgetall(self._key(lead_id)), unavailable)
        )

    def newest(self, limit: int) -> list[Lead]:
        """The latest `limit` leads within the retention, newest first."""
        cutoff = time.time() - self.keep_seconds

        def read(r: redis.Redis) -> list[Lead]:
            ids = strings(r.zrevrangebyscore(self.ORDER, "+inf", repr(cutoff), start=0, num=limit))
            with r.pipeline(transaction=False) as pipe:
                for lead_id in ids:
                    pipe.hgetall(self._key(lead_id))
                rows = pipe.execute()
            return [_lead(i, f) for i, f in zip(ids, rows, strict=True) if f]

        return self._link.run(read, unavailable)

    def delete(self, lead_id: str) -> bool:
        """Forget a lead and its deliveries."""
        return self._link.run(lambda r: self._remove(r, lead_id), unavailable)

    def due(self, now: float, lease_seconds: float, limit: int) -> list[Delivery]:
        """Claim due deliveries: their next attempt moves past the lease while they are sent."""
        members: list[str] = self._link.run(
            lambda r: self._claim(
                keys=[self.DELIVERIES], args=[repr(now), lease_seconds, limit], client=r
            ),
            unavailable,
        )
        deliveries = []
        for member in members:
            lead_id, _, channel = member.partition("|")
            fields = self._fields(lead_id)
            lead = _lead(lead_id, fields) if fields else None
            if lead is None or lead.created < now - self.keep_seconds:
                self._forget_delivery(member)
                continue
            attempts = int(fields.get(f"attempts:{channel}") or 0)
            deliveries.append(Delivery(lead, cast(Channel, channel), attempts))
        return deliveries

    def _forget_delivery(self, member: str) -> None:
        self._link.run(lambda r: r.zrem(self.DELIVERIES, member), unavailable)

    def delivered(self, lead_id: str, channel: Channel) -> None:
        """The notification went out: its delivery goes."""

        def done(r: redis.Redis) -> None:
            with r.pipeline(transaction=True) as pipe:
                pipe.zrem(self.DELIVERIES, f"{lead_id}|{channel}")
                pipe.hdel(self._key(lead_id), f"state:{channel}", f"attempts:{channel}")
                pipe.hdel(self._key(lead_id), f"error:{channel}")
                pipe.execute()

        self._link.run(done, unavailable)

    def retry(self, lead_id: str, channel: Channel, at: float, error: str) -> None:
        """Count a failed attempt; the next is at `at`."""
        self._note_failure(lead_id, channel, repr(at), error)

    def give_up(self, lead_id: str, channel: Channel, error: str) -> None:
        """No more attempts: the lead shows this channel as failed."""
        self._note_failure(lead_id, channel, "", error)

    def _note_failure(self, lead_id: str, channel: Channel, at: str, error: str) -> None:
        keys = [self._key(lead_id), self.DELIVERIES]
        args = [f"{lead_id}|{channel}", channel, at, error[:500]]
        self._link.run(lambda r: self._failed(keys=keys, args=args, client=r), unavailable)


def _lead(lead_id: str, fields: dict[str, str]) -> Lead:
    states = {c: fields.get(f"state:{c}") for c in _CHANNELS}
    return Lead(
        lead_id,
        fields["name"],
        fields["email"],
        fields["company"],
        fields["message"],
        fields["session_id"] or None,
        float(fields["created"]),
        tuple(c for c in _CHANNELS if states[c] == "pending"),
        tuple(c for c in _CHANNELS if states[c] == "failed"),
    )


class RedisRatings:
    """Ratings as JSON strings, ordered by time in one sorted set per verdict."""

    def __init__(self, link: RedisLink, days: int) -> None:
        self._link = link
        self.keep_seconds = days * 86400.0

    @staticmethod
    def _order(helpful: bool) -> str:
        return f"{PREFIX}ratings:{'helpful' if helpful else 'unhelpful'}"

    def rate(self, rating: Rating) -> None:
        """Keep a rating (replacing the answer's earlier one); drop expired ones."""
        body = json.dumps(
            {
                "helpful": rating.helpful,
                "comment": rating.comment,
                "question": rating.question,
                "answer": rating.answer,
                "sources": encode_sources(rating.sources),
                "created": rating.created,
            }
        )

        def write(r: redis.Redis) -> None:
            with r.pipeline(transaction=True) as pipe:
                pipe.set(f"{PREFIX}rating:{rating.request_id}", body)
                pipe.zrem(self._order(not rating.helpful), rating.request_id)
                pipe.zadd(self._order(rating.helpful), {rating.request_id: rating.created})
                pipe.execute()
            cutoff = rating.created - self.keep_seconds
            for helpful in (True, False):
                order = self._order(helpful)
                old = strings(r.zrangebyscore(order, "-inf", f"({cutoff!r}"))
                old += strings(r.zrange(order, 0, -MAX_RATINGS // 2 - 1))
                if old:
                    r.delete(*(f"{PREFIX}rating:{i}" for i in old))
                    r.zrem(order, *old)

        self._link.run(write, unavailable)

    def newest(self, limit: int, helpful: bool | None = None) -> list[Rating]:
        """The latest ratings within the retention, newest first."""
        cutoff = time.time() - self.keep_seconds
        kinds = (True, False) if helpful is None else (helpful,)

        def read(r: redis.Redis) -> list[Rating]:
            ids: list[str] = []
            for kind in kinds:
                found = r.zrevrangebyscore(self._order(kind), "+inf", repr(cutoff), 0, limit)
                ids.extend(strings(found))
            bodies = cast(
                list[str | None], r.mget([f"{PREFIX}rating:{i}" for i in ids]) if ids else []
            )
            ratings = [_rating(i, json.loads(b)) for i, b in zip(ids, bodies, strict=True) if b]
            return sorted(ratings, key=lambda x: x.created, reverse=True)[:limit]

        return self._link.run(read, unavailable)


def _rating(request_id: str, item: dict[str, object]) -> Rating:
    return Rating(
        request_id,
        bool(item["helpful"]),
        str(item["comment"]),
        str(item["question"]),
        str(item["answer"]),
        decode_sources(str(item["sources"])),
        float(item["created"]),  # type: ignore[arg-type]
    )
