"""The benchmark of `make bench` on replicas sharing Redis: one replica, then two behind nginx.

    python bench/scale.py [--smoke] [--duration SECONDS]

Each replica is `assistant serve` with 2 workers, ASSISTANT_REDIS_URL set and its own copy of
the built index (as a deployment ships it). The load is the same wrk script, threads and
connections as bench/run.py, first straight at one replica, then at deploy/nginx.conf in front
of two. On one 2-core machine both set-ups share the same two cores (with wrk, nginx and Redis
on them too), so two replicas cannot double the answers/s here: the figures show what the
proxy and the shared store cost, not what a second machine would add.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import ASSISTANT, RESULTS, WORK, Server, post, run, start, wrk  # noqa: E402
from deploy.local import RedisServer, running_nginx  # noqa: E402


def replica(shipped: Path, name: str, redis_url: str) -> Server:
    """A replica on its own copy of the shipped index and model."""
    instance = WORK / f"replica-{name}"
    shutil.rmtree(instance, ignore_errors=True)
    for part in ("index", "model"):
        shutil.copytree(shipped / part, instance / part)
    server = Server(instance, {"ASSISTANT_REDIS_URL": redis_url})
    server.first_answer_seconds()
    return server


def load(url: str, seconds: int, questions: Path) -> dict[str, Any]:
    """Warm up, then the distinct and repeated runs."""
    for question in questions.read_text().splitlines()[:20]:
        post(url, question)
    return {mode: wrk(url, mode, seconds, questions) for mode in ("distinct", "repeated")}


def main() -> None:
    """Run both set-ups and report."""
    options, seconds, questions = start(__doc__.split("\n\n")[0])
    shipped = WORK / "instance-ours"
    print("building the index", flush=True)
    run([*ASSISTANT, "--instance", str(shipped), "build"])

    redis = RedisServer(WORK / "redis")
    redis.start()
    results: dict[str, Any] = {"smoke": options.smoke}
    servers: list[Server] = []
    try:
        servers.append(replica(shipped, "a", redis.url))
        print(f"load: one replica for 2 x {seconds}s", flush=True)
        results["one replica"] = load(servers[0].url, seconds, questions)
        servers.append(replica(shipped, "b", redis.url))
        upstreams = [s.url.removeprefix("http://") for s in servers]
        nginx_dir = WORK / "nginx"
        shutil.rmtree(nginx_dir, ignore_errors=True)
        with running_nginx(nginx_dir, upstreams) as proxy:
            print(f"load: two replicas behind nginx for 2 x {seconds}s", flush=True)
            results["two replicas behind nginx"] = load(proxy, seconds, questions)
    finally:
        for server in servers:
            server.stop()
        redis.stop()

    (RESULTS / "scale.json").write_text(json.dumps(results, indent=2))
    header = ("set-up", "mode", "answers/s", "p50 ms", "p99 ms", "non-2xx")
    print("\n{:30} {:9} {:>10} {:>8} {:>8} {:>8}".format(*header))
    for setup in ("one replica", "two replicas behind nginx"):
        for mode, figures in results[setup].items():
            print(
                f"{setup:30} {mode:9} {figures['rps']:>10} {figures['p50_ms']:>8}"
                f" {figures['p99_ms']:>8} {figures['errors'] + figures['non_2xx']:>8}"
            )
    print("\nBoth set-ups share this machine's 2 cores (with wrk, nginx and Redis).")
    print(f"results: {RESULTS / 'scale.json'}")


if __name__ == "__main__":
    main()
