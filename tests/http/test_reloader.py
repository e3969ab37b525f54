from __future__ import annotations

import dataclasses
import json
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from assistant.engine import Assistant
from assistant.index.build import build_index
from assistant.index.corpus import load_corpus
from assistant.settings import Settings
from assistant.startup import web_app
from tests.support import NO_RATE_LIMITS, BrokenEmbedder, FakeEmbedder, cli_command, running_server

QUESTION = {"question": "What revenue increase did the QSR Integration Platform unlock?"}


def edit_and_build(settings: Settings, embedder: FakeEmbedder, old: str, new: str) -> str:
    path = settings.corpus_dir / "projects.yaml"
    path.write_text(path.read_text().replace(old, new))
    time.sleep(1.01)  # index versions are named to the second
    return build_index(load_corpus(settings.corpus_dir), embedder, settings.index_root).version


def test_a_rebuilt_index_is_picked_up_without_a_restart(
    built: Settings, fake_assistant: Assistant, fake_embedder: FakeEmbedder
) -> None:
    settings = dataclasses.replace(built, reload_interval_seconds=0)
    client = web_app(settings, assistant=fake_assistant).test_client()
    assert "10% revenue increase" in client.post("/api/v1/chat", json=QUESTION).json["answer"]
    version = edit_and_build(
        settings, fake_embedder, "a 10% revenue increase", "a 12% revenue increase"
    )
    answer = client.post("/api/v1/chat", json=QUESTION).json["answer"]
    assert "12% revenue increase" in answer and "10%" not in answer
    assert client.get("/api/v1/ready").json["index"]["version"] == version


def test_a_failed_rebuild_or_a_broken_index_keeps_the_old_one(
    built: Settings, fake_assistant: Assistant, fake_embedder: FakeEmbedder
) -> None:
    settings = dataclasses.replace(built, reload_interval_seconds=0)
    client = web_app(settings, assistant=fake_assistant).test_client()
    before = client.get("/api/v1/ready").json["index"]["version"]
    path = settings.corpus_dir / "projects.yaml"
    path.write_text(path.read_text().replace("a 10% revenue", "an 11% revenue"))
    with pytest.raises(RuntimeError):
        build_index(load_corpus(settings.corpus_dir), BrokenEmbedder(), settings.index_root)
    assert client.get("/api/v1/ready").json["index"]["version"] == before
    # A pointer to a version whose files are damaged: logged, skipped, the old one serves.
    time.sleep(1.01)
    broken = build_index(load_corpus(settings.corpus_dir), fake_embedder, settings.index_root)
    (settings.index_root / "versions" / broken.version / "entry_vectors.npy").write_bytes(b"x")
    assert client.get("/api/v1/ready").json["index"]["version"] == before
    assert "10% revenue increase" in client.post("/api/v1/chat", json=QUESTION).json["answer"]


@pytest.mark.model
def test_rebuilding_under_load_drops_no_request(
    model_settings: Settings, real_assistant: Assistant, tmp_path: Path
) -> None:
    import shutil

    settings = dataclasses.replace(
        model_settings, corpus_dir=tmp_path / "corpus", instance_dir=tmp_path / "instance"
    )
    shutil.copytree(model_settings.corpus_dir, settings.corpus_dir)
    shutil.copytree(model_settings.index_root, settings.index_root)
    shutil.copytree(model_settings.model_export_root, settings.model_export_root)
    env = {**NO_RATE_LIMITS, "ASSISTANT_RELOAD_INTERVAL_SECONDS": "0.2"}
    with running_server(settings, tmp_path / "server.log", env) as base:
        statuses: list[int] = []
        stop = threading.Event()

        def load() -> None:
            body = json.dumps(QUESTION).encode()
            while not stop.is_set():
                request = urllib.request.Request(
                    base + "/api/v1/chat", data=body, headers={"content-type": "application/json"}
                )
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        statuses.append(response.status)
                except urllib.error.HTTPError as error:
                    statuses.append(error.code)

        threads = [threading.Thread(target=load) for _ in range(4)]
        for thread in threads:
            thread.start()
        path = settings.corpus_dir / "projects.yaml"
        path.write_text(path.read_text().replace("a 10% revenue", "a 12% revenue"))
        build = subprocess.run(
            cli_command(settings, "build", "--json"),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert build.returncode == 0, build.stderr
        version = json.loads(build.stdout)["version"]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with urllib.request.urlopen(base + "/api/v1/ready") as response:
                if json.loads(response.read())["index"]["version"] == version:
                    break
            time.sleep(0.2)
        time.sleep(1)  # both workers have had time to switch
        stop.set()
        for thread in threads:
            thread.join()
        assert statuses and set(statuses) == {200}, sorted(set(statuses))
        request = urllib.request.Request(
            base + "/api/v1/chat",
            data=json.dumps(QUESTION).encode(),
            headers={"content-type": "application/json"},
        )
        answers = set()
        for _ in range(10):
            with urllib.request.urlopen(request, timeout=30) as response:
                answers.add("12%" in json.loads(response.read())["answer"])
        assert answers == {True}
