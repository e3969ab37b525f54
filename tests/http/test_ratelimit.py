from __future__ import annotations

import dataclasses
import json
import re
import shutil
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from assistant.engine import Assistant
from assistant.http.ratelimit import Limit, RateLimiter, policy_header, usage_header
from assistant.settings import Settings
from assistant.startup import web_app
from assistant.storage.base import WindowCounters
from assistant.storage.memory import MemoryWindowCounters
from assistant.storage.sqlite import SqliteWindowCounters
from tests.support import running_server

CHAT = "/api/v1/chat"


@pytest.fixture(params=["sqlite", "redis", "memory"])
def open_counters(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """Every backend counts the same way; the shared ones are opened twice on one store."""
    if request.param == "sqlite":
        return lambda: SqliteWindowCounters(tmp_path / "db")
    if request.param == "memory":
        counters = MemoryWindowCounters()
        return lambda: counters
    from assistant.storage.redis import RedisLink, RedisWindowCounters

    url = request.getfixturevalue("redis_url")
    return lambda: RedisWindowCounters(RedisLink(url))


def test_counts_are_exact_across_processes_sharing_the_store(
    open_counters: Callable[[], WindowCounters],
) -> None:
    # Two limiters on one store stand for two worker processes (or replicas).
    limits = (Limit("minute", 5, 60),)
    first, second = RateLimiter(open_counters(), limits), RateLimiter(open_counters(), limits)
    now = 1_000_040.0  # 20 s into a minute window
    outcomes = [(first if n % 2 else second).hit("1.2.3.4", now)[0] for n in range(8)]
    assert [u.exceeded for u in outcomes] == [False] * 5 + [True] * 3
    assert outcomes[4].remaining == 0 and outcomes[0].reset_seconds == 40
    assert not first.hit("5.6.7.8", now)[0].exceeded  # another client has its own count
    assert not first.hit("1.2.3.4", now + 60)[0].exceeded  # a new window


def test_a_count_can_be_read_without_changing_it(
    open_counters: Callable[[], WindowCounters],
) -> None:
    counters, other = open_counters(), open_counters()
    assert counters.count("admin", 60, 7) == 0
    for _ in range(3):
        counters.increment("admin", 60, 7)
    assert [other.count("admin", 60, 7) for _ in range(2)] == [3, 3]
    assert other.count("admin", 60, 8) == 0 and other.count("someone", 60, 7) == 0


def test_concurrent_hits_are_counted_once_each(
    open_counters: Callable[[], WindowCounters],
) -> None:
    limiter = RateLimiter(open_counters(), (Limit("minute", 1000, 60),))
    results: list[int] = []
    lock = threading.Lock()

    def hammer() -> None:
        for _ in range(50):
            usage = limiter.hit("client", 5_000_000.0)[0]
            with lock:
                results.append(usage.remaining)

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == list(range(800, 1000))


def test_header_fields() -> None:
    limits = (Limit("minute", 20, 60), Limit("day", 500, 86400))
    assert policy_header(limits) == '"minute";q=20;w=60, "day";q=500;w=86400'
    from assistant.http.ratelimit import Usage

    usages = [Usage(limits[0], 3, 12), Usage(limits[1], 400, 5000)]
    assert usage_header(usages) == '"minute";r=3;t=12'


@pytest.fixture
def limited(built: Settings, fake_assistant: Assistant) -> FlaskClient:
    settings = dataclasses.replace(built, rate_limit_per_minute=3, rate_limit_per_day=100)
    return web_app(settings, assistant=fake_assistant).test_client()


def ask(client: FlaskClient, **kwargs: Any):  # type: ignore[no-untyped-def]
    return client.post(CHAT, json={"question": "What is the QSR platform?"}, **kwargs)


def test_over_the_limit_is_a_429_problem_with_retry_after(limited: FlaskClient) -> None:
    responses = [ask(limited) for _ in range(5)]
    assert [r.status_code for r in responses] == [200, 200, 200, 429, 429]
    assert [r.headers["RateLimit"].split(";r=")[1].split(";")[0] for r in responses[:3]] == [
        "2",
        "1",
        "0",
    ]
    refused = responses[3]
    assert refused.mimetype == "application/problem+json"
    assert refused.get_json()["status"] == 429
    retry = int(refused.headers["Retry-After"])
    assert 1 <= retry <= 60
    assert refused.headers["RateLimit-Policy"] == '"minute";q=3;w=60, "day";q=100;w=86400'
    assert re.fullmatch(rf'"minute";r=0;t={retry}', refused.headers["RateLimit"])
    # Other routes are not limited.
    assert limited.get("/api/v1/health").status_code == 200


def test_a_forged_forwarded_for_changes_nothing(limited: FlaskClient) -> None:
    for n in range(3):
        assert ask(limited, headers={"X-Forwarded-For": f"10.0.0.{n}"}).status_code == 200
    assert ask(limited, headers={"X-Forwarded-For": "10.9.9.9"}).status_code == 429


def test_behind_one_trusted_proxy_the_forwarded_client_counts(
    built: Settings, fake_assistant: Assistant
) -> None:
    settings = dataclasses.replace(built, rate_limit_per_minute=2, trusted_proxies=1)
    client = web_app(settings, assistant=fake_assistant).test_client()
    # The proxy appends the real client; anything the client put before it is ignored.
    for _ in range(2):
        assert ask(client, headers={"X-Forwarded-For": "forged, 203.0.113.5"}).status_code == 200
    assert ask(client, headers={"X-Forwarded-For": "other, 203.0.113.5"}).status_code == 429
    assert ask(client, headers={"X-Forwarded-For": "203.0.113.6"}).status_code == 200


@pytest.mark.model
def test_the_limit_holds_across_two_workers(
    model_settings: Settings, real_assistant: Assistant, tmp_path: Path
) -> None:
    quota = 6
    # Its own instance folder (the index and model copied): a fresh count in its database.
    settings = dataclasses.replace(model_settings, instance_dir=tmp_path / "instance")
    shutil.copytree(model_settings.index_root, settings.index_root)
    shutil.copytree(model_settings.model_export_root, settings.model_export_root)
    env = {"ASSISTANT_RATE_LIMIT_PER_MINUTE": str(quota)}
    with running_server(settings, tmp_path / "server.log", env) as base:
        # Start early in a window, so all N + 5 requests fall into one minute.
        if time.time() % 60 > 50:
            time.sleep(60 - time.time() % 60)
        outcomes = [post(base) for _ in range(quota + 5)]
        assert [o[0] for o in outcomes].count(200) == quota
        refused = [o for o in outcomes if o[0] == 429]
        assert len(refused) == 5
        waits = {int(o[1]["Retry-After"]) for o in refused}
        assert len(waits) <= 2 and all(1 <= w <= 60 for w in waits)
        policy = f'"minute";q={quota};w=60, "day";q=500;w=86400'
        assert all(o[1]["RateLimit-Policy"] == policy for o in outcomes)
        time.sleep(max(waits) + 0.5)  # a client honouring Retry-After
        assert post(base)[0] == 200


def post(base: str) -> tuple[int, Message]:
    """Status and headers (names compare case-insensitively) of one question."""
    request = urllib.request.Request(
        base + CHAT,
        data=json.dumps({"question": "What is the QSR platform?"}).encode(),
        headers={"content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers
