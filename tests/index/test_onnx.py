from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from assistant.errors import ModelError
from assistant.index.chunking import chunk_corpus, passage_embed_text
from assistant.index.corpus import load_corpus
from assistant.index.embedding import OnnxEmbedder
from assistant.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.model


def texts_to_compare() -> list[str]:
    chunks = chunk_corpus(load_corpus(ROOT / "corpus"))
    texts = [c.embed_text for c in chunks]
    texts += [passage_embed_text(c, p) for c in chunks for p in c.passages]
    for name in ("dev.yaml", "heldout.yaml"):
        texts += [item["q"] for item in yaml.safe_load((ROOT / "eval" / name).read_text())]
    return texts


def test_serving_vectors_match_sentence_transformers(real_embedder, reference_embedder) -> None:  # type: ignore[no-untyped-def]
    texts = texts_to_compare()
    served = real_embedder.encode(texts)
    reference = reference_embedder.encode(texts)
    cosines = (served * reference).sum(axis=1)
    assert len(texts) > 150
    assert cosines.min() >= 0.99, [texts[i] for i in np.argsort(cosines)[:3]]
    # One query at a time (the serving case, through the cache) gives the same vectors.
    assert np.allclose(real_embedder.encode([texts[0]])[0], served[0], atol=1e-5)


def test_vectors_do_not_depend_on_the_texts_encoded_beside_them(real_embedder) -> None:  # type: ignore[no-untyped-def]
    """Several texts in one call give each the vector it has alone.

    The dynamic int8 model scales by the whole input of a run, so encode runs each text alone;
    padded together they would differ (cosine 0.989 at worst, bench/model_ceiling.py --cosine).
    """
    questions = [
        item["q"]
        for name in ("dev.yaml", "heldout.yaml")
        for item in yaml.safe_load((ROOT / "eval" / name).read_text())
    ]
    alone = np.stack([real_embedder.encode([q])[0] for q in questions])
    # Shortest beside longest: batches of mixed lengths, the most padding a batch could need.
    by_length = sorted(range(len(questions)), key=lambda i: len(questions[i]))
    mixed = [i for pair in zip(by_length, reversed(by_length), strict=True) for i in pair]
    mixed = mixed[: len(questions)]
    for size in (2, 5, 16):
        for start in range(0, len(mixed), size):
            rows = mixed[start : start + size]
            together = real_embedder.encode([questions[i] for i in rows])
            cosines = (together * alone[rows]).sum(axis=1)
            assert cosines.min() >= 0.9999, [questions[i] for i in rows]


def test_a_damaged_export_is_refused(
    model_settings: Settings, real_embedder, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import shutil

    exported = next(model_settings.model_export_root.glob("minilm-*"))
    copy = tmp_path / "export"
    shutil.copytree(exported, copy)
    with (copy / "model.onnx").open("r+b") as handle:
        handle.seek(4096)
        handle.write(b"\xff" * 32)
    with pytest.raises(ModelError, match="does not match its export record"):
        OnnxEmbedder(copy)


def test_serving_process_never_imports_torch(model_settings: Settings, real_assistant) -> None:  # type: ignore[no-untyped-def]
    code = (
        "import sys, json; from pathlib import Path; from assistant.settings import Settings; "
        "from assistant.startup import web_app; "
        f"app = web_app(Settings(corpus_dir=Path({str(model_settings.corpus_dir)!r}), "
        f"instance_dir=Path({str(model_settings.instance_dir)!r}))); "
        "r = app.test_client().post('/api/v1/chat', json={'question': 'Where did he study?'}); "
        "print(json.dumps([r.status_code, 'torch' in sys.modules, "
        "'sentence_transformers' in sys.modules]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert json.loads(result.stdout.strip().splitlines()[-1]) == [200, False, False]


def test_the_export_runs_fused_attention(model_settings: Settings, real_embedder) -> None:  # type: ignore[no-untyped-def]
    import onnx

    exported = next(model_settings.model_export_root.glob("minilm-*"))
    nodes = onnx.load(str(exported / "model.onnx")).graph.node
    operators = {node.op_type for node in nodes}
    # The speed of the serving path rests on these fused kernels (see onnx_export).
    assert {"QAttention", "BiasGelu", "QEmbedLayerNormalization"} <= operators
    # Every matrix multiply is int8; each layer's down-projection input is smoothed first.
    assert "MatMul" not in operators
    assert sum(node.name.endswith("/Smooth") for node in nodes) == 6


def test_the_session_keeps_layer_norms_apart_from_their_residual_add(  # type: ignore[no-untyped-def]
    model_settings: Settings, real_embedder, tmp_path: Path
) -> None:
    import onnx

    from assistant.index.embedding import open_session

    exported = next(model_settings.model_export_root.glob("minilm-*"))
    open_session(exported / "model.onnx", optimized_copy=tmp_path / "optimized.onnx")
    operators = [node.op_type for node in onnx.load(str(tmp_path / "optimized.onnx")).graph.node]
    # The fused SkipLayerNormalization kernel is the slow one (see onnx_export).
    assert "SkipLayerNormalization" not in operators
    assert operators.count("LayerNormalization") == 12
