"""Build, save and load the search index; tell when it is missing or stale.

Layout under the index root (instance/index):
    versions/<id>/manifest.json, entry_vectors.npy, passage_vectors.npy
    versions/<id>/corpus/*.yaml   the corpus the vectors were made from
    CURRENT   the id of the version in use, replaced atomically

Each version carries its own copy of the corpus, so a server keeps answering from the last
good index while the corpus folder is being edited or is invalid.

A build writes a new version folder completely, then switches CURRENT with os.replace, so a
failed or interrupted build leaves the previous index serving. No pickle: JSON and .npy only.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from assistant.errors import AssistantError, CorpusError, IndexNotReadyError
from assistant.index.chunking import (
    CHUNKER_VERSION,
    Chunk,
    chunk_corpus,
    passage_embed_text,
    text_key,
)
from assistant.index.corpus import Corpus, corpus_digest, load_corpus
from assistant.index.embedding import Embedder, Vectors

log = logging.getLogger(__name__)

FORMAT_VERSION = 1
KEEP_VERSIONS = 2
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Manifest:
    """What an index was built from."""

    format: int
    version: str
    created: str
    corpus_digest: str
    model_fingerprint: str
    chunker_version: int
    entries: int
    passages: int
    embedded: int
    reused: int
    build_seconds: float


@dataclass(frozen=True)
class SearchIndex:
    """A loaded index: chunks with one vector per entry and one per sentence."""

    manifest: Manifest
    corpus: Corpus
    chunks: tuple[Chunk, ...]
    entry_vectors: Vectors
    passage_vectors: Vectors
    # passage_owner[i] is the chunk position of passage row i.
    passage_owner: tuple[int, ...]


@dataclass(frozen=True)
class IndexStatus:
    """Whether the index on disk matches the corpus and the model."""

    state: Literal["missing", "stale", "fresh"]
    reason: str


def index_status(root: Path, corpus_dir: Path, model_fingerprint: str) -> IndexStatus:
    """Compare the current index's manifest with the corpus and model on disk."""
    try:
        manifest = _read_manifest(_current_dir(root))
    except IndexNotReadyError as exc:
        return IndexStatus("missing", str(exc))
    if manifest.format != FORMAT_VERSION or manifest.chunker_version != CHUNKER_VERSION:
        return IndexStatus("stale", "the index was built by an older version of the assistant")
    if manifest.corpus_digest != corpus_digest(corpus_dir):
        return IndexStatus("stale", f"{corpus_dir} changed since the index was built")
    if manifest.model_fingerprint != model_fingerprint:
        return IndexStatus("stale", "the embedding model changed since the index was built")
    return IndexStatus("fresh", f"index {manifest.version} matches the corpus and model")


def build_index(
    corpus: Corpus, embedder: Embedder, root: Path, progress: Progress | None = None
) -> Manifest:
    """Embed the corpus (reusing unchanged vectors) and switch to the new index atomically."""
    say = progress or (lambda message: None)
    started = time.perf_counter()
    root.mkdir(parents=True, exist_ok=True)
    with _build_lock(root):
        chunks = chunk_corpus(corpus)
        texts = [c.embed_text for c in chunks]
        owners = [i for i, c in enumerate(chunks) for _ in c.passages]
        texts += [
            passage_embed_text(chunks[i], p) for i, c in enumerate(chunks) for p in c.passages
        ]
        known = _reusable_vectors(root, embedder.fingerprint)
        missing = sorted({t for t in texts if text_key(t) not in known})
        say(
            f"{len(chunks)} entries, {len(texts) - len(chunks)} passages; "
            f"embedding {len(missing)} new texts, reusing {len(texts) - len(missing)}"
        )
        if missing:
            for text, vector in zip(missing, embedder.encode(missing), strict=True):
                known[text_key(text)] = vector
        vectors = np.stack([known[text_key(t)] for t in texts]).astype(np.float32)
        version = time.strftime("%Y%m%d-%H%M%S") + "-" + corpus.digest[:8]
        manifest = Manifest(
            format=FORMAT_VERSION,
            version=version,
            created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            corpus_digest=corpus.digest,
            model_fingerprint=embedder.fingerprint,
            chunker_version=CHUNKER_VERSION,
            entries=len(chunks),
            passages=len(owners),
            embedded=len(missing),
            reused=len(texts) - len(missing),
            build_seconds=round(time.perf_counter() - started, 3),
        )
        _write_version(root, manifest, corpus, vectors[: len(chunks)], vectors[len(chunks) :])
        say(f"index {version} written to {root}")
        _prune(root, keep=version)
    return manifest


def load_index(root: Path) -> SearchIndex:
    """Load the current index, or raise IndexNotReadyError saying how to build one."""
    folder = _current_dir(root)
    manifest = _read_manifest(folder)
    try:
        corpus = load_corpus(folder / "corpus")
        entry_vectors = np.load(folder / "entry_vectors.npy", allow_pickle=False)
        passage_vectors = np.load(folder / "passage_vectors.npy", allow_pickle=False)
    except (OSError, ValueError, CorpusError) as exc:
        raise IndexNotReadyError(
            f"{folder}: index is damaged ({exc}); run `assistant build`"
        ) from exc
    chunks = tuple(chunk_corpus(corpus))
    owners = tuple(i for i, c in enumerate(chunks) for _ in c.passages)
    if entry_vectors.shape[0] != len(chunks) or passage_vectors.shape[0] != len(owners):
        raise IndexNotReadyError(f"{folder}: index files disagree; run `assistant build`")
    return SearchIndex(manifest, corpus, chunks, entry_vectors, passage_vectors, owners)


def current_version(root: Path) -> str | None:
    """The version CURRENT names, or None when there is none (cheap: one small read)."""
    try:
        return (root / "CURRENT").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def _current_dir(root: Path) -> Path:
    pointer = root / "CURRENT"
    try:
        version = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        raise IndexNotReadyError(f"no index in {root}; run `assistant build`") from None
    folder = root / "versions" / version
    if not version or not folder.is_dir():
        raise IndexNotReadyError(f"{pointer} names a missing index; run `assistant build`")
    return folder


def _read_manifest(folder: Path) -> Manifest:
    try:
        data: dict[str, Any] = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        return Manifest(**data)
    except (OSError, ValueError, TypeError) as exc:
        raise IndexNotReadyError(
            f"{folder}: unreadable manifest ({exc}); run `assistant build`"
        ) from exc


def _reusable_vectors(root: Path, fingerprint: str) -> dict[str, Vectors]:
    """Vectors of the current index keyed by text hash, if built with the same model."""
    try:
        index = load_index(root)
    except IndexNotReadyError:
        return {}
    if index.manifest.model_fingerprint != fingerprint:
        return {}
    known: dict[str, Vectors] = {}
    for row, chunk in enumerate(index.chunks):
        known[text_key(chunk.embed_text)] = index.entry_vectors[row]
    passage_texts = (
        passage_embed_text(chunk, passage) for chunk in index.chunks for passage in chunk.passages
    )
    for row, text in enumerate(passage_texts):
        known[text_key(text)] = index.passage_vectors[row]
    return known


def _write_version(
    root: Path, manifest: Manifest, corpus: Corpus, entries: Vectors, passages: Vectors
) -> None:
    versions = root / "versions"
    versions.mkdir(exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=versions))
    try:
        snapshot = staging / "corpus"
        snapshot.mkdir()
        for path in sorted(corpus.directory.glob("*.yaml")):
            shutil.copyfile(path, snapshot / path.name)
        if corpus_digest(snapshot) != corpus.digest:
            raise AssistantError(f"{corpus.directory} changed during the build; build again")
        np.save(staging / "entry_vectors.npy", entries, allow_pickle=False)
        np.save(staging / "passage_vectors.npy", passages, allow_pickle=False)
        # The manifest goes last: a folder without one is never loaded.
        (staging / "manifest.json").write_text(json.dumps(asdict(manifest), indent=1), "utf-8")
        for path in [*snapshot.iterdir(), *staging.iterdir()]:
            if path.is_file():
                _fsync(path)
        staging.rename(versions / manifest.version)
        pointer = root / "CURRENT.tmp"
        pointer.write_text(manifest.version + "\n", encoding="utf-8")
        _fsync(pointer)
        os.replace(pointer, root / "CURRENT")
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _prune(root: Path, keep: str) -> None:
    """Remove half-written folders and all but the newest finished versions."""
    versions = root / "versions"
    finished = sorted(p for p in versions.iterdir() if not p.name.startswith("."))
    stale = [p for p in finished if p.name != keep][: max(0, len(finished) - KEEP_VERSIONS)]
    stale += [p for p in versions.iterdir() if p.name.startswith(".building-")]
    for path in stale:
        shutil.rmtree(path, ignore_errors=True)


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


@contextmanager
def _build_lock(root: Path) -> Iterator[None]:
    """One build at a time per index root, across processes."""
    with (root / ".build.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
