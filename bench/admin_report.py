"""How long /admin/report takes with 2,000 logged unanswered questions and the real model.

    python bench/admin_report.py    (after `make bench` built bench/work)

Copies the benchmark's index and exported model into a temporary instance, logs 2,000
distinct unanswered questions, then loads the report four times (JSON), printing each load's
time and whether it was grouped by meaning.
"""

from __future__ import annotations

import random
import shutil
import string
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.http.state import state  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from assistant.startup import web_app  # noqa: E402
from assistant.storage.base import LoggedQuestion  # noqa: E402

TOKEN = "benchmark-admin-token-of-forty-characters"
TOPICS = ("salary", "visa", "kubernetes", "gpa", "hobbies", "relocation", "notice period")


def main() -> None:
    """Fill the log, load the report, print."""
    source = ROOT / "bench/work/instance-ours"
    instance = Path(tempfile.mkdtemp()) / "instance"
    for part in ("index", "model"):
        shutil.copytree(source / part, instance / part)
    settings = Settings(
        corpus_dir=ROOT / "corpus",
        instance_dir=instance,
        admin_token=TOKEN,
        rate_limit_per_minute=0,
    )
    app = web_app(settings)
    rng = random.Random(3)
    now = time.time()
    log = state(app).storage.questions
    log.record_many(
        [
            LoggedQuestion(
                f"what about his {rng.choice(TOPICS)} "
                f"{''.join(rng.choice(string.ascii_lowercase) for _ in range(5))}?",
                True,
                0.1,
                (),
                now - n,
            )
            for n in range(2000)
        ]
    )
    log.flush()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"}
    for load in range(1, 5):
        started = time.perf_counter()
        report = client.get("/admin/report", headers=headers).get_json()
        print(
            f"load {load}: {time.perf_counter() - started:.3f} s, "
            f"grouped by meaning: {report['grouped_by_meaning']}, groups: {len(report['groups'])}"
        )
        time.sleep(3 if load == 1 else 0)
    shutil.rmtree(instance.parent)


if __name__ == "__main__":
    main()
