from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from assistant.engine import Assistant
from assistant.http.idempotency import body_digest, parse_key
from assistant.http.state import state
from assistant.settings import Settings
from assistant.storage.base import IdempotencyRecords
from assistant.storage.memory import MemoryIdempotency
from assistant.storage.sqlite import SqliteIdempotency
from tests.support import NO_RATE_LIMITS, running_server

CHAT = "/api/v1/chat"
BODY = {"question": "What is the QSR Integration Platform?", "session_id": "idem-session"}


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("abc-123_X", "abc-123_X"),
        ('"quoted"', "quoted"),
        ("  spaced  ", "spaced"),
        ("", None),
        ("has space", None),
        ("x" * 256, None),
        ("semi;colon", None),
    ],
)
def test_keys_are_parsed_bare_or_quoted(header: str, key: str | None) -> None:
    assert parse_key(header) == key


def test_body_digest_ignores_key_order_and_spacing() -> None:
    assert body_digest(b'{"a": 1, "b": 2}') == body_digest(b'{"b":2,"a":1}')
    assert body_digest(b'{"a": 1}') != body_digest(b'{"a": 2}')


@pytest.fixture(params=["sqlite", "redis", "memory"])
def records(request: pytest.FixtureRequest, tmp_path: Path) -> IdempotencyRecords:
    """Every backend follows the same rules."""
    if request.param == "sqlite":
        return SqliteIdempotency(tmp_path / "db")
    if request.param == "memory":
        return MemoryIdempotency()
    from assistant.storage.redis import RedisIdempotency, RedisLink

    return RedisIdempotency(RedisLink(request.getfixturevalue("redis_url")))


def test_claims_replays_mismatches_and_expiry(records: IdempotencyRecords) -> None:
    store = records
    assert store.claim("k", "d1", now=1000).outcome == "run"
    assert store.claim("k", "d1", now=1001).outcome == "in_progress"
    assert store.claim("k", "d2", now=1001).outcome == "mismatch"
    store.finish("k", 200, '{"answer": "x"}')
    replay = store.claim("k", "d1", now=1002)
    assert replay.outcome == "replay" and replay.stored is not None
    assert (replay.stored.status, replay.stored.body) == (200, '{"answer": "x"}')
    # Kept a day; after that the key is new again.
    assert store.claim("k", "d1", now=1000 + 24 * 3600 - 1).outcome == "replay"
    assert store.claim("k", "d1", now=1001 + 24 * 3600).outcome == "run"
    # A claim abandoned by a killed worker is taken over; a released one runs again.
    assert store.claim("dead", "d", now=5000).outcome == "run"
    assert store.claim("dead", "d", now=5000 + 121).outcome == "run"
    store.release("dead")
    assert store.claim("dead", "d", now=5200).outcome == "run"


def post(client: FlaskClient, key: str, body: dict[str, Any] = BODY):  # type: ignore[no-untyped-def]
    return client.post(CHAT, json=body, headers={"Idempotency-Key": key})


def test_a_retry_replays_the_first_response_without_asking_again(
    client: FlaskClient, fake_assistant: Assistant
) -> None:
    first = post(client, "key-1")
    assert first.status_code == 200 and "Idempotent-Replayed" not in first.headers
    calls = len(fake_assistant.retriever.embedder.calls)  # type: ignore[union-attr]
    turns = len(fake_assistant.store.recent("idem-session", 50))  # type: ignore[union-attr]
    for _ in range(10):
        again = post(client, "key-1")
        assert again.status_code == 200
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.get_data() == first.get_data()
    assert len(fake_assistant.store.recent("idem-session", 50)) == turns  # type: ignore[union-attr]
    assert len(fake_assistant.retriever.embedder.calls) == calls  # type: ignore[union-attr]


def test_same_key_other_body_is_422_and_the_stored_response_stays(client: FlaskClient) -> None:
    first = post(client, "key-2")
    other = post(client, "key-2", {"question": "Where did he study?"})
    assert other.status_code == 422 and other.mimetype == "application/problem+json"
    assert "another request body" in other.get_json()["detail"]
    assert post(client, "key-2").get_data() == first.get_data()


def test_malformed_key_is_400(client: FlaskClient) -> None:
    response = post(client, "not a key!")
    assert response.status_code == 400 and "Idempotency-Key" in response.get_json()["detail"]


def test_a_retry_while_running_is_409_with_retry_after(client: FlaskClient, app) -> None:  # type: ignore[no-untyped-def]
    state(app).storage.idempotency.claim("key-3", body_digest(json.dumps(BODY).encode()))
    response = post(client, "key-3")
    assert response.status_code == 409 and response.headers["Retry-After"] == "1"


def test_invalid_requests_are_kept_too_but_server_errors_are_not(
    client: FlaskClient, fake_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = post(client, "key-4", {"question": ""})
    assert bad.status_code == 422
    assert post(client, "key-4", {"question": ""}).headers["Idempotent-Replayed"] == "true"

    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(fake_assistant, "ask", explode)
    assert post(client, "key-5").status_code == 500
    monkeypatch.undo()
    retried = post(client, "key-5")
    assert retried.status_code == 200 and "Idempotent-Replayed" not in retried.headers


@pytest.mark.model
def test_retries_across_two_workers_run_once(
    model_settings: Settings, real_assistant: Assistant, tmp_path: Path
) -> None:
    key = "live-retry-key"
    body = {"question": "What is the Split Payment System?"}

    def send(base: str) -> tuple[int, Message, bytes]:
        request = urllib.request.Request(
            base + CHAT,
            data=json.dumps(body).encode(),
            headers={"content-type": "application/json", "Idempotency-Key": key},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read()

    def answered(base: str) -> float:
        with urllib.request.urlopen(base + "/metrics", timeout=30) as response:
            text = response.read().decode()
        return sum(
            float(line.split()[-1])
            for line in text.splitlines()
            if line.startswith("assistant_questions_total")
        )

    with running_server(model_settings, tmp_path / "server.log", NO_RATE_LIMITS) as base:
        before = answered(base)
        results: list[tuple[int, Message, bytes]] = []
        lock = threading.Lock()

        def worker() -> None:
            outcome = send(base)
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=worker) for _ in range(20)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        results += [send(base) for _ in range(10)]
        statuses = [status for status, _, _ in results]
        assert all(status in (200, 409) for status in statuses), statuses
        ran = [r for r in results if r[0] == 200 and "Idempotent-Replayed" not in r[1]]
        assert len(ran) == 1
        replays = [r for r in results if r[1].get("Idempotent-Replayed") == "true"]
        assert all(r[2] == ran[0][2] for r in replays)
        assert answered(base) - before == 1
