"""Questions of time and order are answered from dates."""

from __future__ import annotations

import datetime as dt

from assistant.engine.timeline import (
    AFTER,
    BEFORE,
    CURRENT,
    DURATION,
    FIRST,
    LATEST,
    LONGEST,
    SHORTEST,
    Order,
    order_asked,
    pick,
)
from assistant.index.corpus import Document

DAY = dt.date(2026, 1, 1)


def _job(name: str, start: str | None, end: str | None, year: int | None = None) -> Document:
    return Document("work", name, name, f"{name} text.", DAY, start=start, end=end, year=year)


JUNIOR = _job("junior", "2017-06", "2018-12")
MIDDLE = _job("middle", "2019-01", "2022-02")
SENIOR = _job("senior", "2022-03", "present")
JOBS = [SENIOR, MIDDLE, JUNIOR]


def test_orders_asked() -> None:
    assert order_asked("Where did he work before Paywise?") == Order(BEFORE, "before")
    assert order_asked("What was his first job?") == Order(FIRST, "first")
    assert order_asked("Where does she work now?") == Order(CURRENT, "now")
    assert order_asked("Where does she work at the moment?") == Order(CURRENT, "at the moment")
    assert order_asked("What's the most recent thing he built?") == Order(LATEST, "most recent")
    assert order_asked("and after that?") == Order(AFTER, "after")
    assert order_asked("Which projects has he built?") is None
    # "present" as time, not as the verb.
    assert order_asked("What is his present role?") == Order(CURRENT, "his present")
    assert order_asked("Where does she work at present?") == Order(CURRENT, "at present")
    assert order_asked("Does he present to executives?") is None
    # The entry before X gives its span: "before" is what is asked.
    assert order_asked("Where did he work and for how long before X?") == Order(BEFORE, "before")
    assert order_asked("How long was he at X?") == Order(DURATION, "How long")


def test_pick_by_dates_not_by_position() -> None:
    assert pick(Order(CURRENT), JOBS, None) is SENIOR
    assert pick(Order(FIRST), JOBS, None) is JUNIOR
    assert pick(Order(LATEST), JOBS, None) is SENIOR
    assert pick(Order(BEFORE), JOBS, SENIOR) is MIDDLE
    assert pick(Order(BEFORE), JOBS, MIDDLE) is JUNIOR
    assert pick(Order(BEFORE), JOBS, JUNIOR) is None
    assert pick(Order(AFTER), JOBS, JUNIOR) is MIDDLE


def test_years_alone_order_entries() -> None:
    degrees = [_job("ba", None, None, 2012), _job("ma", None, None, 2014)]
    assert pick(Order(FIRST), degrees, None) is degrees[0]
    assert pick(Order(LATEST), degrees, None) is degrees[1]


def test_how_long_is_the_span_of_the_entry_named() -> None:
    assert order_asked("How long has he been at Tropicart?") == Order(DURATION, "How long")
    assert pick(Order(DURATION), JOBS, SENIOR) is SENIOR
    # An award given in one year spans nothing.
    award = Document("awards", "award", "Award", "Award text.", DAY, start="2023", year=2023)
    assert pick(Order(DURATION), [award], award) is None
    assert pick(Order(DURATION), JOBS, None) is None


def test_before_needs_an_anchor() -> None:
    assert pick(Order(BEFORE), JOBS, None) is None


def test_present_tense() -> None:
    from assistant.engine.timeline import in_present_tense

    assert in_present_tense("What is her job title?")
    assert in_present_tense("Which company does he work for?")
    assert in_present_tense("what's his role")
    assert not in_present_tense("What was her first job?")
    assert not in_present_tense("Where has he worked?")
    assert not in_present_tense("Which company did he work for?")


def test_longest_and_shortest_compare_the_spans() -> None:
    assert order_asked("Which company did he work at the longest?") == Order(LONGEST, "longest")
    # Senior goes on to today: four years and nine months by 2026-12, more than middle's three.
    today = dt.date(2026, 12, 3)
    assert pick(Order(LONGEST), JOBS, None, today) is SENIOR
    assert pick(Order(LONGEST), JOBS, None, dt.date(2024, 1, 1)) is MIDDLE
    assert pick(Order(SHORTEST), JOBS, None, today) is JUNIOR
    award = Document("awards", "award", "Award", "Award text.", DAY, start="2023", year=2023)
    assert pick(Order(LONGEST), [award], None, today) is None
