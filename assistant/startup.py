"""Get an assistant ready: load the model, check the index, build it when stale or missing."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from assistant.engine import Assistant
from assistant.errors import AssistantError, CorpusError, ModelError
from assistant.index.build import Manifest, Progress, build_index, index_status, load_index
from assistant.index.corpus import load_corpus
from assistant.index.embedding import (
    Embedder,
    OnnxEmbedder,
    SentenceTransformerEmbedder,
    packaged_model_dir,
    verify_model_dir,
)
from assistant.settings import Settings, settings_from_env
from assistant.storage.background import BackgroundQuestionLog
from assistant.storage.base import Storage
from assistant.storage.memory import LocalAnswerCache

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)


def load_embedder(settings: Settings, progress: Progress | None = None) -> Embedder:
    """The packaged model (or the configured folder), checked and loaded.

    The ONNX path exports the model on first use (which needs torch), then never imports it.
    """
    if settings.embedder == "torch":
        return SentenceTransformerEmbedder(settings.model_dir)
    from assistant.index.onnx_export import export_folder, export_onnx

    model_dir = settings.model_dir or packaged_model_dir()
    # The weights are checked even when their export exists: a damaged model folder means
    # the deployment is broken, and the server then says so (degraded) rather than guess.
    source_sha256 = verify_model_dir(model_dir)
    folder = export_folder(settings.model_export_root, source_sha256)
    if not (folder / "export.json").is_file():
        export_onnx(model_dir, folder, source_sha256, progress)
    return OnnxEmbedder(folder)


def common_words(settings: Settings) -> frozenset[str]:
    """Whole words of the model's tokenizer vocabulary: a list of ordinary English words."""
    try:
        vocab = (settings.model_dir or packaged_model_dir()) / "vocab.txt"
        lines = vocab.read_text(encoding="utf-8").split()
    except (OSError, ModelError):
        return frozenset()
    return frozenset(w for w in lines if w.isalpha() and w.islower())


def build_index_for(
    settings: Settings, embedder: Embedder, progress: Progress | None = None, force: bool = False
) -> Manifest:
    """Validate the corpus and build a new index (CorpusError leaves the old one in place).

    An index that already matches the corpus and the model is kept unless `force` is set.
    """
    corpus = load_corpus(settings.corpus_dir)
    status = index_status(settings.index_root, settings.corpus_dir, embedder.fingerprint)
    if status.state == "fresh" and not force:
        if progress:
            progress(f"up to date: {status.reason}")
        return load_index(settings.index_root).manifest
    return build_index(corpus, embedder, settings.index_root, progress)


def ensure_index(settings: Settings, embedder: Embedder, progress: Progress | None = None) -> None:
    """Build the index if it is missing or stale; keep serving the last good one if it can't."""
    status = index_status(settings.index_root, settings.corpus_dir, embedder.fingerprint)
    if status.state == "fresh":
        return
    (progress or log.info)(f"index {status.state} ({status.reason}); building it now")
    try:
        build_index_for(settings, embedder, progress)
    except CorpusError:
        if status.state == "missing":
            raise
        log.exception("corpus is invalid; still serving the last good index")
        if progress:
            progress("the corpus is invalid (run `assistant check`); using the last good index")


def open_assistant(
    settings: Settings,
    progress: Progress | None = None,
    embedder: Embedder | None = None,
    storage: Storage | None = None,
) -> Assistant:
    """Load everything an assistant needs, building the index first when needed.

    Without a usable model it still opens on the last built index, answering from keyword
    search alone (degraded); without any index it raises IndexNotReadyError.
    """
    if embedder is None:
        try:
            embedder = load_embedder(settings, progress)
        except ModelError as exc:
            log.error("model unavailable, answering from keyword search alone: %s", exc)
    if embedder is not None:
        ensure_index(settings, embedder, progress)
    index = load_index(settings.index_root)
    if embedder is not None and embedder.fingerprint != index.manifest.model_fingerprint:
        log.error("the index was built with another model; run `assistant build`")
        embedder = None
    storage = storage or open_storage(settings)
    return Assistant(
        index,
        embedder,
        storage.conversations,
        common_words(settings),
        settings.history_turns,
        answers=storage.answers,
    )


def recover_model(assistant: Assistant, settings: Settings) -> bool:
    """Try once to load the model for a degraded assistant; True when it is back."""
    if not assistant.degraded:
        return True
    try:
        embedder = load_embedder(settings)
    except ModelError as exc:
        log.warning("model still unavailable: %s", exc)
        return False
    if embedder.fingerprint != assistant.index.manifest.model_fingerprint:
        log.error("the model loads but the index was built with another; run `assistant build`")
        return False
    assistant.use_embedder(embedder)
    log.info("model recovered: answers use dense retrieval again")
    return True


def ensure_index_in_child(settings: Settings) -> None:
    """Export the model and build a missing or stale index in a fresh child process.

    A server that forks workers must not run the model itself first (see OnnxEmbedder), so
    the work that needs the model happens in a spawned interpreter that then exits.
    """
    import multiprocessing

    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        # Errors raised in the child (CorpusError, ModelError) come back raised here.
        pool.apply(_prepare, (settings,))


def _prepare(settings: Settings) -> None:
    embedder = load_embedder(settings, log.info)
    ensure_index(settings, embedder, log.info)


def open_storage(settings: Settings) -> Storage:
    """The stores for these settings: Redis when a URL is set, else SQLite in instance/."""
    answers = LocalAnswerCache(settings.answer_cache_entries)
    if settings.redis_url:
        from assistant.storage.redis import open_redis_storage

        return open_redis_storage(settings, answers)
    from assistant.storage import sqlite, sqlite_leads, sqlite_questions

    path = settings.database_path
    return Storage(
        "sqlite",
        sqlite.SqliteConversations(path),
        sqlite.SqliteWindowCounters(path),
        sqlite.SqliteIdempotency(path),
        answers,
        lambda: True,
        BackgroundQuestionLog(sqlite_questions.SqliteQuestionLog(path, settings.log_days)),
        sqlite_leads.SqliteLeads(path, settings.lead_days),
        sqlite_leads.SqliteRatings(path, settings.log_days),
        sqlite.SqliteAdminSessions(path),
    )


def web_app(settings: Settings | None = None, assistant: Assistant | None = None) -> Flask:
    """The web app for these settings (from the environment by default), its parts opened.

    Loads (and if needed builds) the index unless given an assistant. An assistant that
    cannot be opened is logged and the app serves anyway, saying why it is not ready.
    """
    # Imported here: the commands that do not serve never load Flask.
    from assistant.http.app import create_app

    settings = settings or settings_from_env(os.environ)
    storage = open_storage(settings)
    error = None
    if assistant is None:
        try:
            assistant = open_assistant(
                settings, progress=lambda message: log.info("%s", message), storage=storage
            )
        except AssistantError as exc:
            log.error("assistant not ready: %s", exc)
            error = str(exc)
    return create_app(settings, assistant, storage, error)
