from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import CorpusError, IndexNotReadyError
from assistant.index.build import build_index, index_status, load_index
from assistant.index.corpus import load_corpus
from assistant.settings import Settings
from assistant.startup import ensure_index
from tests.support import ROOT, BrokenEmbedder, FakeEmbedder


def test_build_then_load_round_trip(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    corpus = load_corpus(settings.corpus_dir)
    manifest = build_index(corpus, fake_embedder, settings.index_root)
    index = load_index(settings.index_root)
    assert index.manifest == manifest
    assert manifest.entries == len(corpus.documents) == len(index.chunks)
    assert index.entry_vectors.shape == (manifest.entries, 384)
    assert index.passage_vectors.shape == (manifest.passages, 384)
    assert manifest.corpus_digest == corpus.digest
    assert manifest.model_fingerprint == fake_embedder.fingerprint
    # No pickle anywhere: JSON, .npy and the corpus snapshot only.
    folder = settings.index_root / "versions" / manifest.version
    assert sorted(p.name for p in folder.iterdir()) == [
        "corpus",
        "entry_vectors.npy",
        "manifest.json",
        "passage_vectors.npy",
    ]


def test_missing_index_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(IndexNotReadyError, match="run `assistant build`"):
        load_index(tmp_path / "index")


def test_status_missing_fresh_and_stale(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    root, corpus_dir = settings.index_root, settings.corpus_dir
    assert index_status(root, corpus_dir, fake_embedder.fingerprint).state == "missing"
    build_index(load_corpus(corpus_dir), fake_embedder, root)
    assert index_status(root, corpus_dir, fake_embedder.fingerprint).state == "fresh"
    assert index_status(root, corpus_dir, "another-model").state == "stale"
    path = corpus_dir / "skills.yaml"
    path.write_text(path.read_text() + "\n# edited\n")
    status = index_status(root, corpus_dir, fake_embedder.fingerprint)
    assert status.state == "stale" and "changed" in status.reason


def test_unchanged_entries_reuse_their_vectors(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    first = build_index(load_corpus(settings.corpus_dir), fake_embedder, settings.index_root)
    assert first.embedded == first.entries + first.passages and first.reused == 0
    path = settings.corpus_dir / "projects.yaml"
    path.write_text(path.read_text().replace("99% uptime", "99% uptime every day"))
    second = build_index(load_corpus(settings.corpus_dir), fake_embedder, settings.index_root)
    # The edited entry and its one edited sentence; everything else is reused.
    assert second.embedded == 2
    assert second.reused == first.embedded - 2
    rebuilt = load_index(settings.index_root)
    fresh = FakeEmbedder().encode([c.embed_text for c in rebuilt.chunks])
    assert np.allclose(rebuilt.entry_vectors, fresh, atol=1e-6)


def test_failed_build_keeps_previous_index(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    good = build_index(load_corpus(settings.corpus_dir), fake_embedder, settings.index_root)
    path = settings.corpus_dir / "about.yaml"
    path.write_text(path.read_text().replace("athlete.", "athlete and runner."))
    with pytest.raises(RuntimeError, match="model crashed"):
        build_index(load_corpus(settings.corpus_dir), BrokenEmbedder(), settings.index_root)
    assert load_index(settings.index_root).manifest.version == good.version
    assert not [p for p in (settings.index_root / "versions").iterdir() if p.name.startswith(".")]


def test_invalid_corpus_keeps_serving_last_good_index(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    good = build_index(load_corpus(settings.corpus_dir), fake_embedder, settings.index_root)
    (settings.corpus_dir / "projects.yaml").write_text("entries:\n  - id: 7\n")
    ensure_index(settings, fake_embedder)  # logs, does not raise
    index = load_index(settings.index_root)
    assert index.manifest.version == good.version
    assert any(d.uid == "projects/split-payment-system" for d in index.corpus.documents)


def test_invalid_corpus_without_any_index_is_an_error(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    (settings.corpus_dir / "projects.yaml").write_text("entries:\n  - id: 7\n")
    with pytest.raises(CorpusError):
        ensure_index(settings, fake_embedder)


def test_damaged_index_is_reported(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    manifest = build_index(load_corpus(settings.corpus_dir), fake_embedder, settings.index_root)
    folder = settings.index_root / "versions" / manifest.version
    (folder / "passage_vectors.npy").write_bytes(b"not numpy")
    with pytest.raises(IndexNotReadyError, match="damaged"):
        load_index(settings.index_root)


def test_old_versions_are_pruned(settings: Settings, fake_embedder: FakeEmbedder) -> None:
    for n in range(4):
        path = settings.corpus_dir / "skills.yaml"
        path.write_text(path.read_text() + f"\n# edit {n}\n")
        build_index(load_corpus(settings.corpus_dir), fake_embedder, settings.index_root)
        time.sleep(1.01)  # version ids have one-second resolution
    assert len(list((settings.index_root / "versions").iterdir())) == 2


SLOW_BUILD = """
import sys, time
from pathlib import Path
from assistant.index.corpus import load_corpus
from assistant.index.build import build_index
sys.path.insert(0, {root!r})
from tests.support import FakeEmbedder

class Slow(FakeEmbedder):
    def encode(self, texts):
        print("encoding", flush=True)
        time.sleep(30)
        return super().encode(texts)

build_index(load_corpus(Path({corpus!r})), Slow(), Path({index!r}))
"""


def test_killed_build_leaves_previous_index_serving(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    good = build_index(load_corpus(settings.corpus_dir), fake_embedder, settings.index_root)
    path = settings.corpus_dir / "contact.yaml"
    path.write_text(path.read_text().replace("challenges.", "challenges and problems."))
    script = SLOW_BUILD.format(
        root=str(ROOT),
        corpus=str(settings.corpus_dir),
        index=str(settings.index_root),
    )
    with subprocess.Popen(
        [sys.executable, "-c", script],
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    ) as process:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "encoding"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
    index = load_index(settings.index_root)
    assert index.manifest.version == good.version
    assert json.loads(
        (settings.index_root / "versions" / good.version / "manifest.json").read_text()
    )
    # The next build finishes normally despite the dead one's lock and leftovers.
    after = build_index(load_corpus(settings.corpus_dir), fake_embedder, settings.index_root)
    assert load_index(settings.index_root).manifest.version == after.version


def test_ensure_index_builds_a_missing_or_stale_index(
    settings: Settings, fake_embedder: FakeEmbedder
) -> None:
    messages: list[str] = []
    ensure_index(settings, fake_embedder, messages.append)
    first = load_index(settings.index_root).manifest
    assert any("index missing" in m for m in messages)
    ensure_index(settings, fake_embedder, messages.append)
    assert load_index(settings.index_root).manifest.version == first.version  # fresh: kept
    path = settings.corpus_dir / "contact.yaml"
    path.write_text(path.read_text().replace("challenges.", "challenges and problems."))
    ensure_index(settings, fake_embedder, messages.append)
    assert any("index stale" in m for m in messages)
    assert load_index(settings.index_root).manifest.corpus_digest != first.corpus_digest
