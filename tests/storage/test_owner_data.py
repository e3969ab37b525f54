"""Leads with their outbox, ratings, and answers found by request id: on SQLite and on Redis."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from assistant.errors import StoreBusy
from assistant.storage.base import Lead, Leads, LoggedQuestion, Rating, Ratings, Source

Opener = Callable[[str, int], Any]


@pytest.fixture(params=["sqlite", "redis"])
def opener(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    """Opens a store of one kind ("leads", "ratings", "questions") with a retention in days."""
    if request.param == "sqlite":
        from assistant.storage import sqlite_leads, sqlite_questions
        from assistant.storage.sqlite import SqliteAdminSessions

        classes: dict[str, Any] = {
            "leads": sqlite_leads.SqliteLeads,
            "ratings": sqlite_leads.SqliteRatings,
            "questions": sqlite_questions.SqliteQuestionLog,
            "sessions": lambda path, _: SqliteAdminSessions(path),
        }
        return lambda kind, days: classes[kind](tmp_path / "db.sqlite3", days)
    from assistant.storage import redis_leads, redis_questions
    from assistant.storage.redis_link import RedisLink

    url = request.getfixturevalue("redis_url")
    from assistant.storage.redis import RedisAdminSessions

    classes = {
        "leads": redis_leads.RedisLeads,
        "ratings": redis_leads.RedisRatings,
        "questions": redis_questions.RedisQuestionLog,
        "sessions": lambda link, _: RedisAdminSessions(link),
    }
    return lambda kind, days: classes[kind](RedisLink(url), days)


def a_lead(n: int = 1, created: float | None = None) -> Lead:
    return Lead(
        f"lead{n:04d}",
        f"Dana Recruiter {n}",
        f"dana{n}@example.com",
        "Acme, Inc.",
        f"Hello, message {n}.\nSecond line.",
        "session-1",
        time.time() if created is None else created,
    )


def test_a_lead_is_kept_with_its_deliveries_pending(opener: Opener) -> None:
    leads: Leads = opener("leads", 180)
    leads.add(a_lead(), ["webhook", "email"])
    kept = leads.get("lead0001")
    assert kept is not None
    assert (kept.name, kept.email, kept.message) == (
        "Dana Recruiter 1",
        "dana1@example.com",
        "Hello, message 1.\nSecond line.",
    )
    assert kept.pending == ("email", "webhook") and kept.failed == ()
    assert [x.id for x in leads.newest(10)] == ["lead0001"]


def test_deliveries_are_claimed_once_per_lease(opener: Opener) -> None:
    leads: Leads = opener("leads", 180)
    now = time.time()
    leads.add(a_lead(created=now), ["webhook"])
    first = leads.due(now + 1, lease_seconds=60, limit=10)
    assert [(d.lead.id, d.channel, d.attempts) for d in first] == [("lead0001", "webhook", 0)]
    # Another sender looking during the lease finds nothing; after it, the delivery again.
    assert leads.due(now + 30, 60, 10) == []
    assert [d.lead.id for d in leads.due(now + 62, 60, 10)] == ["lead0001"]


def test_a_failed_delivery_is_retried_then_given_up(opener: Opener) -> None:
    leads: Leads = opener("leads", 180)
    now = time.time()
    leads.add(a_lead(created=now), ["webhook", "email"])
    leads.due(now, 60, 10)
    leads.retry("lead0001", "webhook", now + 100, "webhook answered HTTP 500")
    leads.delivered("lead0001", "email")
    assert leads.due(now + 99, 0, 10) == []
    again = leads.due(now + 100, 60, 10)
    assert [(d.channel, d.attempts) for d in again] == [("webhook", 1)]
    leads.give_up("lead0001", "webhook", "webhook answered HTTP 500")
    kept = leads.get("lead0001")
    assert kept is not None and kept.pending == () and kept.failed == ("webhook",)
    assert leads.due(now + 10_000, 60, 10) == []


def test_a_deleted_lead_leaves_nothing_to_send(opener: Opener) -> None:
    leads: Leads = opener("leads", 180)
    leads.add(a_lead(), ["webhook"])
    assert leads.delete("lead0001") is True
    assert leads.delete("lead0001") is False
    assert leads.get("lead0001") is None and leads.newest(10) == []
    assert leads.due(time.time() + 1, 60, 10) == []
    # A failure noted for a lead deleted meanwhile does not bring it back.
    leads.retry("lead0001", "webhook", time.time(), "late")
    assert leads.get("lead0001") is None and leads.due(time.time() + 1, 60, 10) == []


def test_leads_past_the_retention_go(opener: Opener) -> None:
    leads: Leads = opener("leads", 1)
    now = time.time()
    leads.add(a_lead(1, created=now - 2 * 86400), ["webhook"])
    assert leads.get("lead0001") is None  # hidden at once
    leads.add(a_lead(2, created=now), [])
    assert [x.id for x in leads.newest(10)] == ["lead0002"]
    assert [d.lead.id for d in leads.due(now + 1, 60, 10)] == []


def test_leads_are_capped(opener: Opener, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.storage import redis_leads, sqlite_leads

    monkeypatch.setattr(sqlite_leads, "MAX_LEADS", 3)
    monkeypatch.setattr(redis_leads, "MAX_LEADS", 3)
    leads: Leads = opener("leads", 180)
    now = time.time()
    for n in range(5):
        leads.add(a_lead(n, created=now + n), ["webhook"])
    assert [x.id for x in leads.newest(10)] == ["lead0004", "lead0003", "lead0002"]
    assert {d.lead.id for d in leads.due(now + 10, 60, 10)} == {"lead0002", "lead0003", "lead0004"}


def a_rating(request_id: str, helpful: bool, created: float, comment: str = "") -> Rating:
    sources = (Source(1, "Experience", "/#experience"),)
    return Rating(
        request_id, helpful, comment, "Where does he work?", "At X [1].", sources, created
    )


def test_a_new_rating_of_an_answer_replaces_the_old(opener: Opener) -> None:
    ratings: Ratings = opener("ratings", 30)
    now = time.time()
    ratings.rate(a_rating("r1", True, now))
    ratings.rate(a_rating("r2", True, now + 1))
    ratings.rate(a_rating("r1", False, now + 2, "too vague"))
    assert [(r.request_id, r.helpful) for r in ratings.newest(10)] == [("r1", False), ("r2", True)]
    unhelpful = ratings.newest(10, helpful=False)
    assert [(r.request_id, r.comment, r.question) for r in unhelpful] == [
        ("r1", "too vague", "Where does he work?")
    ]
    assert unhelpful[0].sources == (Source(1, "Experience", "/#experience"),)
    assert [r.request_id for r in ratings.newest(10, helpful=True)] == ["r2"]


def test_ratings_past_the_retention_go(opener: Opener) -> None:
    ratings: Ratings = opener("ratings", 1)
    now = time.time()
    ratings.rate(a_rating("old", False, now - 2 * 86400))
    ratings.rate(a_rating("new", False, now))
    assert [r.request_id for r in ratings.newest(10)] == ["new"]


def test_an_answer_is_found_by_its_request_id(opener: Opener) -> None:
    log = opener("questions", 30)
    now = time.time()
    sources = (Source(1, "Projects", "/#projects"), Source(2, "Skills", "/#skills"))
    log.record_many(
        [
            LoggedQuestion("q1?", False, 0.8, ("a",), now, "req-1", "Answer one [1].", sources),
            LoggedQuestion("q2?", True, 0.1, (), now, "req-2", "Not covered.", ()),
            LoggedQuestion("q3?", True, 0.1, (), now),  # logged without an id
        ]
    )
    found = log.find("req-1")
    assert found is not None
    assert (found.question, found.answer, found.sources) == ("q1?", "Answer one [1].", sources)
    assert log.find("req-2").question == "q2?"
    assert log.find("req-3") is None and log.find("") is None
    assert [e.question for e in log.since(0)] == ["q1?", "q2?", "q3?"]


def test_answers_past_the_retention_are_not_found(opener: Opener) -> None:
    log = opener("questions", 1)
    log.record_many([LoggedQuestion("q?", False, 0.8, (), time.time() - 2 * 86400, "req-old")])
    assert log.find("req-old") is None


def test_a_question_log_of_an_earlier_version_gains_the_answer_columns(tmp_path: Path) -> None:
    import sqlite3

    from assistant.storage.sqlite_questions import SqliteQuestionLog

    path = tmp_path / "db.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute(
            "CREATE TABLE questions (id INTEGER PRIMARY KEY AUTOINCREMENT, asked REAL NOT NULL,"
            " question TEXT NOT NULL, abstained INTEGER NOT NULL, confidence REAL NOT NULL,"
            " cited_ids TEXT NOT NULL)"
        )
        db.execute(
            "INSERT INTO questions (asked, question, abstained, confidence, cited_ids)"
            " VALUES (?, 'kept?', 0, 0.9, '[]')",
            (time.time(),),
        )
    log = SqliteQuestionLog(path, 30)
    log.record(LoggedQuestion("new?", False, 0.8, (), time.time(), "req-9", "Yes [1]."))
    assert [e.question for e in log.since(0)] == ["kept?", "new?"]
    assert log.find("req-9").answer == "Yes [1]."


def test_without_redis_a_lead_or_rating_is_refused_not_kept_in_memory() -> None:
    from assistant.storage.redis_leads import RedisLeads, RedisRatings
    from assistant.storage.redis_link import RedisLink
    from assistant.storage.redis_questions import RedisQuestionLog

    link = RedisLink("redis://127.0.0.1:9/0")  # nothing listens on the discard port
    with pytest.raises(StoreBusy):
        RedisLeads(link, 180).add(a_lead(), ["webhook"])
    with pytest.raises(StoreBusy):
        RedisRatings(link, 30).rate(a_rating("r1", True, time.time()))
    with pytest.raises(StoreBusy):
        RedisQuestionLog(link, 30).find("req-1")


def test_admin_sessions_open_expire_close_and_are_capped(
    opener: Opener, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.storage import redis, sqlite

    sessions = opener("sessions", 0)
    now = time.time()
    sessions.open("a" * 64, now + 60)
    assert sessions.is_open("a" * 64, now) and not sessions.is_open("b" * 64, now)
    assert not sessions.is_open("a" * 64, now + 61)  # expired
    sessions.close("a" * 64)
    assert not sessions.is_open("a" * 64, now)
    monkeypatch.setattr(sqlite, "MAX_ADMIN_SESSIONS", 2)
    monkeypatch.setattr(redis, "MAX_ADMIN_SESSIONS", 2)
    for n in range(3):
        sessions.open(f"s{n}", now + 100 + n)
    assert [sessions.is_open(f"s{n}", now) for n in range(3)] == [False, True, True]
