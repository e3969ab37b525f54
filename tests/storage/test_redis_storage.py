"""The Redis backend on its own: answer sharing and bounds, and what happens while Redis is away."""

from __future__ import annotations

import time

import pytest

from assistant.engine.answer import Answer
from assistant.engine.conversation import Resolved
from assistant.index.citation import Citation
from assistant.storage.base import Turn
from assistant.storage.codec import decode_answer, encode_answer
from assistant.storage.memory import LocalAnswerCache
from assistant.storage.redis import (
    RedisAnswerCache,
    RedisConversations,
    RedisIdempotency,
    RedisWindowCounters,
)
from assistant.storage.redis_link import RedisLink
from deploy.local import RedisServer
from tests.support import start_redis


def an_answer(text: str = "Akshay studied at UT Dallas [1].") -> tuple[Answer, Resolved]:
    citation = Citation(1, "about/education", "Education", "about", "/#about", text, 0.8, "2024")
    answer = Answer(text, (citation,), False, 0.8, False, ("Where?",), "", ("about/education",))
    return answer, Resolved("where did he study", "where did he study", False, ())


def test_answers_survive_the_trip_through_json() -> None:
    value = an_answer()
    assert decode_answer(encode_answer(value)) == value


def test_an_answer_put_by_one_replica_is_found_by_another(redis_url: str) -> None:
    first = RedisAnswerCache(RedisLink(redis_url), LocalAnswerCache(10), max_entries=10)
    second = RedisAnswerCache(RedisLink(redis_url), LocalAnswerCache(10), max_entries=10)
    first.put("v1:dense:abc", an_answer())
    assert second.get("v1:dense:abc") == an_answer()
    assert second.get("v2:dense:abc") is None


def test_the_shared_cache_is_bounded_in_entries_and_bytes(redis_url: str) -> None:
    import redis

    client = redis.Redis.from_url(redis_url)
    cache = RedisAnswerCache(RedisLink(redis_url), LocalAnswerCache(10), max_entries=5)
    for n in range(12):
        cache.put(f"k{n}", an_answer(f"answer {n}"))
    assert len(client.keys("assistant:answer:*")) == 5
    assert cache.get("k11") is not None and cache.get("k0") is None  # oldest went first

    client.flushall()
    size = len(str(encode_answer(an_answer("x" * 100))))
    small = RedisAnswerCache(RedisLink(redis_url), LocalAnswerCache(10), 100, max_bytes=3 * size)
    for n in range(6):
        small.put(f"b{n}", an_answer("x" * 100))
    assert 1 <= len(client.keys("assistant:answer:*")) <= 3


@pytest.fixture
def own_redis(tmp_path_factory: pytest.TempPathFactory) -> RedisServer:
    """A Redis this test may stop and start."""
    server = start_redis(tmp_path_factory.mktemp("own-redis"))
    yield server
    server.stop()


def test_while_redis_is_away_each_part_falls_back_and_then_reconnects(
    own_redis: RedisServer,
) -> None:
    link = RedisLink(own_redis.url, retry_seconds=0.2)
    conversations = RedisConversations(link)
    counters = RedisWindowCounters(link)
    records = RedisIdempotency(link)
    answers = RedisAnswerCache(link, LocalAnswerCache(10), max_entries=10)
    conversations.append("s", Turn("Where did he study?", "Where did he study?"))
    assert counters.increment("client", 60, 1) == 1
    assert link.check() and link.up

    own_redis.stop()
    started = time.monotonic()
    assert conversations.recent("s", 3) == []  # the context is lost, not an error
    assert not link.up and not link.check()
    conversations.append("s", Turn("And after?", "Where did he study?"))  # dropped
    # Counts and keys are kept per process meanwhile.
    assert [counters.increment("client", 60, 1) for _ in range(3)] == [1, 2, 3]
    assert records.claim("key", "digest").outcome == "run"
    assert records.claim("key", "digest").outcome == "in_progress"
    answers.put("k", an_answer())
    assert answers.get("k") == an_answer()
    # A dead Redis is not waited on by every call.
    assert time.monotonic() - started < 2.0

    own_redis.start()
    time.sleep(0.3)  # past the retry pause
    assert link.check() and link.up
    assert [t.question for t in conversations.recent("s", 3)] == []  # Redis restarted empty
    conversations.append("s", Turn("Where did he study?", "Where did he study?"))
    assert [t.question for t in conversations.recent("s", 3)] == ["Where did he study?"]
    assert counters.increment("client", 60, 1) == 1


def test_a_password_is_not_logged(caplog: pytest.LogCaptureFixture) -> None:
    from assistant.storage.redis_link import _redacted

    assert _redacted("redis://user:secret@cache:6379/0") == "redis://***@cache:6379/0"
    assert _redacted("redis://cache:6379/0") == "redis://cache:6379/0"
