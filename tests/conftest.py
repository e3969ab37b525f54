from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from assistant.engine import Assistant
from assistant.index.build import build_index, load_index
from assistant.index.corpus import load_corpus
from assistant.settings import Settings
from assistant.startup import web_app
from assistant.storage.memory import LocalAnswerCache
from assistant.storage.sqlite import SqliteConversations
from deploy.local import RedisServer
from tests.support import CORPUS, FakeEmbedder, start_redis


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
def real_assistant(model_settings: Settings, real_embedder) -> Iterator[Assistant]:  # type: ignore[no-untyped-def]
    from assistant.startup import open_assistant

    yield open_assistant(model_settings, embedder=real_embedder)


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
