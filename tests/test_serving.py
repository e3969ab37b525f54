from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from assistant.settings import Settings

pytestmark = pytest.mark.model


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(url: str, body: dict[str, Any] | None = None) -> tuple[int, dict[str, str], Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={"content-type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), json.loads(error.read())


@pytest.fixture(scope="module")
def server(model_settings: Settings, real_assistant) -> Iterator[str]:  # type: ignore[no-untyped-def]
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "assistant.cli",
        "--corpus",
        str(model_settings.corpus_dir),
        "--instance",
        str(model_settings.instance_dir),
        "serve",
        "--port",
        str(port),
        "--workers",
        "2",
    ]
    with subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    ) as process:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if call(base + "/api/v1/ready")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            process.kill()
            pytest.fail(
                "server did not become ready: " + (process.stderr.read() if process.stderr else "")
            )
        yield base
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        assert process.returncode == 0
        assert process.stderr is not None
        log = process.stderr.read()
        assert "Traceback" not in log


def test_served_by_gunicorn_and_answers_the_readme_question(server: str) -> None:
    status, headers, body = call(server + "/api/v1/chat", {"question": "Where did he study?"})
    assert status == 200
    assert headers.get("Server", "").startswith("gunicorn")
    assert "MS in Computer Science" in body["answer"]
    assert "University of Texas at Dallas" in body["answer"]
    assert "2021" in body["answer"]
    assert body["citations"][0]["section"] == "about"
    assert body["abstained"] is False


def test_follow_ups_resolve_whichever_worker_takes_them(server: str) -> None:
    for n in range(12):
        session = f"live-{n}-{os.getpid()}"
        call(
            server + "/api/v1/chat",
            {"question": "What is the Carrier Selection Engine?", "session_id": session},
        )
        status, _, body = call(
            server + "/api/v1/chat",
            {"question": "How many orders did it handle?", "session_id": session},
        )
        assert status == 200 and "800K+ orders" in body["answer"], body


def test_bad_request_is_a_problem_not_a_stack_trace(server: str) -> None:
    status, headers, body = call(server + "/api/v1/chat", {"question": ""})
    assert status == 422 and headers["Content-Type"].startswith("application/problem+json")
    assert body["errors"][0]["field"] == "question"
