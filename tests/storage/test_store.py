from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.storage.base import MAX_TURNS_PER_SESSION, Conversations, Turn
from assistant.storage.sqlite import SqliteConversations

Opener = Callable[..., Conversations]


@pytest.fixture(params=["sqlite", "redis"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Opener:
    """Both backends honour the same contract: each test below runs on each."""
    if request.param == "sqlite":
        return lambda **options: SqliteConversations(tmp_path / "db.sqlite3", **options)
    from assistant.storage.redis import RedisConversations, RedisLink

    url = request.getfixturevalue("redis_url")
    return lambda **options: RedisConversations(RedisLink(url), **options)


def test_turns_come_back_oldest_first_per_session(open_store: Opener) -> None:
    store = open_store()
    store.append("a", Turn("first?", "first?", ("projects/x",)))
    store.append("b", Turn("other?", "other?"))
    store.append("a", Turn("second?", "first?", ()))
    turns = store.recent("a", 5)
    assert [t.question for t in turns] == ["first?", "second?"]
    assert turns[0].cited_ids == ("projects/x",)
    assert [t.question for t in store.recent("a", 1)] == ["second?"]
    assert store.recent("missing", 5) == []


def test_a_second_store_on_the_same_backend_sees_the_turns(open_store: Opener) -> None:
    open_store().append("s", Turn("q?", "q?"))
    assert open_store().recent("s", 3)[0].question == "q?"


def test_expired_turns_are_ignored(open_store: Opener) -> None:
    store = open_store(ttl_seconds=0.2)
    store.append("s", Turn("old?", "old?"))
    time.sleep(0.3)
    assert store.recent("s", 3) == []


def test_expired_turns_are_removed_from_sqlite(tmp_path: Path) -> None:
    store = SqliteConversations(tmp_path / "db.sqlite3", ttl_seconds=0.2)
    store.append("s", Turn("old?", "old?"))
    time.sleep(0.3)
    store.append("t", Turn("new?", "new?"))
    import sqlite3

    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM turns").fetchone() == (1,)


def test_expired_sessions_are_removed_from_redis(redis_url: str) -> None:
    import redis

    from assistant.storage.redis import RedisConversations, RedisLink

    RedisConversations(RedisLink(redis_url), ttl_seconds=0.2).append("s", Turn("old?", "old?"))
    time.sleep(0.3)
    assert redis.Redis.from_url(redis_url).keys("*") == []


def test_sessions_are_capped(open_store: Opener) -> None:
    store = open_store()
    for n in range(MAX_TURNS_PER_SESSION + 5):
        store.append("s", Turn(f"q{n}?", "t"))
    turns = store.recent("s", 1000)
    assert len(turns) == MAX_TURNS_PER_SESSION
    assert turns[-1].question == f"q{MAX_TURNS_PER_SESSION + 4}?"


def test_sqlite_keeps_no_more_than_the_cap_per_session(tmp_path: Path) -> None:
    import sqlite3

    store = SqliteConversations(tmp_path / "db.sqlite3")
    for n in range(MAX_TURNS_PER_SESSION + 5):
        store.append("long", Turn(f"q{n}?", "t"))
    store.append("short", Turn("only?", "t"))
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        counts = dict(db.execute("SELECT session_id, COUNT(*) FROM turns GROUP BY session_id"))
        oldest = db.execute("SELECT MIN(question) FROM turns WHERE session_id = 'long'")
        assert oldest.fetchone() == ("q10?",)  # q0..q4 gone ("q10?" sorts before "q5?")
    assert counts == {"long": MAX_TURNS_PER_SESSION, "short": 1}


def test_more_expired_turns_than_one_sweep_batch_all_go(tmp_path: Path) -> None:
    import sqlite3

    store = SqliteConversations(tmp_path / "db.sqlite3", ttl_seconds=0.2)
    store.SWEEP_BATCH = 7
    for n in range(30):
        store.append(f"s{n}", Turn("old?", "old?"))
    time.sleep(0.3)
    store._last_sweep = 0.0  # the next append sweeps
    store.append("t", Turn("new?", "new?"))
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM turns").fetchone() == (1,)


def test_concurrent_writers_lose_nothing(open_store: Opener) -> None:
    store = open_store()

    def write(worker: int) -> None:
        for n in range(20):
            store.append("shared", Turn(f"{worker}-{n}", "t"))

    threads = [threading.Thread(target=write, args=(w,)) for w in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(store.recent("shared", 100)) == 40


def test_a_database_locked_for_too_long_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    import assistant.storage.sqlite
    from assistant.errors import StoreBusy
    from assistant.storage.sqlite import SharedDatabase

    monkeypatch.setattr(assistant.storage.sqlite, "BUSY_GIVE_UP_SECONDS", 0.05)
    database = SharedDatabase(tmp_path / "db", "CREATE TABLE IF NOT EXISTS t (x);")
    tries = []

    def locked(db: sqlite3.Connection) -> None:
        tries.append(1)
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(StoreBusy, match="stayed locked"):
        database.run(locked)
    assert len(tries) > 3  # retried, briefly, before giving up


def test_a_database_from_an_older_version_is_made_afresh(tmp_path: Path) -> None:
    import sqlite3

    # The shape of the turns table before schema versions existed.
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        db.execute(
            "CREATE TABLE turns (session_id TEXT NOT NULL, seq INTEGER NOT NULL,"
            " question TEXT NOT NULL, topic TEXT NOT NULL, cited_ids TEXT NOT NULL,"
            " created REAL NOT NULL, PRIMARY KEY (session_id, seq))"
        )
    store = SqliteConversations(tmp_path / "db.sqlite3")
    store.append("s", Turn("q?", "q?"))
    assert [t.question for t in store.recent("s", 3)] == ["q?"]
