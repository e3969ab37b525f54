"""Replicas sharing one Redis, alone and behind nginx (deploy/nginx.conf), on loopback.

Every server here is real: redis-server and nginx from Debian's packages, and `assistant serve`
(granian) replicas, each with its own copy of the built index as a deployment would ship it.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

import deploy.local
from assistant.engine import Assistant
from assistant.settings import Settings
from deploy.local import RedisServer
from tests.support import require_debian_tool, running_server, start_redis, start_server

pytestmark = pytest.mark.model
CHAT = "/api/v1/chat"
QSR = "What is the QSR Integration Platform?"
LIMIT = 8  # questions per minute per client on these replicas


@pytest.fixture(scope="module")
def shipped(model_settings: Settings, real_assistant: Assistant) -> Settings:
    """The built index and exported model, as they are shipped to every replica."""
    return model_settings


def replica_settings(shipped: Settings, folder: Path) -> Settings:
    """A replica's own instance folder holding a copy of the shipped index and model."""
    instance = folder / "instance"
    for part in ("index", "model"):
        shutil.copytree(shipped.instance_dir / part, instance / part)
    return replace(shipped, instance_dir=instance)


def replica_env(redis_url: str, limit: int = LIMIT) -> dict[str, str]:
    return {
        "ASSISTANT_REDIS_URL": redis_url,
        "ASSISTANT_TRUSTED_PROXIES": "1",
        "ASSISTANT_RATE_LIMIT_PER_MINUTE": str(limit),
        "ASSISTANT_RATE_LIMIT_PER_DAY": "0",
    }


@contextlib.contextmanager
def two_replicas(
    shipped: Settings, folder: Path, redis_url: str, limit: int = LIMIT
) -> Iterator[tuple[str, str]]:
    with (
        running_server(
            replica_settings(shipped, folder / "a"), folder / "a.log", replica_env(redis_url, limit)
        ) as first,
        running_server(
            replica_settings(shipped, folder / "b"), folder / "b.log", replica_env(redis_url, limit)
        ) as second,
    ):
        yield first, second


@pytest.fixture(scope="module")
def replicas(
    shipped: Settings, tmp_path_factory: pytest.TempPathFactory, redis_server: RedisServer
) -> Iterator[tuple[str, str]]:
    with two_replicas(shipped, tmp_path_factory.mktemp("replicas"), redis_server.url) as pair:
        yield pair


def call(
    base: str,
    path: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    source: str | None = None,
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """One HTTP request (from the `source` loopback address if given): status, headers, body."""
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(
        host, int(port), timeout=30, source_address=(source, 0) if source else None
    )
    try:
        data = json.dumps(body).encode() if body is not None else None
        sent = {"Content-Type": "application/json", **(headers or {})}
        connection.request("POST" if body is not None else "GET", path, data, sent)
        response = connection.getresponse()
        # Header names compare case-insensitively (the server sends them in lower case).
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def ask(base: str, question: str, client: str, **fields: Any) -> tuple[int, dict[str, Any]]:
    """POST a question as the client `client` (its forwarded address, straight to a replica)."""
    status, _, body = call(
        base, CHAT, {"question": question, **fields}, {"X-Forwarded-For": client}
    )
    return status, json.loads(body)


def questions_run(bases: tuple[str, ...]) -> float:
    """Questions the replicas answered or abstained on (the engine ran), from /metrics."""
    total = 0.0
    for base in bases:
        with urllib.request.urlopen(base + "/metrics") as response:
            text = response.read().decode()
        total += sum(
            float(v) for v in re.findall(r"^assistant_questions_total\{.*\} (\S+)$", text, re.M)
        )
    return total


def test_a_conversation_alternating_between_replicas_keeps_its_context(
    replicas: tuple[str, str],
) -> None:
    first, second = replicas
    status, opened = ask(first, QSR, "10.1.0.1", session_id="alternating")
    assert status == 200 and not opened["abstained"]
    qsr = opened["citations"][0]["id"]
    status, follow_up = ask(second, "What was its impact?", "10.1.0.1", session_id="alternating")
    assert status == 200 and not follow_up["abstained"]
    assert follow_up["citations"][0]["id"] == qsr
    status, again = ask(first, "And when was that?", "10.1.0.1", session_id="alternating")
    assert status == 200 and again["citations"][0]["id"] == qsr
    # Without the shared session the same follow-up has nothing to lean on.
    status, alone = ask(second, "What was its impact?", "10.1.0.1", session_id="elsewhere")
    assert status == 200 and alone["abstained"]


def test_a_clients_limit_holds_across_both_replicas(replicas: tuple[str, str]) -> None:
    statuses = [ask(replicas[n % 2], QSR, "10.2.0.1")[0] for n in range(2 * LIMIT)]
    assert Counter(statuses) == {200: LIMIT, 429: LIMIT}
    assert ask(replicas[0], QSR, "10.2.0.2")[0] == 200  # another client has its own count


def test_an_idempotency_key_used_on_one_replica_replays_on_the_other(
    replicas: tuple[str, str],
) -> None:
    first, second = replicas
    headers = {"Idempotency-Key": "cross-replica-1", "X-Forwarded-For": "10.3.0.1"}
    body = {"question": QSR, "session_id": "idempotent"}
    status, sent, original = call(first, CHAT, body, headers)
    assert status == 200 and "Idempotent-Replayed" not in sent
    status, replayed_headers, replayed = call(second, CHAT, body, headers)
    assert status == 200 and replayed_headers.get("Idempotent-Replayed") == "true"
    assert replayed == original
    other = {"question": "Where did he study?", "session_id": "idempotent"}
    assert call(second, CHAT, other, headers)[0] == 422


def test_concurrent_retries_of_one_key_over_both_replicas_run_once(
    replicas: tuple[str, str],
) -> None:
    before = questions_run(replicas)
    body = {"question": "Which companies has he worked at?"}
    barrier = threading.Barrier(20)

    def retry(n: int) -> tuple[int, bytes]:
        headers = {"Idempotency-Key": "concurrent-1", "X-Forwarded-For": f"10.4.0.{n}"}
        barrier.wait()
        status, _, answer = call(replicas[n % 2], CHAT, body, headers)
        return status, answer

    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(retry, range(20)))
    statuses = Counter(status for status, _ in results)
    assert set(statuses) <= {200, 409} and statuses[200] >= 1, statuses
    assert len({answer for status, answer in results if status == 200}) == 1  # replays match
    assert questions_run(replicas) - before == 1


# --- behind nginx --------------------------------------------------------------------------


@contextlib.contextmanager
def running_nginx(folder: Path, upstreams: tuple[str, ...]) -> Iterator[str]:
    """deploy/nginx.conf, its port and replicas replaced by these, in the foreground."""
    require_debian_tool("nginx")
    with deploy.local.running_nginx(folder, list(upstreams)) as base:
        yield base


def upstreams(bases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(base.removeprefix("http://") for base in bases)


@pytest.fixture(scope="module")
def proxy(replicas: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_nginx(tmp_path_factory.mktemp("nginx"), upstreams(replicas)) as base:
        yield base


def chat_requests(base: str) -> int:
    with urllib.request.urlopen(base + "/metrics") as response:
        text = response.read().decode()
    found = re.findall(
        r'^assistant_http_requests_total\{.*route="/api/v1/chat".*\} (\S+)$', text, re.M
    )
    return int(sum(float(v) for v in found))


def test_nginx_spreads_requests_over_both_replicas(replicas: tuple[str, str], proxy: str) -> None:
    before = [chat_requests(base) for base in replicas]
    statuses = [
        call(proxy, CHAT, {"question": QSR}, source=f"127.0.5.{n % 4 + 1}")[0] for n in range(12)
    ]
    assert statuses == [200] * 12
    served = [chat_requests(base) - b for base, b in zip(replicas, before, strict=True)]
    assert sum(served) == 12 and min(served) >= 3, served


def test_a_forged_forwarded_for_does_not_escape_the_limit_through_nginx(proxy: str) -> None:
    statuses = [
        call(proxy, CHAT, {"question": QSR}, {"X-Forwarded-For": f"203.0.113.{n}"}, "127.0.6.1")[0]
        for n in range(LIMIT + 4)
    ]
    assert Counter(statuses) == {200: LIMIT, 429: 4}
    # The replicas see each client's own address: another client is not limited.
    assert call(proxy, CHAT, {"question": QSR}, source="127.0.6.2")[0] == 200


def kill_server(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL a server and its workers at once, as a crashed machine would."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == process.pid:
                children.append(int(stat.parent.name))
    for pid in [process.pid, *children]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_killing_a_replica_mid_load_loses_no_request(
    shipped: Settings, tmp_path: Path, redis_url: str
) -> None:
    env = replica_env(redis_url, limit=0)
    with running_server(replica_settings(shipped, tmp_path / "a"), tmp_path / "a.log", env) as a:
        victim, b = start_server(replica_settings(shipped, tmp_path / "b"), tmp_path / "b.log", env)
        try:
            with running_nginx(tmp_path / "nginx", upstreams((a, b))) as proxy:
                total, killed_at = 300, 100
                done = threading.Semaphore(0)

                def one(n: int) -> int:
                    done.release()
                    return call(proxy, CHAT, {"question": f"{QSR} ({n})"})[0]

                with ThreadPoolExecutor(8) as pool:
                    futures = [pool.submit(one, n) for n in range(total)]
                    for _ in range(killed_at):
                        done.acquire()
                    kill_server(victim)
                    statuses = Counter(f.result() for f in futures)
                assert statuses == {200: total}, statuses
                # After the kill every request goes to the surviving replica.
                assert [call(proxy, CHAT, {"question": QSR})[0] for _ in range(5)] == [200] * 5
        finally:
            if victim.poll() is None:
                kill_server(victim)


def test_redis_stopped_mid_run_costs_no_5xx_and_comes_back(
    shipped: Settings, tmp_path: Path
) -> None:
    own = start_redis(tmp_path / "redis")
    try:
        with two_replicas(shipped, tmp_path, own.url, limit=0) as (first, second):
            stop = threading.Event()
            statuses: Counter[int] = Counter()

            def load(n: int) -> None:
                while not stop.is_set():
                    base = (first, second)[n % 2]
                    statuses[
                        call(base, CHAT, {"question": f"{QSR} {n}", "session_id": f"s{n}"})[0]
                    ] += 1
                    n += 2

            threads = [threading.Thread(target=load, args=(n,)) for n in range(4)]
            for thread in threads:
                thread.start()
            time.sleep(1.0)
            own.stop()
            time.sleep(2.0)
            status, _, body = call(first, "/api/v1/ready")
            outage = json.loads(body)
            with urllib.request.urlopen(first + "/metrics") as response:
                metrics = response.read().decode()
            own.start()
            time.sleep(2.0)
            stop.set()
            for thread in threads:
                thread.join()

            assert status == 200 and outage["store"] == {"backend": "redis", "reachable": False}
            assert re.search(r"^assistant_shared_store_up 0\.0$", metrics, re.M), metrics
            assert sum(statuses.values()) > 50 and set(statuses) == {200}, statuses
            # Back by itself: ready says so and conversations span replicas again.
            deadline = time.monotonic() + 10
            while json.loads(call(second, "/api/v1/ready")[2])["store"]["reachable"] is not True:
                assert time.monotonic() < deadline, "the replica did not reconnect"
                time.sleep(0.2)
            assert ask(first, QSR, "10.9.0.1", session_id="after")[0] == 200
            status, follow_up = ask(second, "What was its impact?", "10.9.0.1", session_id="after")
            assert status == 200 and not follow_up["abstained"]
            logs = (tmp_path / "a.log").read_text() + (tmp_path / "b.log").read_text()
            assert "shared store unreachable" in logs and "reachable again" in logs
    finally:
        own.stop()
