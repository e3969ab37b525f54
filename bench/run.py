"""Benchmark the serving path against the straightforward reference, side by side.

    python bench/run.py [--smoke] [--duration SECONDS]

Ours: `assistant serve` with the ONNX embedder and the answer cache (the default settings).
Reference: the same answer code with sentence-transformers on torch, one encode per request,
no answer cache. Both run 2 server workers on this machine and are driven in turn by wrk
(2 threads, 8 connections) with questions from the evaluation set: "distinct" appends a counter
so that every request is new; "repeated" sends the same questions again. For scale, it runs the
embedding model alone in one process per worker (bench/model_ceiling.py): the most distinct
answers per second this machine could give if nothing else cost anything; and with several
questions per model run, as a micro-batcher would run them, beside the worst cosine of a vector
so made to the one served. It also measures cold
start (process start to first answer, index built), memory (unique set size per worker;
proportional set size of the whole server) and `assistant build` times, and the slowest
answer to a set of hostile 20,000-character job descriptions (shapes that make a backtracking
pattern try every split), then prints one table and writes bench/results/results.json and
bench/results/latency.png.

Timings on shared machines are noisy: compare the ratio to the reference measured in the same
run, not absolute numbers across runs. No test asserts a timing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.local import free_port  # noqa: E402

WORK = ROOT / "bench" / "work"
RESULTS = ROOT / "bench" / "results"
ASSISTANT = [sys.executable, "-m", "assistant.cli"]
WORKERS = 2
TARGETS = {
    "distinct_rps": 800,
    "distinct_p99_ms": 20,
    "ratio": 4,
    "repeated_rps": 3000,
    "cold_start_s": 1.5,
    "worker_uss_mb": 250,
    "server_mb": 600,
    "build_s": 3,
    "hostile_s": 0.5,
}
# Job descriptions of the largest allowed size built from one repeated unit each: e-mail and
# URL pieces, separators, long runs without spaces, many bullets.
# Questions per model run for the batched model-alone rows.
BATCHES = (4, 16)
HOSTILE_UNITS = ("a@", "a.", "-", ":", "(", "a", "- a\n", "a@a.", "x or ", "http://a")
HOSTILE_CHARS = 20_000


def run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run a command in the repository, failing loudly."""
    return subprocess.run(
        args,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        timeout=900,
    )


def questions_file() -> Path:
    """The evaluation questions, one per line, for wrk."""
    import yaml

    lines = []
    for name in ("dev.yaml", "heldout.yaml"):
        for item in yaml.safe_load((ROOT / "eval" / name).read_text(encoding="utf-8")):
            lines.append(" ".join(item["q"].split()).replace('"', "'"))
    path = WORK / "questions.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def hostile_seconds(url: str) -> dict[str, float]:
    """Seconds to answer each hostile job description (POST /api/v1/match), by its unit."""
    seconds = {}
    for unit in HOSTILE_UNITS:
        for prefix in ("", "- x "):
            text = (prefix + unit * (HOSTILE_CHARS // len(unit)))[:HOSTILE_CHARS]
            request = urllib.request.Request(
                url + "/api/v1/match",
                data=json.dumps({"job_description": text}).encode(),
                headers={"Content-Type": "application/json"},
            )
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    response.read()
            except urllib.error.HTTPError as error:  # 422: no requirement found in it
                error.read()
                error.close()
            seconds[repr(prefix + unit)] = round(time.perf_counter() - started, 4)
    return seconds


def post(url: str, question: str) -> int:
    """Ask one question; return the status."""
    request = urllib.request.Request(
        url + "/api/v1/chat",
        data=json.dumps({"question": question}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(response.status)


class Server:
    """One `assistant serve` process on a free port."""

    def __init__(self, instance: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = (WORK / f"server-{self.port}.log").open("w")
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            [
                *ASSISTANT,
                "--instance",
                str(instance),
                "serve",
                "--port",
                str(self.port),
                "--workers",
                str(WORKERS),
            ],
            stdout=self.log,
            stderr=self.log,
            cwd=ROOT,
            # wrk is one client sending thousands of questions: no rate limits here.
            env={
                **os.environ,
                "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0",
                "ASSISTANT_RATE_LIMIT_PER_DAY": "0",
                **env,
            },
        )

    def first_answer_seconds(self, timeout: float = 300) -> float:
        """Seconds from process start to the first answered question."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if post(self.url, "Where did he study?") == 200:
                    return time.perf_counter() - self.started
            except OSError:
                time.sleep(0.01)
        raise RuntimeError(f"server on {self.url} did not answer; see {self.log.name}")

    def memory(self) -> dict[str, float]:
        """Largest worker USS and the whole server's PSS, in MB."""
        children = run(["pgrep", "-P", str(self.process.pid)]).stdout.split()

        def rollup(pid: str) -> dict[str, int]:
            fields = {}
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
                name, value = line.split(":")[0], line.split()[1]
                fields[name] = int(value)
            return fields

        workers = [rollup(pid) for pid in children]
        master = rollup(str(self.process.pid))
        uss = [(w["Private_Clean"] + w["Private_Dirty"]) / 1024 for w in workers]
        total_pss = (master["Pss"] + sum(w["Pss"] for w in workers)) / 1024
        return {"worker_uss_mb": round(max(uss), 1), "server_pss_mb": round(total_pss, 1)}

    def stop(self) -> None:
        """SIGTERM, then wait."""
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def wrk(url: str, mode: str, seconds: int, questions: Path, connections: int = 8) -> dict[str, Any]:
    """One wrk run; its figures from the Lua script's summary line."""
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
    command += ["-s", str(ROOT / "bench" / "chat.lua"), url]
    load = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "QUESTIONS": str(questions), "MODE": mode},
    )
    time.sleep(min(1.0, seconds / 2))
    spread = connections_per_process(int(url.rsplit(":", 1)[1]))
    stdout, _ = load.communicate(timeout=seconds + 60)
    if load.returncode:
        raise RuntimeError(f"wrk failed ({load.returncode}): {stdout[-2000:]}")
    line = next(x for x in stdout.splitlines() if x.startswith("BENCH_JSON "))
    data: dict[str, Any] = json.loads(line.removeprefix("BENCH_JSON "))
    data["rps"] = round(data["requests"] / (data["duration_us"] / 1e6), 1)
    data["p50_ms"] = round(data["p50"] / 1000, 2)
    data["p99_ms"] = round(data["p99"] / 1000, 2)
    data["connections_per_process"] = spread
    return data


def connections_per_process(port: int) -> list[int]:
    """How wrk's connections to `port` are spread over the server's processes, most first.

    Each connection stays with the worker that accepted it, and the kernel spreads 8 of them
    unevenly at times (5/3, 6/2...): a worker left with fewer has idle time, which explains
    most of the spread between runs.
    """
    try:
        listing = run(["ss", "-tnpH", "state", "established", f"( sport = :{port} )"]).stdout
    except (OSError, subprocess.CalledProcessError):
        return []
    counts = Counter(re.findall(r"pid=(\d+)", listing))
    return sorted(counts.values(), reverse=True)


def build_times(instance: Path) -> dict[str, Any]:
    """Warm `assistant build` (model exported, vectors cached) and a one-entry edit."""
    started = time.perf_counter()
    run([*ASSISTANT, "--instance", str(instance), "build", "--force"])
    warm = time.perf_counter() - started
    corpus = WORK / "corpus-edited"
    shutil.rmtree(corpus, ignore_errors=True)
    shutil.copytree(ROOT / "corpus", corpus)
    projects = corpus / "projects.yaml"
    projects.write_text(projects.read_text().replace("at 99% uptime.", "at 99% uptime, every day."))
    started = time.perf_counter()
    edited = json.loads(
        run(
            [*ASSISTANT, "--corpus", str(corpus), "--instance", str(instance), "build", "--json"]
        ).stdout
    )
    edit = time.perf_counter() - started
    run([*ASSISTANT, "--instance", str(instance), "build"])  # back to the real corpus
    return {
        "warm_build_s": round(warm, 2),
        "one_entry_edit_build_s": round(edit, 2),
        "one_entry_edit_embedded": edited["embedded"],
        "one_entry_edit_reused": edited["reused"],
    }


def model_ceiling(
    instance: Path, questions: Path, seconds: int, mode: str, batch: int = 1
) -> float:
    """Questions/s of the embedding model alone, one process per server worker at once.

    `batch` questions per model run (padded to the longest), as a micro-batcher would run them.
    """
    script = [sys.executable, str(ROOT / "bench" / "model_ceiling.py")]
    arguments = [str(instance), str(questions), str(seconds), mode, str(batch)]
    processes = [
        subprocess.Popen([*script, *arguments], stdout=subprocess.PIPE, text=True, cwd=ROOT)
        for _ in range(WORKERS)
    ]
    rates = [float(process.communicate(timeout=seconds + 120)[0]) for process in processes]
    if any(process.returncode for process in processes):
        raise RuntimeError("bench/model_ceiling.py failed")
    return round(sum(rates), 1)


def plot(results: dict[str, Any], path: Path) -> None:
    """Latency by percentile for every load run, as a PNG."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install '.[bench]'); no plot", file=sys.stderr)
        return
    figure, axis = plt.subplots(figsize=(8, 4.5))
    percent = [p - 0.5 for p in range(1, 101)]
    for label, run_result in results["load"].items():
        axis.plot(percent, [us / 1000 for us in run_result["cdf_us"]], label=label)
    axis.set_yscale("log")
    axis.set_xlabel("percentile")
    axis.set_ylabel("latency (ms, log scale)")
    axis.set_title("POST /api/v1/chat latency, 2 workers, wrk -t2 -c8")
    axis.grid(True, which="both", alpha=0.3)
    axis.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)


def start(description: str) -> tuple[argparse.Namespace, int, Path]:
    """Read the options every benchmark takes and prepare its folders and questions.

    Returns the options, the seconds per load run and the questions file.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--smoke", action="store_true", help="short runs, to check it works")
    parser.add_argument("--duration", type=int, default=15, help="seconds per load run")
    options = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    return options, 2 if options.smoke else options.duration, questions_file()


def main() -> None:
    """Run everything and report."""
    options, seconds, questions = start(__doc__.split("\n\n")[0])
    ours_dir, reference_dir = WORK / "instance-ours", WORK / "instance-reference"
    reference_env = {"ASSISTANT_EMBEDDER": "torch", "ASSISTANT_ANSWER_CACHE": "0"}

    print("building both indexes (the first run also exports the model to ONNX)", flush=True)
    run([*ASSISTANT, "--instance", str(ours_dir), "build"])
    run([*ASSISTANT, "--instance", str(reference_dir), "build"], env=reference_env)
    results: dict[str, Any] = {"build": build_times(ours_dir), "load": {}}

    colds = []
    for _ in range(1 if options.smoke else 3):
        server = Server(ours_dir, {})
        colds.append(server.first_answer_seconds())
        server.stop()
    results["cold_start_s"] = round(statistics.median(colds), 3)
    print("the embedding model alone, for comparison", flush=True)
    results["model_ceiling"] = {
        mode: model_ceiling(ours_dir, questions, seconds, mode) for mode in ("distinct", "plain")
    }
    # What batching questions per model run would give, and what it would do to the vectors.
    results["model_batched"] = {
        str(batch): model_ceiling(ours_dir, questions, seconds, "distinct", batch)
        for batch in BATCHES
    }
    results["batched_worst_cosine"] = float(
        run(
            [sys.executable, "bench/model_ceiling.py", str(ours_dir), str(questions), "--cosine"]
        ).stdout.strip()
    )

    for instance in (ours_dir, reference_dir):
        # Every run starts from an empty database: what earlier runs left (a day of them had
        # piled up 777,608 conversation turns and a 123 MB write-ahead log) slowed each write.
        for path in instance.glob("assistant.sqlite3*"):
            path.unlink()
    ours, reference = Server(ours_dir, {}), Server(reference_dir, reference_env)
    try:
        results["reference_cold_start_s"] = round(reference.first_answer_seconds(), 3)
        ours.first_answer_seconds()
        for server in (ours, reference):
            for question in questions.read_text().splitlines()[:20]:
                post(server.url, question)
        for label, server, mode in (
            ("ours distinct", ours, "distinct"),
            ("reference distinct", reference, "distinct"),
            ("ours repeated", ours, "repeated"),
            ("reference repeated", reference, "repeated"),
        ):
            print(f"load: {label} for {seconds}s", flush=True)
            results["load"][label] = wrk(server.url, mode, seconds, questions)
        # One client asking one distinct question after another: no load, no neighbours.
        for label, server in (("ours lone", ours), ("reference lone", reference)):
            print(f"load: {label} (1 connection) for {seconds}s", flush=True)
            results["load"][label] = wrk(server.url, "distinct", seconds, questions, connections=1)
        results["memory"] = {"ours": ours.memory(), "reference": reference.memory()}
        print("hostile job descriptions", flush=True)
        results["hostile"] = {
            "ours": hostile_seconds(ours.url),
            "reference": hostile_seconds(reference.url),
        }
    finally:
        ours.stop()
        reference.stop()

    load = results["load"]
    results["ratio_distinct"] = round(
        load["ours distinct"]["rps"] / max(load["reference distinct"]["rps"], 0.1), 2
    )
    results["smoke"] = options.smoke
    (RESULTS / "results.json").write_text(json.dumps(results, indent=2))
    plot(results, RESULTS / "latency.png")
    report(results)


def spread(run_result: dict[str, Any]) -> str:
    """A load run's connections per server process, as "5/3"."""
    return "/".join(str(n) for n in run_result.get("connections_per_process", [])) or "?"


def report(results: dict[str, Any]) -> None:
    """Print the table."""
    load, memory, build = results["load"], results["memory"], results["build"]
    rows = [
        (
            "distinct questions, answers/s",
            load["ours distinct"]["rps"],
            load["reference distinct"]["rps"],
            f">= {TARGETS['distinct_rps']}",
        ),
        (
            "distinct questions, p50 ms",
            load["ours distinct"]["p50_ms"],
            load["reference distinct"]["p50_ms"],
            "",
        ),
        (
            "distinct questions, p99 ms",
            load["ours distinct"]["p99_ms"],
            load["reference distinct"]["p99_ms"],
            f"<= {TARGETS['distinct_p99_ms']}",
        ),
        (
            "model alone, no server, questions/s",
            results["model_ceiling"]["distinct"],
            "",
            f"ceiling; {results['model_ceiling']['plain']} without counters",
        ),
        *(
            (
                f"model alone, {batch} per run, questions/s",
                rate,
                "",
                f"vectors not served so (worst cosine {results['batched_worst_cosine']})",
            )
            for batch, rate in results["model_batched"].items()
        ),
        ("ratio to reference (distinct)", results["ratio_distinct"], 1.0, f">= {TARGETS['ratio']}"),
        (
            "repeated question, answers/s",
            load["ours repeated"]["rps"],
            load["reference repeated"]["rps"],
            f">= {TARGETS['repeated_rps']}",
        ),
        (
            "repeated question, p99 ms",
            load["ours repeated"]["p99_ms"],
            load["reference repeated"]["p99_ms"],
            "",
        ),
        (
            "lone question (1 connection), p50 ms",
            load["ours lone"]["p50_ms"],
            load["reference lone"]["p50_ms"],
            "",
        ),
        (
            "lone question (1 connection), p99 ms",
            load["ours lone"]["p99_ms"],
            load["reference lone"]["p99_ms"],
            "",
        ),
        (
            "connections per worker (distinct)",
            spread(load["ours distinct"]),
            spread(load["reference distinct"]),
            "8 from wrk",
        ),
        (
            "cold start to first answer, s",
            results["cold_start_s"],
            results["reference_cold_start_s"],
            f"<= {TARGETS['cold_start_s']}",
        ),
        (
            "memory per worker (USS), MB",
            memory["ours"]["worker_uss_mb"],
            memory["reference"]["worker_uss_mb"],
            f"<= {TARGETS['worker_uss_mb']}",
        ),
        (
            "whole server (PSS), MB",
            memory["ours"]["server_pss_mb"],
            memory["reference"]["server_pss_mb"],
            f"<= {TARGETS['server_mb']}",
        ),
        (
            "hostile job description, slowest s",
            max(results["hostile"]["ours"].values()),
            max(results["hostile"]["reference"].values()),
            f"<= {TARGETS['hostile_s']} ({len(results['hostile']['ours'])} shapes, 20,000 chars)",
        ),
        ("assistant build, warm, s", build["warm_build_s"], "", f"<= {TARGETS['build_s']}"),
        (
            "build after editing one entry, s",
            build["one_entry_edit_build_s"],
            "",
            f"re-embedded {build['one_entry_edit_embedded']} texts",
        ),
    ]
    print(f"\n{'figure':<36}{'ours':>12}{'reference':>12}  target")
    for name, ours, reference, target in rows:
        print(f"{name:<36}{ours!s:>12}{reference!s:>12}  {target}")
    errors = sum(r["errors"] for r in load.values())
    print(f"\nerrors or non-2xx responses during load: {errors}")
    print(f"results: {RESULTS / 'results.json'}, plot: {RESULTS / 'latency.png'}")


if __name__ == "__main__":
    main()
