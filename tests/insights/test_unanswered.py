"""The question log, `assistant report` and /admin/report."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from assistant.cli import cli
from assistant.engine import Assistant
from assistant.errors import StoreBusy
from assistant.http.state import state
from assistant.insights.unanswered import build_report
from assistant.settings import Settings, settings_from_env
from assistant.startup import web_app
from assistant.storage.background import BackgroundQuestionLog
from assistant.storage.base import LoggedQuestion, QuestionLog
from assistant.storage.sqlite_questions import SqliteQuestionLog

TOKEN = "s3cret-admin-token-for-tests-0123456789"
CHAT = "/api/v1/chat"


@pytest.fixture(params=["sqlite", "redis"])
def open_log(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[int], QuestionLog]:
    """Both backends keep and expire questions the same way."""
    if request.param == "sqlite":
        return lambda days: SqliteQuestionLog(tmp_path / "db.sqlite3", days)
    from assistant.storage.redis_link import RedisLink
    from assistant.storage.redis_questions import RedisQuestionLog

    url = request.getfixturevalue("redis_url")
    return lambda days: RedisQuestionLog(RedisLink(url), days)


def entry(question: str, asked: float, abstained: bool = True) -> LoggedQuestion:
    return LoggedQuestion(question, abstained, 0.1 if abstained else 0.8, ("about/summary",), asked)


def test_questions_are_kept_for_the_retention_period_only(
    open_log: Callable[[int], QuestionLog],
) -> None:
    log = open_log(2)
    now = time.time()
    log.record(entry("too old?", now - 3 * 86400))
    log.record(entry("yesterday?", now - 86400))
    log.record(entry("now?", now, abstained=False))
    found = log.since(0)
    assert [e.question for e in found] == ["yesterday?", "now?"]
    assert found[0] == entry("yesterday?", found[0].asked)
    assert [e.question for e in open_log(2).since(now - 3600)] == ["now?"]


def test_old_questions_are_removed_from_the_database(tmp_path: Path) -> None:
    log = SqliteQuestionLog(tmp_path / "db.sqlite3", 1)
    log.record(entry("old?", time.time() - 2 * 86400))
    log._last_sweep = 0.0
    log.record(entry("new?", time.time()))
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("SELECT question FROM questions").fetchall() == [("new?",)]


def logged(settings: Settings, app: Flask | None = None) -> list[LoggedQuestion]:
    if app is not None:
        assert state(app).storage.questions.flush()  # written by a thread of the app
    return SqliteQuestionLog(settings.database_path, settings.log_days).since(0)


def test_chat_logs_each_question_but_never_who_asked(
    built: Settings, fake_assistant: Assistant
) -> None:
    app = web_app(built, assistant=fake_assistant)
    client = app.test_client()
    client.post(
        CHAT,
        json={"question": "What is his salary expectation?", "session_id": "s-1"},
        headers={"X-Forwarded-For": "203.0.113.9"},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    client.post(CHAT, json={"question": "What is the QSR Integration Platform?"})
    client.post(CHAT, json={"question": "Odd \ud800 text\x07?"})
    questions = logged(built, app)
    assert [q.question for q in questions] == [
        "What is his salary expectation?",
        "What is the QSR Integration Platform?",
        "Odd \ufffd text ?",  # as the engine read it
    ]
    assert questions[0].abstained and not questions[1].abstained
    assert questions[1].cited_ids == ("projects/qsr-integration-platform",)
    dump = "\n".join(sqlite3.connect(built.database_path).iterdump())
    row = [line for line in dump.splitlines() if 'INSERT INTO "questions"' in line][0]
    for secret in ("198.51.100.7", "203.0.113.9", "s-1"):
        assert secret not in row


def test_logging_can_be_switched_off(built: Settings, fake_assistant: Assistant) -> None:
    quiet = dataclasses.replace(built, question_log=False)
    app = web_app(quiet, assistant=fake_assistant)
    app.test_client().post(CHAT, json={"question": "What is his salary expectation?"})
    assert logged(built, app) == []


def test_settings_for_the_log_and_the_token_are_checked() -> None:
    assert settings_from_env({"ASSISTANT_QUESTION_LOG": "off"}).question_log is False
    assert settings_from_env({"ASSISTANT_LOG_DAYS": "7"}).log_days == 7
    with pytest.raises(ValueError, match="ASSISTANT_QUESTION_LOG"):
        settings_from_env({"ASSISTANT_QUESTION_LOG": "maybe"})
    with pytest.raises(ValueError, match="at least 32 characters"):
        settings_from_env({"ASSISTANT_ADMIN_TOKEN": "short"})
    assert TOKEN not in repr(settings_from_env({"ASSISTANT_ADMIN_TOKEN": TOKEN}))


def test_without_a_model_identical_wordings_are_grouped_most_asked_first() -> None:
    now = time.time()
    entries = [
        entry("What is his GPA?", now - 5),
        entry("Does he know Rust?", now - 4),
        entry("what is his GPA", now - 3),
        entry(
            "What is the QSR Integration Platform?", now - 2, abstained=False
        ),  # answered: not listed
        entry("  WHAT IS HIS GPA?? ", now - 1),
    ]
    report = build_report(entries, None, 30)
    assert (report.logged, report.unanswered) == (5, 4)
    assert [(g.count, g.examples[0]) for g in report.groups] == [
        (3, "What is his GPA?"),
        (1, "Does he know Rust?"),
    ]


@pytest.mark.model
def test_questions_are_grouped_by_meaning(real_embedder: Any) -> None:
    now = time.time()
    asked = [
        "What is his salary expectation?",
        "How much does he want to earn?",
        "What is his salary expectation?",
        "Is he willing to relocate?",
        "Would he move to Seattle?",
        "Does he know Kubernetes?",
        "Does he know Rust?",
    ]
    report = build_report([entry(q, now) for q in asked], real_embedder, 30)
    groups = [set(g.examples) for g in report.groups]
    assert groups[0] == {"What is his salary expectation?", "How much does he want to earn?"}
    assert report.groups[0].count == 3
    assert {"Is he willing to relocate?", "Would he move to Seattle?"} in groups
    assert {"Does he know Kubernetes?"} in groups and {"Does he know Rust?"} in groups


def test_report_command_prints_the_groups(runner: CliRunner, built: Settings) -> None:
    log = SqliteQuestionLog(built.database_path, built.log_days)
    for question in ("What is his GPA?", "what is his gpa", "Does he know Rust?"):
        log.record(entry(question, time.time()))
    args = ["--corpus", str(built.corpus_dir), "--instance", str(built.instance_dir), "report"]
    env = {"ASSISTANT_MODEL_DIR": str(built.instance_dir / "no-model")}  # group by wording
    result = runner.invoke(cli, args, env=env)
    assert result.exit_code == 0, result.output
    assert "3 of 3 asked" in result.output
    assert result.output.index("2x  What is his GPA?") < result.output.index("1x  Does he know")
    as_json = runner.invoke(cli, [*args, "--json"], env=env)
    groups = json.loads(as_json.stdout)["groups"]
    assert [g["count"] for g in groups] == [2, 1]


@pytest.fixture
def admin_client(built: Settings, fake_assistant: Assistant) -> FlaskClient:
    settings = dataclasses.replace(built, admin_token=TOKEN)
    return web_app(settings, assistant=fake_assistant).test_client()


def test_the_page_does_not_exist_without_a_token(client: FlaskClient) -> None:
    response = client.get("/admin/report", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "header", [None, "", "Bearer", "Bearer wrong-token-of-enough-length", f"Basic {TOKEN}",
               f"Bearer {TOKEN}x", f"bearer {TOKEN[:-1]}"],
)  # fmt: skip
def test_a_missing_or_wrong_token_gets_the_same_401(
    admin_client: FlaskClient, header: str | None
) -> None:
    headers = {"Authorization": header} if header is not None else {}
    response = admin_client.get("/admin/report", headers=headers)
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
    body = response.get_json()
    assert body["detail"] == "a valid bearer token is required"
    assert TOKEN not in response.get_data(as_text=True)


def test_the_owner_sees_the_report_with_questions_as_text(
    admin_client: FlaskClient, built: Settings
) -> None:
    for question in ("<script>alert(1)</script> salary?", "What is his salary expectation?"):
        admin_client.post(CHAT, json={"question": question})
    admin_client.post(CHAT, json={"question": "What is the QSR Integration Platform?"})
    response = admin_client.get("/admin/report", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; salary?" in html and "<script>" not in html
    assert "What is his salary expectation?" in html
    assert "What is the QSR Integration Platform?" not in html  # answered well: not on the list
    as_json = admin_client.get(
        "/admin/report?days=1",
        headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"},
    ).get_json()
    assert as_json["unanswered"] == 2 and as_json["days"] == 1
    bad = admin_client.get("/admin/report?days=0", headers={"Authorization": f"Bearer {TOKEN}"})
    assert bad.status_code == 400 and bad.mimetype == "application/problem+json"


class SlowLog:
    """A question log that takes a while per write and can be told to fail."""

    def __init__(self) -> None:
        self.written: list[str] = []
        self.batches: list[int] = []
        self.fail = False

    def record(self, entry: LoggedQuestion) -> None:
        self.record_many([entry])

    def record_many(self, entries: Sequence[LoggedQuestion]) -> None:
        time.sleep(0.01)
        if self.fail:
            raise StoreBusy("locked")
        self.batches.append(len(entries))
        self.written += [e.question for e in entries]

    def since(self, cutoff: float) -> list[LoggedQuestion]:
        return [entry(q, 0.0) for q in self.written]

    def flush(self, timeout: float = 10.0) -> bool:
        return True


def test_the_background_log_writes_everything_in_order_and_groups_writes() -> None:
    inner = SlowLog()
    log = BackgroundQuestionLog(inner)
    started = time.perf_counter()
    for n in range(200):
        log.record(entry(f"q{n}?", time.time()))
    # Queuing does not wait for the writes (200 x 10 ms one by one).
    assert time.perf_counter() - started < 0.5
    assert log.flush()  # what a worker does as it stops
    assert inner.written == [f"q{n}?" for n in range(200)]
    assert [e.question for e in log.since(0)] == [f"q{n}?" for n in range(200)]
    assert len(inner.batches) < 20 and sum(inner.batches) == 200


def test_a_failed_background_write_is_skipped_and_later_ones_are_kept(
    caplog: pytest.LogCaptureFixture,
) -> None:
    inner = SlowLog()
    log = BackgroundQuestionLog(inner)
    inner.fail = True
    log.record(entry("lost?", time.time()))
    assert log.flush()
    inner.fail = False
    log.record(entry("kept?", time.time()))
    assert [e.question for e in log.since(0)] == ["kept?"]
    assert "questions not logged" in caplog.text


def test_sqlite_keeps_the_newest_questions_up_to_the_cap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.storage import sqlite_questions

    monkeypatch.setattr(sqlite_questions, "MAX_LOGGED_QUESTIONS", 10)
    log = SqliteQuestionLog(tmp_path / "db.sqlite3", 30)
    now = time.time()
    for n in range(25):
        log.record(entry(f"q{n}?", now))
    log.record_many([entry(f"r{n}?", now) for n in range(4)])
    kept = [e.question for e in log.since(0)]
    assert kept == [f"q{n}?" for n in range(19, 25)] + [f"r{n}?" for n in range(4)]
