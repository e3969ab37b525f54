from __future__ import annotations

import json
import shutil
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.engine import Assistant
from assistant.index.embedding import WEIGHTS_FILE, packaged_model_dir
from assistant.settings import Settings
from assistant.startup import open_assistant, recover_model
from tests.support import NO_RATE_LIMITS, running_server

pytestmark = pytest.mark.model


def get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            body = response.read()
            return response.status, (
                json.loads(body) if url.endswith(("ready", "chat")) else body.decode()
            )
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


def ask(base: str, question: str) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        base + "/api/v1/chat",
        data=json.dumps({"question": question}).encode(),
        headers={"content-type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


@pytest.fixture
def broken_model(tmp_path: Path) -> Iterator[Path]:
    """A copy of the packaged model whose weights are corrupted (restorable)."""
    copy = tmp_path / "model"
    shutil.copytree(packaged_model_dir(), copy)
    with (copy / WEIGHTS_FILE).open("r+b") as handle:
        handle.seek(10_000)
        handle.write(b"\x00" * 64)
    yield copy


def restore(model: Path) -> None:
    shutil.copyfile(packaged_model_dir() / WEIGHTS_FILE, model / WEIGHTS_FILE)


def test_without_a_usable_model_answers_come_from_keywords(
    model_settings: Settings, real_assistant: Assistant, broken_model: Path
) -> None:
    settings = Settings(
        corpus_dir=model_settings.corpus_dir,
        instance_dir=model_settings.instance_dir,
        model_dir=broken_model,
    )
    assistant = open_assistant(settings)
    assert assistant.degraded
    reply = assistant.ask("Tell me about the QSR Integration Platform").answer
    assert reply.degraded and not reply.abstained
    assert reply.citations[0].id == "projects/qsr-integration-platform"
    assert not recover_model(assistant, settings)
    restore(broken_model)
    assert recover_model(assistant, settings)
    assert not assistant.degraded
    assert not assistant.ask("Tell me about the QSR Integration Platform").answer.degraded


def test_server_degrades_then_recovers_without_restart(
    model_settings: Settings, real_assistant: Assistant, broken_model: Path, tmp_path: Path
) -> None:
    env = {
        **NO_RATE_LIMITS,
        "ASSISTANT_MODEL_DIR": str(broken_model),
        "ASSISTANT_MODEL_RETRY_SECONDS": "0.5",
    }
    log_path = tmp_path / "server.log"
    with running_server(model_settings, log_path, env) as base:
        status, ready = get(base + "/api/v1/ready")
        assert status == 200 and ready["degraded"] is True
        questions = [
            "Where did he study?",
            "What is the QSR Integration Platform?",
            "Does he know Kubernetes?",
            "What did he build at Amazon?",
            "How can I contact him?",
        ]
        statuses, degraded = [], []
        for n in range(500):
            code, body = ask(base, questions[n % len(questions)] + f" {n}")
            statuses.append(code)
            degraded.append(body.get("degraded"))
        assert [s for s in statuses if s >= 500] == []
        assert set(statuses) == {200} and all(degraded)
        assert "assistant_degraded 1.0" in get(base + "/metrics")[1]
        assert "model unavailable" in log_path.read_text()

        restore(broken_model)
        deadline = time.monotonic() + 60
        recovered = 0
        while time.monotonic() < deadline and recovered < 20:
            code, body = ask(base, "What is the QSR Integration Platform?")
            assert code == 200
            recovered = recovered + 1 if body["degraded"] is False else 0
            time.sleep(0.05)
        assert recovered == 20, "not every worker recovered"
        assert get(base + "/api/v1/ready")[1]["degraded"] is False
        assert "model recovered" in log_path.read_text()
