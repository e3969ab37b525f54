"""The embedding model alone: how many benchmark questions one process encodes per second.

    python bench/model_ceiling.py INSTANCE QUESTIONS SECONDS MODE

bench/run.py starts one per server worker at the same time. Their sum is the most distinct
answers per second the serving path could reach on this machine if everything around the model
(HTTP, retrieval, composing, logging, the load generator) cost nothing. MODE "distinct" appends
a counter as chat.lua does; "plain" sends the questions as they are.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from assistant.index.embedding import OnnxEmbedder
from assistant.settings import settings_from_env
from assistant.startup import load_embedder


def main() -> None:
    """Print the questions encoded per second, uncached, for SECONDS."""
    instance, questions_path, seconds, mode = sys.argv[1:5]
    embedder = load_embedder(settings_from_env({}, instance_dir=Path(instance)))
    if not isinstance(embedder, OnnxEmbedder):
        raise SystemExit("the ceiling is of the ONNX serving path, which this is not")
    questions = [q for q in Path(questions_path).read_text(encoding="utf-8").splitlines() if q]
    counter = 543_210_000  # the size of chat.lua's counters

    def question(n: int) -> str:
        text = questions[n % len(questions)]
        return f"{text} {counter + n}" if mode == "distinct" else text

    for n in range(50):  # warm up
        embedder.encode([question(n), question(n + 1)])
    encoded, deadline = 0, time.perf_counter() + float(seconds)
    while time.perf_counter() < deadline:
        # Two texts per call skip the single-question cache; each still runs alone.
        embedder.encode([question(encoded), question(encoded + 1)])
        encoded += 2
    print(round(encoded / float(seconds), 1))


if __name__ == "__main__":
    main()
