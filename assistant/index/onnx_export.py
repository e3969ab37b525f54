"""Export the packaged model to ONNX for serving without torch (build time only).

The serving path then needs only onnxruntime and the model's own tokenizer: a process starts in
well under a second and stays small. The export is made once per model and kept under
instance/model/; it needs torch and transformers, so it runs at build time.

Graph: exported with eager attention so that onnxruntime's BERT optimizer can fuse each layer's
attention and GELU into single operators (fewer, larger kernels per query). The residual Add and
LayerNormalization are left apart, here and in the session (embedding.UNFUSED_OPTIMIZERS):
the fused SkipLayerNormalization's CPU kernel took ~30 us on a question's 15 tokens where Add
and LayerNormalization take ~5 together, so a question costs 1.43 ms instead of 1.71 (best of 6
interleaved passes over the benchmark's questions, one thread), with the same vectors (min
cosine to sentence-transformers 0.9927 either way).

Quantisation: dynamic int8 for every matrix multiply. The input of each feed-forward
down-projection (the GELU output) has a few channels reaching ~25 while most stay under ~1.5,
and one int8 scale per input tensor leaves the ordinary channels a handful of levels. Before
quantising, each such channel is divided by max(1, its largest value / OUTLIER_LIMIT) and the
matching weight row multiplied by as much: the same product in exact arithmetic, even ranges for
int8 (SmoothQuant's idea, Xiao et al. 2023, for the outlier channels only). The largest values
come from running the float model over fixed sentences (calibration.txt): the outlier channels
belong to the model, not to the text, so the export does not depend on the corpus.
Measured on this corpus and the evaluation questions (min cosine to sentence-transformers'
vectors / ms per query, one thread, same run): fp32 1.000 / 3.9; plain int8 0.988 / 1.5; int8
with the first two down-projections left in float (the previous recipe) 0.991 / 2.1; this recipe
0.993 / 1.5. tests/test_onnx.py checks >= 0.99.
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
from typing import Any

log = logging.getLogger(__name__)

RECIPE = "bert-fused-int8-dynamic-per-channel-smoothed-down-projections-plain-layernorm-v4"
# Down-projection input channels whose largest calibration value exceeds this are scaled down.
OUTLIER_LIMIT = 2.0
CALIBRATION_FILE = Path(__file__).with_name("calibration.txt")
ONNX_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
EXPORT_FILE = "export.json"


def export_folder(root: Path, source_sha256: str) -> Path:
    """Where the export of the model with these weights lives."""
    recipe = hashlib.sha256(RECIPE.encode() + CALIBRATION_FILE.read_bytes()).hexdigest()[:8]
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
    from onnxruntime.transformers.fusion_options import FusionOptions
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
    fusions = FusionOptions("bert")
    # Residual Add + LayerNormalization stay two plain operators (see the module docstring).
    fusions.enable_skip_layer_norm = False
    fusions.enable_bias_skip_layer_norm = False
    optimize_model(
        str(fp32),
        model_type="bert",
        num_heads=config.num_attention_heads,
        hidden_size=config.hidden_size,
        optimization_options=fusions,
    ).save_model_to_file(str(fused))
    smoothed = staging / "smoothed.onnx"
    graph = onnx.load(str(fused))
    _smooth_outlier_channels(graph, model_dir / TOKENIZER_FILE, config.num_hidden_layers)
    onnx.save(graph, str(smoothed))
    del graph
    quantize_dynamic(
        str(smoothed),
        str(staging / ONNX_FILE),
        weight_type=QuantType.QInt8,
        per_channel=True,
        # The fused operators come from onnxruntime's own domain, where ONNX shape inference
        # cannot type their outputs; they are float.
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    smoothed.unlink()
    fused.unlink()
    fp32.unlink()
    shutil.copyfile(model_dir / TOKENIZER_FILE, staging / TOKENIZER_FILE)


def _smooth_outlier_channels(graph: Any, tokenizer_file: Path, layers: int) -> None:
    """Even out the input channels of each down-projection before int8 (module docstring)."""
    import numpy as np
    import onnx
    import onnxruntime
    from onnx import helper, numpy_helper
    from tokenizers import Tokenizer

    names = {f"/model/encoder/layer.{layer}/output/dense/MatMul" for layer in range(layers)}
    projections = [node for node in graph.graph.node if node.name in names]
    if len(projections) != layers:
        raise RuntimeError(f"found {len(projections)} of {layers} down-projections to smooth")

    # The float model's largest absolute value per input channel, over the calibration text.
    probe = onnx.ModelProto()
    probe.CopyFrom(graph)
    for node in projections:
        probe.graph.output.append(
            helper.make_tensor_value_info(node.input[0], onnx.TensorProto.FLOAT, None)
        )
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(
        probe.SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    tokenizer = Tokenizer.from_file(str(tokenizer_file))
    largest: list[Any] = [0.0] * layers
    for line in CALIBRATION_FILE.read_text(encoding="utf-8").splitlines():
        ids = np.array([tokenizer.encode(line).ids], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": ids * 0}
        inputs = session.run([node.input[0] for node in projections], feed)
        for position, values in enumerate(inputs):
            channel_max = np.abs(values).reshape(-1, values.shape[-1]).max(axis=0)
            largest[position] = np.maximum(largest[position], channel_max)

    weights = {tensor.name: tensor for tensor in graph.graph.initializer}
    for position, node in enumerate(projections):
        factor = np.maximum(1.0, largest[position] / OUTLIER_LIMIT).astype(np.float32)
        weight = weights[node.input[1]]
        scaled = numpy_helper.to_array(weight) * factor[:, None]
        weight.CopyFrom(numpy_helper.from_array(scaled.astype(np.float32), weight.name))
        inverse = numpy_helper.from_array((1.0 / factor).astype(np.float32), f"{node.name}/smooth")
        graph.graph.initializer.append(inverse)
        smoothed = f"{node.name}/smoothed_input"
        scale = helper.make_node(
            "Mul", [node.input[0], inverse.name], [smoothed], f"{node.name}/Smooth"
        )
        node.input[0] = smoothed
        nodes = graph.graph.node
        nodes.insert(list(nodes).index(node), scale)
