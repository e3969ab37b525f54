"""The embedding model alone: how many benchmark questions one process encodes per second.

    python bench/model_ceiling.py INSTANCE QUESTIONS SECONDS MODE [BATCH]
    python bench/model_ceiling.py INSTANCE QUESTIONS --cosine

bench/run.py starts one per server worker at the same time. Their sum is the most distinct
answers per second the serving path could reach on this machine if everything around the model
(HTTP, retrieval, composing, logging, the load generator) cost nothing. MODE "distinct" appends
a counter as chat.lua does; "plain" sends the questions as they are.

BATCH > 1 runs that many questions per model run, padded to the longest (what a micro-batcher
in front of the model would do); --cosine prints the worst cosine between a question's vector so
batched, beside questions of other lengths, and its vector alone (the served one).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

from assistant.index.embedding import OnnxEmbedder
from assistant.settings import settings_from_env
from assistant.startup import load_embedder

COUNTER = 543_210_000  # the size of chat.lua's counters
COSINE_BATCHES = (2, 4, 8, 16)


def main() -> None:
    """Print the questions encoded per second, uncached, for SECONDS (or the worst cosine)."""
    instance, questions_path = sys.argv[1:3]
    embedder = load_embedder(settings_from_env({}, instance_dir=Path(instance)))
    if not isinstance(embedder, OnnxEmbedder):
        raise SystemExit("the ceiling is of the ONNX serving path, which this is not")
    questions = [q for q in Path(questions_path).read_text(encoding="utf-8").splitlines() if q]
    if sys.argv[3] == "--cosine":
        print(round(worst_batched_cosine(embedder, questions), 6))
        return
    seconds, mode = float(sys.argv[3]), sys.argv[4]
    batch = int(sys.argv[5]) if len(sys.argv) > 5 else 1

    def question(n: int) -> str:
        text = questions[n % len(questions)]
        return f"{text} {COUNTER + n}" if mode == "distinct" else text

    def encode(first: int) -> int:
        if batch == 1:
            # Two texts per call skip the single-question cache; each still runs alone.
            embedder.encode([question(first), question(first + 1)])
            return 2
        embedder.encode_together([question(first + n) for n in range(batch)])
        return batch

    encoded = 0
    for _ in range(50):  # warm up
        encoded += encode(encoded)
    encoded, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        encoded += encode(encoded)
    print(round(encoded / seconds, 1))


def worst_batched_cosine(embedder: OnnxEmbedder, questions: list[str]) -> float:
    """The lowest cosine between a question's vector in a padded batch and its vector alone."""
    alone = np.stack([embedder.encode([q])[0] for q in questions])
    # Short and long questions side by side: the most padding, and the widest mix.
    by_length = sorted(range(len(questions)), key=lambda i: len(questions[i]))
    mixed = [i for pair in zip(by_length, reversed(by_length), strict=True) for i in pair]
    mixed = mixed[: len(questions)]
    worst = 1.0
    for size in COSINE_BATCHES:
        for start in range(0, len(mixed), size):
            rows = mixed[start : start + size]
            together = embedder.encode_together([questions[i] for i in rows])
            worst = min(worst, float((together * alone[rows]).sum(axis=1).min()))
    return worst


if __name__ == "__main__":
    main()
