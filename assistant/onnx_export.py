"""Export the packaged model to ONNX for serving without torch (build time only).

The serving path then needs only onnxruntime and the model's own tokenizer: a process starts in
well under a second and stays small. The export is made once per model and kept under
instance/model/; it needs torch and transformers, so it runs at build time.

Graph: exported with eager attention so that onnxruntime's BERT optimizer can fuse each layer's
attention, GELU and layer norms into single operators (fewer, larger kernels per query).

Quantisation: dynamic int8 for every matrix multiply except the feed-forward down-projections
of the first two layers, whose inputs carry the activation outliers that int8 mangles most.
Measured on this corpus and the evaluation questions (min cosine to sentence-transformers'
vectors / ms per query, one thread): fp32 1.000 / 3.7; full int8 0.988 / 1.3; int8 except every
down-projection 0.994 / 2.2; this recipe 0.991 / 1.6. tests/test_onnx.py checks >= 0.99.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

RECIPE = "bert-fused-int8-dynamic-per-channel-except-ffn-down-0-1-v2"
# Layers whose feed-forward down-projection stays in float (see the module docstring).
FLOAT_DOWN_PROJECTION_LAYERS = (0, 1)
ONNX_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
EXPORT_FILE = "export.json"


def export_folder(root: Path, source_sha256: str) -> Path:
    """Where the export of the model with these weights lives."""
    recipe = hashlib.sha256(RECIPE.encode()).hexdigest()[:8]
    return root / f"minilm-{source_sha256[:16]}-{recipe}"


def export_onnx(
    model_dir: Path, folder: Path, source_sha256: str, progress: Callable[[str], None] | None = None
) -> Path:
    """Export and quantise the model into `folder` (atomically); return the folder."""
    say = progress or log.info
    say(f"exporting the embedding model to ONNX in {folder} (once per model)")
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".exporting-", dir=folder.parent))
    root_logger = logging.getLogger()
    root_level = root_logger.level
    try:
        # The tracer warns about data-dependent branches that do not apply to this model (no
        # causal mask, no negative indices); quantize_dynamic nags through the root logger.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            root_logger.setLevel(logging.ERROR)
            _export_into(model_dir, staging)
        onnx_sha256 = hashlib.sha256((staging / ONNX_FILE).read_bytes()).hexdigest()
        record = {"recipe": RECIPE, "source_sha256": source_sha256, "onnx_sha256": onnx_sha256}
        (staging / EXPORT_FILE).write_text(json.dumps(record, indent=1), encoding="utf-8")
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        root_logger.setLevel(root_level)
    say("ONNX export done")
    return folder


def _export_into(model_dir: Path, staging: Path) -> None:
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # Eager attention traces to the MatMul/Softmax pattern the BERT optimizer fuses.
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(
            self,
            input_ids: torch.Tensor,
            attention_mask: torch.Tensor,
            token_type_ids: torch.Tensor,
        ) -> torch.Tensor:
            output = self.model(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            )
            return output.last_hidden_state  # type: ignore[no-any-return]

    sample = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "batch", 1: "tokens"}
    fp32 = staging / "fp32.onnx"
    torch.onnx.export(
        Encoder(),
        (sample, sample, torch.zeros_like(sample)),
        str(fp32),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["last_hidden_state"],
        dynamic_axes={
            "input_ids": axes,
            "attention_mask": axes,
            "token_type_ids": axes,
            "last_hidden_state": axes,
        },
        opset_version=17,
        dynamo=False,
    )
    config = model.config
    fused = staging / "fused.onnx"
    optimize_model(
        str(fp32),
        model_type="bert",
        num_heads=config.num_attention_heads,
        hidden_size=config.hidden_size,
    ).save_model_to_file(str(fused))
    quantize_dynamic(
        str(fused),
        str(staging / ONNX_FILE),
        weight_type=QuantType.QInt8,
        per_channel=True,
        nodes_to_exclude=[
            f"/model/encoder/layer.{layer}/output/dense/MatMul"
            for layer in FLOAT_DOWN_PROJECTION_LAYERS
        ],
        # The fused operators come from onnxruntime's own domain, where ONNX shape inference
        # cannot type their outputs; they are float.
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    fused.unlink()
    fp32.unlink()
    shutil.copyfile(model_dir / TOKENIZER_FILE, staging / TOKENIZER_FILE)
