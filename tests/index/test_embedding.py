from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import ModelError
from assistant.index.embedding import (
    WEIGHTS_FILE,
    WEIGHTS_SHA256,
    SentenceTransformerEmbedder,
    packaged_model_dir,
    verify_model_dir,
)


def test_packaged_weights_have_the_pinned_sha256() -> None:
    weights = packaged_model_dir() / WEIGHTS_FILE
    assert hashlib.sha256(weights.read_bytes()).hexdigest() == WEIGHTS_SHA256
    assert verify_model_dir(packaged_model_dir()) == WEIGHTS_SHA256


def test_corrupted_weights_are_refused(tmp_path: Path) -> None:
    copy = tmp_path / "model"
    shutil.copytree(packaged_model_dir(), copy)
    with (copy / WEIGHTS_FILE).open("r+b") as handle:
        handle.seek(1000)
        handle.write(b"\x00" * 16)
    with pytest.raises(ModelError, match="damaged"):
        SentenceTransformerEmbedder(copy)


def test_missing_model_folder_is_refused_quickly(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="model weights not found"):
        SentenceTransformerEmbedder(tmp_path / "nowhere")


@pytest.mark.model
def test_real_vectors_are_normalised_and_meaningful(reference_embedder) -> None:  # type: ignore[no-untyped-def]
    vectors = reference_embedder.encode(
        [
            "Where did he study?",
            "He earned an MS in Computer Science from the University of Texas at Dallas.",
            "The weather is sunny today.",
        ]
    )
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    # Single texts (queries) come from the cache and equal the batch result.
    assert np.allclose(reference_embedder.encode(["Where did he study?"])[0], vectors[0], atol=1e-5)
