"""Soak test: a steady, moderate load on the real server, watching for slow leaks.

    python bench/soak.py [--minutes 10] [--rate 40]

Starts `assistant serve` (2 workers, rate limits off), sends `--rate` questions a second from
4 client threads for `--minutes` (a mix of new questions, repeated ones, follow-ups in sessions
and idempotent retries), and samples every 15 s: resident and unique memory of every server
process, their open files, and the SQLite database size. It fails (exit 1) on any error
response or when a figure grows past its stated bound between the first and the last minute,
and writes bench/results/soak.json.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import RESULTS, WORK, Server, questions_file  # noqa: E402

# Growth allowed from the first minute's samples to the last minute's.
BOUNDS = {"rss_mb": 50.0, "open_files": 10, "database_mb": 64.0}


def request(base: str, body: dict[str, Any], key: str | None = None) -> int:
    """POST one question; the status."""
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Idempotency-Key"] = key
    data = json.dumps(body).encode()
    try:
        with urllib.request.urlopen(
            urllib.request.Request(base + "/api/v1/chat", data=data, headers=headers),
            timeout=30,
        ) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        with error:
            return int(error.code)
    except OSError:
        return 0


def sample(server: Server, instance: Path) -> dict[str, float]:
    """Memory, open files and database size of the running server."""
    pids = [str(server.process.pid), *os.popen(f"pgrep -P {server.process.pid}").read().split()]
    rss = uss = 0.0
    files = 0
    for pid in pids:
        fields = {}
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
            fields[line.split(":")[0]] = int(line.split()[1])
        rss += fields["Rss"] / 1024
        uss += (fields["Private_Clean"] + fields["Private_Dirty"]) / 1024
        files += len(os.listdir(f"/proc/{pid}/fd"))
    database = sum(p.stat().st_size for p in instance.glob("assistant.sqlite3*")) / 2**20
    return {
        "t": time.time(),
        "rss_mb": round(rss, 1),
        "uss_mb": round(uss, 1),
        "open_files": files,
        "database_mb": round(database, 2),
    }


def main() -> None:
    """Run the soak and judge it."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=40.0, help="questions per second")
    options = parser.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    questions = questions_file().read_text().splitlines()
    instance = WORK / "instance-soak"
    server = Server(instance, {})
    server.first_answer_seconds()
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    stop = time.monotonic() + options.minutes * 60
    counter = itertools.count()
    # Keys and sessions unique to this run: an earlier run's idempotency records live 24 h,
    # and reusing a key with another question is (rightly) refused with 422.
    run_id = f"{int(time.time())}"

    def client(seed: int) -> None:
        rng = random.Random(seed)
        interval = 4 / options.rate
        while time.monotonic() < stop:
            n = next(counter)
            kind = n % 4
            question = rng.choice(questions)
            if kind == 0:  # a new question every time
                codes = [request(server.url, {"question": f"{question} {n}"})]
            elif kind == 1:  # a repeated question
                codes = [request(server.url, {"question": question})]
            elif kind == 2:  # a conversation with a follow-up
                session = {"session_id": f"soak-{run_id}-{n}"}
                codes = [
                    request(server.url, {"question": question, **session}),
                    request(server.url, {"question": "What was its impact?", **session}),
                ]
            else:  # a retried request
                key = f"soak-{run_id}-key-{n}"
                codes = [request(server.url, {"question": question}, key) for _ in range(2)]
            with lock:
                for code in codes:
                    statuses[code] = statuses.get(code, 0) + 1
            time.sleep(interval)

    threads = [threading.Thread(target=client, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    samples = []
    while time.monotonic() < stop:
        samples.append(sample(server, instance))
        time.sleep(15)
    for thread in threads:
        thread.join()
    samples.append(sample(server, instance))
    server.stop()

    minute = max(1, len(samples) // max(1, int(options.minutes)))
    first, last = samples[:minute], samples[-minute:]
    growth = {
        name: round(max(s[name] for s in last) - max(s[name] for s in first), 2) for name in BOUNDS
    }
    errors = sum(count for code, count in statuses.items() if code != 200)
    verdict = errors == 0 and all(growth[n] <= bound for n, bound in BOUNDS.items())
    result = {
        "minutes": options.minutes,
        "rate": options.rate,
        "statuses": statuses,
        "growth": growth,
        "bounds": BOUNDS,
        "samples": samples,
        "passed": verdict,
    }
    (RESULTS / "soak.json").write_text(json.dumps(result, indent=2))
    total = sum(statuses.values())
    print(f"{total} requests in {options.minutes} min, statuses {statuses}")
    for name, bound in BOUNDS.items():
        print(
            f"{name}: first minute {max(s[name] for s in first)}, last minute "
            f"{max(s[name] for s in last)}, growth {growth[name]} (bound {bound})"
        )
    print("PASSED" if verdict else "FAILED")
    sys.exit(0 if verdict else 1)


if __name__ == "__main__":
    main()
