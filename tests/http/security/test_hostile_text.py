"""Finding 1: client text never meets a pattern that backtracks (job descriptions, questions)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from flask.testing import FlaskClient

from assistant.fit.requirements import split_requirements
from assistant.http.validation import MAX_JOB_DESCRIPTION_CHARS, MAX_QUESTION_CHARS

from .conftest import finishes

# Shapes that make a backtracking engine try every split: repeated separators, long runs
# without spaces, many bullets, the pieces of an e-mail address or a URL.
UNITS = ["a@", "a.", "-", ":", "(", "a", "- a\n", "a@a.", "1 ", "x or ", "http://a", "@", "\t1"]


def hostile(unit: str, length: int, prefix: str = "") -> str:
    body = prefix + unit * (length // len(unit) + 1)
    return body[:length]


JOB_DESCRIPTIONS = [
    hostile(unit, MAX_JOB_DESCRIPTION_CHARS, prefix) for unit in UNITS for prefix in ("", "- x ")
]
QUESTIONS = [hostile(unit, MAX_QUESTION_CHARS, "is he ") for unit in UNITS]


# A backtracking match holds the interpreter lock until it ends, so a thread cannot be timed
# out: the splitting runs in a process of its own, killed if it has not finished in a minute.
SPLIT = (
    "import json, sys; from assistant.fit.requirements import split_requirements; "
    "print(json.dumps(split_requirements(sys.stdin.read())))"
)


@pytest.mark.parametrize("text", JOB_DESCRIPTIONS, ids=lambda t: repr(t[:12]))
def test_hostile_job_descriptions_split_in_linear_time(text: str) -> None:
    try:
        done = subprocess.run(
            [sys.executable, "-c", SPLIT], input=text, capture_output=True, text=True, timeout=60
        )
    except subprocess.TimeoutExpired:
        pytest.fail("still splitting after 60 s")
    assert done.returncode == 0, done.stderr
    requirements = json.loads(done.stdout)
    assert all(len(r) <= 300 for r in requirements)
    assert requirements == split_requirements(text)  # the same in this process


def test_hostile_job_descriptions_are_answered(client: FlaskClient) -> None:
    for text in JOB_DESCRIPTIONS:
        response = finishes(
            lambda t=text: client.post("/api/v1/match", json={"job_description": t})
        )
        assert response.status_code in (200, 422), (text[:20], response.json)


def test_hostile_questions_are_answered(client: FlaskClient) -> None:
    for text in QUESTIONS:
        response = finishes(lambda t=text: client.post("/api/v1/chat", json={"question": t}))
        assert response.status_code == 200, (text[:20], response.json)


def test_the_deadline_is_checked_while_splitting() -> None:
    """A description that is slow to split stops at its deadline, not after the whole text."""
    checks = []
    split_requirements("Python.\n" * 500, check_time=lambda: checks.append(1))
    assert len(checks) >= 5
