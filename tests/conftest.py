from __future__ import annotations

import hashlib
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from assistant.corpus import load_corpus
from assistant.embedding import DIMENSIONS, Vectors
from assistant.engine import Assistant
from assistant.index import build_index, load_index
from assistant.settings import Settings
from assistant.store import ConversationStore
from assistant.web import create_app

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
    store = ConversationStore(built.database_path)
    return Assistant(load_index(built.index_root), fake_embedder, store)


@pytest.fixture
def app(built: Settings, fake_assistant: Assistant) -> Flask:
    return create_app(built, assistant=fake_assistant)


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
    from assistant.embedding import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()


@pytest.fixture(scope="session")
def real_assistant(model_settings: Settings, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    from assistant.startup import open_assistant

    yield open_assistant(model_settings, embedder=real_embedder)
