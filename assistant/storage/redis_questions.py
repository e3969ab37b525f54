"""The question log in Redis: what was asked and answered, for the owner's report and ratings.

The retention and cap of the SQLite log. While Redis is away, questions are not logged (the
report then misses them) and answering goes on; finding an answer to rate raises StoreBusy.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from assistant.storage.base import MAX_LOGGED_QUESTIONS, LoggedQuestion, WrittenAtOnce
from assistant.storage.redis_link import RedisLink, unavailable
from assistant.storage.sources import decode_sources, encode_sources

if TYPE_CHECKING:
    import redis

PREFIX = "assistant:"


# KEYS: stream, request id -> stream id (hash), request ids by time asked (sorted set)
# ARGV: oldest stream id kept (ms), request id, asked, cap, oldest time kept, field pairs...
_ADD_QUESTION = """
local id = redis.call('XADD', KEYS[1], 'MINID', '~', ARGV[1], '*', unpack(ARGV, 6))
if ARGV[2] ~= '' then
  redis.call('HSET', KEYS[2], ARGV[2], id)
  redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
  while true do
    local oldest = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
    if #oldest == 0 then break end
    if redis.call('ZCARD', KEYS[3]) <= tonumber(ARGV[4])
       and tonumber(oldest[2]) >= tonumber(ARGV[5]) then break end
    redis.call('ZREM', KEYS[3], oldest[1])
    redis.call('HDEL', KEYS[2], oldest[1])
  end
end
return id
"""


class RedisQuestionLog(WrittenAtOnce):
    """Questions asked, in a stream trimmed to the retention and MAX_LOGGED_QUESTIONS.

    Request ids point into the stream (a hash, trimmed with it), for ratings. While Redis is
    away, questions are not logged (the report then misses them); answering goes on.
    """

    KEY = f"{PREFIX}questions"
    IDS = f"{PREFIX}questions:ids"
    ORDER = f"{PREFIX}questions:order"

    def __init__(self, link: RedisLink, days: int) -> None:
        self._link = link
        self.keep_seconds = days * 86400.0
        self._add = link.client.register_script(_ADD_QUESTION)

    def record_many(self, entries: Sequence[LoggedQuestion]) -> None:
        """Keep several questions in one round trip; what is past the retention is trimmed."""
        if not entries:
            return

        def add(r: redis.Redis) -> None:
            with r.pipeline(transaction=True) as pipe:
                for entry in entries:
                    fields: dict[str, str | int | float] = {
                        "question": entry.question,
                        "abstained": int(entry.abstained),
                        "confidence": entry.confidence,
                        "cited_ids": json.dumps(entry.cited_ids),
                        "asked": repr(entry.asked),
                        "request_id": entry.request_id,
                        "answer": entry.answer,
                        "sources": encode_sources(entry.sources),
                    }
                    oldest = entry.asked - self.keep_seconds
                    args: list[str | int | float] = [
                        int(oldest * 1000),
                        entry.request_id,
                        repr(entry.asked),
                        MAX_LOGGED_QUESTIONS,
                        repr(oldest),
                    ]
                    for name, value in fields.items():
                        args += [name, value]
                    self._add(keys=[self.KEY, self.IDS, self.ORDER], args=args, client=pipe)
                pipe.xtrim(self.KEY, maxlen=MAX_LOGGED_QUESTIONS, approximate=True)
                pipe.execute()

        self._link.run(add, lambda: None)

    def since(self, cutoff: float) -> list[LoggedQuestion]:
        """Questions asked at or after `cutoff` and within the retention, oldest first."""
        cutoff = max(cutoff, time.time() - self.keep_seconds)

        def read(r: redis.Redis) -> list[tuple[str, dict[str, str]]]:
            # decode_responses=True: ids and fields are str.
            return r.xrange(self.KEY, min=int(cutoff * 1000)) or []  # type: ignore[return-value]

        rows: list[tuple[str, dict[str, str]]] = self._link.run(read, list)
        entries = (_logged(item) for _, item in rows)
        return [e for e in entries if e.asked >= cutoff]

    def find(self, request_id: str) -> LoggedQuestion | None:
        """The question whose response had this request id, within the retention."""

        def read(r: redis.Redis) -> LoggedQuestion | None:
            stream_id = r.hget(self.IDS, request_id)
            if not stream_id:
                return None
            rows: list[tuple[str, dict[str, str]]] = r.xrange(  # type: ignore[assignment]
                self.KEY, min=stream_id, max=stream_id
            )
            return _logged(rows[0][1]) if rows else None

        found = self._link.run(read, unavailable)
        if found is None or found.asked < time.time() - self.keep_seconds:
            return None
        return found


def _logged(item: dict[str, str]) -> LoggedQuestion:
    return LoggedQuestion(
        str(item["question"]),
        item["abstained"] == "1",
        float(item["confidence"]),
        tuple(json.loads(item["cited_ids"])),
        float(item["asked"]),
        # Absent from questions logged by an earlier version.
        str(item.get("request_id", "")),
        str(item.get("answer", "")),
        decode_sources(item.get("sources", "[]")),
    )
