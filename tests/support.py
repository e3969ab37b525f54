"""What the tests share besides fixtures: fake embedders, servers started for a test, paths."""

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

from assistant.index.embedding import DIMENSIONS, Vectors
from assistant.settings import Settings
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
    /api/v1/health answers. The caller stops it.

    Each server gets a metrics folder of its own beside its log (metrics_folder): `serve`
    wipes the folder it is given, which would lose the counts of another test's server
    sharing the instance folder.
    """
    port = port or free_port()
    command = cli_command(settings, "serve", "--port", str(port), "--workers", str(workers))
    own = {"PROMETHEUS_MULTIPROC_DIR": str(metrics_folder(log_path))}
    # Output goes to a file: a pipe nobody reads would fill up and stall the server.
    with log_path.open("w") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=log, env={**os.environ, **own, **(env or {})}
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


def metrics_folder(log_path: Path) -> Path:
    """Where the server logging to `log_path` keeps its workers' metrics."""
    return log_path.with_name(log_path.name + ".metrics")


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
