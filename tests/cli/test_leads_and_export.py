"""`assistant leads list|delete` and `assistant export`, on the store the server writes."""

from __future__ import annotations

import json
import time
from pathlib import Path

from click.testing import CliRunner

from assistant.cli import cli
from assistant.settings import Settings
from assistant.startup import open_storage
from assistant.storage.base import Lead, LoggedQuestion, Rating, Source


def fill(settings: Settings) -> None:
    storage = open_storage(settings)
    now = time.time()
    storage.leads.add(
        Lead("aaaa1111", "Dana \u202eLee", "dana@example.com", "Acme", "Hi.\nBye.", None, now),
        ["webhook"],
    )
    storage.leads.add(Lead("bbbb2222", "Sam", "sam@example.com", "", "Hello", None, now + 1), [])
    sources = (Source(1, "Education", "/#about"),)
    storage.questions.record(
        LoggedQuestion("Where did he study?", False, 0.9, ("a",), now, "r1", "At X [1].", sources)
    )
    assert storage.questions.flush()
    storage.ratings.rate(
        Rating("r1", False, "vague", "Where did he study?", "At X [1].", sources, now)
    )


def base_args(settings: Settings) -> list[str]:
    return ["--corpus", str(settings.corpus_dir), "--instance", str(settings.instance_dir)]


def test_leads_are_listed_newest_first_and_deleted(settings: Settings, runner: CliRunner) -> None:
    fill(settings)
    listed = runner.invoke(cli, [*base_args(settings), "leads", "list"])
    assert listed.exit_code == 0, listed.output
    assert listed.stdout.index("bbbb2222") < listed.stdout.index("aaaa1111")
    assert "notification pending" in listed.stdout
    # A bidi override in a name is shown as an escape, not obeyed by the terminal.
    assert "\\u202e" in listed.stdout and "\u202e" not in listed.stdout
    deleted = runner.invoke(cli, [*base_args(settings), "leads", "delete", "aaaa1111"])
    assert deleted.exit_code == 0 and "deleted lead aaaa1111" in deleted.output
    again = runner.invoke(cli, [*base_args(settings), "leads", "delete", "aaaa1111"])
    assert again.exit_code == 1 and "no lead has the id" in again.output
    as_json = runner.invoke(cli, [*base_args(settings), "leads", "list", "--json"])
    assert [x["id"] for x in json.loads(as_json.stdout)["leads"]] == ["bbbb2222"]


def test_export_writes_everything_kept(
    settings: Settings, runner: CliRunner, tmp_path: Path
) -> None:
    fill(settings)
    target = tmp_path / "export.json"
    result = runner.invoke(cli, [*base_args(settings), "export", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "2 leads, 1 feedback, 1 questions" in result.output
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["retention_days"] == {"leads": 180, "feedback": 30, "questions": 30}
    assert [x["id"] for x in data["leads"]] == ["bbbb2222", "aaaa1111"]
    assert data["leads"][1]["notifications_pending"] == ["webhook"]
    assert data["feedback"][0] | {"created": None} == {
        "request_id": "r1",
        "helpful": False,
        "question": "Where did he study?",
        "answer": "At X [1].",
        "comment": "vague",
        "created": None,
        "sources": [{"n": 1, "title": "Education", "url": "/#about"}],
    }
    assert [q["question"] for q in data["questions"]] == ["Where did he study?"]
    assert data["questions"][0]["answer"] == "At X [1]."
