from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from assistant.engine import Assistant
from assistant.index.build import build_index, load_index
from assistant.index.corpus import load_corpus
from assistant.index.embedding import DIMENSIONS, Vectors
from assistant.settings import Settings
from assistant.startup import web_app
from assistant.storage.memory import LocalAnswerCache
from assistant.storage.sqlite import SqliteConversations
from deploy.local import RedisServer, free_port

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
# For servers started by tests: many questions from one address.
NO_RATE_LIMITS = {"ASSISTANT_RATE_LIMIT_PER_MINUTE": "0", "ASSISTANT_RATE_LIMIT_PER_DAY": "0"}


class FakeEmbedder:
    """Deterministic bag-of-words-and-trigrams vectors: fast, no model, stable across runs."""

    fingerprint = "fake-embedder-1"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for row, text in enumerate(texts):
            lowered = text.lower()
            features = lowered.split() + [lowered[i : i + 3] for i in range(len(lowered) - 2)]
            for feature in features:
                bucket = int(hashlib.md5(feature.encode()).hexdigest()[:8], 16) % DIMENSIONS
                out[row, bucket] += 1.0
            norm = float(np.linalg.norm(out[row]))
            if norm:
                out[row] /= norm
        return out


class BrokenEmbedder(FakeEmbedder):
    """Fails part-way through a build, like a model crashing."""

    def encode(self, texts: Sequence[str]) -> Vectors:
        raise RuntimeError("model crashed")


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS, target)
    return target


@pytest.fixture
def settings(tmp_path: Path, corpus_dir: Path) -> Settings:
    # Rate limits off: tests send many questions; tests of the limits turn them on.
    return Settings(
        corpus_dir=corpus_dir,
        instance_dir=tmp_path / "instance",
        rate_limit_per_minute=0,
        rate_limit_per_day=0,
    )


@pytest.fixture
def fake_embedder() -> FakeEmbedder:
    return FakeEmbedder()


@pytest.fixture
def built(settings: Settings, fake_embedder: FakeEmbedder) -> Settings:
    build_index(load_corpus(settings.corpus_dir), fake_embedder, settings.index_root)
    return settings


@pytest.fixture
def fake_assistant(built: Settings, fake_embedder: FakeEmbedder) -> Assistant:
    store = SqliteConversations(built.database_path)
    return Assistant(
        load_index(built.index_root), fake_embedder, store, answers=LocalAnswerCache(4096)
    )


@pytest.fixture
def app(built: Settings, fake_assistant: Assistant) -> Flask:
    return web_app(built, assistant=fake_assistant)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


# The real packaged model: loaded once per test session, index built once.
@pytest.fixture(scope="session")
def model_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    base = tmp_path_factory.mktemp("model")
    shutil.copytree(CORPUS, base / "corpus")
    return Settings(
        corpus_dir=base / "corpus",
        instance_dir=base / "instance",
        rate_limit_per_minute=0,
        rate_limit_per_day=0,
    )


@pytest.fixture(scope="session")
def real_embedder(model_settings: Settings):  # type: ignore[no-untyped-def]
    """The serving embedder: the packaged model exported to ONNX (exported once here)."""
    from assistant.startup import load_embedder

    return load_embedder(model_settings)


@pytest.fixture(scope="session")
def reference_embedder():  # type: ignore[no-untyped-def]
    """sentence-transformers on torch: the reference the serving path must match."""
    from assistant.index.embedding import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def real_assistant(model_settings: Settings, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    from assistant.startup import open_assistant

    yield open_assistant(model_settings, embedder=real_embedder)


def cli_command(settings: Settings, *args: str) -> list[str]:
    """The `assistant` command line for these settings' corpus and instance folders."""
    return [
        sys.executable,
        "-m",
        "assistant.cli",
        "--corpus",
        str(settings.corpus_dir),
        "--instance",
        str(settings.instance_dir),
        *args,
    ]


def start_server(
    settings: Settings,
    log_path: Path,
    env: dict[str, str] | None = None,
    workers: int = 2,
    port: int | None = None,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `assistant serve` (granian) on a free port; return it and its base URL once
    /api/v1/health answers. The caller stops it."""
    port = port or free_port()
    command = cli_command(settings, "serve", "--port", str(port), "--workers", str(workers))
    # Output goes to a file: a pipe nobody reads would fill up and stall the server.
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=log, env={**os.environ, **(env or {})}
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            with urllib.request.urlopen(base + "/api/v1/health", timeout=5):
                return process, base
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("server did not start: " + log_path.read_text()[-3000:])
            time.sleep(0.1)


@contextlib.contextmanager
def running_server(
    settings: Settings,
    log_path: Path,
    env: dict[str, str] | None = None,
    workers: int = 2,
    port: int | None = None,
) -> Iterator[str]:
    """`assistant serve` while the block runs; on exit stops it with SIGTERM and checks it
    shut down cleanly."""
    process, base = start_server(settings, log_path, env, workers, port)
    with process:
        try:
            yield base
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=60)
        assert process.returncode == 0, log_path.read_text()[-3000:]
        assert "Traceback" not in log_path.read_text()


def require_debian_tool(name: str) -> str:
    """A tool from Debian's packages; skip without it, fail in CI (.ci/run installs it)."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin")
    if path is None:
        message = f"{name} is not installed (make services installs it)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must run these tests")
        pytest.skip(message)
    return path


def start_redis(folder: Path) -> RedisServer:
    """A running redis-server of its own (skips or fails without Debian's redis-server)."""
    require_debian_tool("redis-server")
    server = RedisServer(folder)
    server.start()
    return server


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = start_redis(tmp_path_factory.mktemp("redis"))
    yield server
    server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The shared test Redis, emptied for each test."""
    import redis

    if redis_server.process is None:
        redis_server.start()
    redis.Redis.from_url(redis_server.url).flushall()
    return redis_server.url
