from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from assistant.conversation import Turn
from assistant.store import MAX_TURNS_PER_SESSION, ConversationStore


def test_turns_come_back_oldest_first_per_session(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "db.sqlite3")
    store.append("a", Turn("first?", "first?", ("projects/x",)))
    store.append("b", Turn("other?", "other?"))
    store.append("a", Turn("second?", "first?", ()))
    turns = store.recent("a", 5)
    assert [t.question for t in turns] == ["first?", "second?"]
    assert turns[0].cited_ids == ("projects/x",)
    assert [t.question for t in store.recent("a", 1)] == ["second?"]
    assert store.recent("missing", 5) == []


def test_a_second_store_on_the_same_file_sees_the_turns(tmp_path: Path) -> None:
    ConversationStore(tmp_path / "db.sqlite3").append("s", Turn("q?", "q?"))
    assert ConversationStore(tmp_path / "db.sqlite3").recent("s", 3)[0].question == "q?"


def test_expired_turns_are_ignored_and_removed(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "db.sqlite3", ttl_seconds=0.2)
    store.append("s", Turn("old?", "old?"))
    time.sleep(0.3)
    assert store.recent("s", 3) == []
    store.append("t", Turn("new?", "new?"))
    import sqlite3

    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        assert db.execute("SELECT COUNT(*) FROM turns").fetchone() == (1,)


def test_sessions_are_capped(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "db.sqlite3")
    for n in range(MAX_TURNS_PER_SESSION + 5):
        store.append("s", Turn(f"q{n}?", "t"))
    turns = store.recent("s", 1000)
    assert len(turns) == MAX_TURNS_PER_SESSION
    assert turns[-1].question == f"q{MAX_TURNS_PER_SESSION + 4}?"


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    store = ConversationStore(tmp_path / "db.sqlite3")

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

    import assistant.database
    from assistant.database import SharedDatabase
    from assistant.errors import StoreBusy

    monkeypatch.setattr(assistant.database, "BUSY_GIVE_UP_SECONDS", 0.05)
    database = SharedDatabase(tmp_path / "db", "CREATE TABLE IF NOT EXISTS t (x);")
    tries = []

    def locked(db: sqlite3.Connection) -> None:
        tries.append(1)
        raise sqlite3.OperationalError("database is locked")

    with pytest.raises(StoreBusy, match="stayed locked"):
        database.run(locked)
    assert len(tries) > 3  # retried, briefly, before giving up
