"""The dashboard's figures from the question log: questions per day and the most asked."""

from __future__ import annotations

import datetime as dt

from assistant.insights.activity import Day, most_asked, per_day
from assistant.storage.base import LoggedQuestion

NOON = dt.datetime(2026, 12, 3, 12, tzinfo=dt.UTC).timestamp()
DAY = 86400.0


def asked(question: str, when: float, abstained: bool = False) -> LoggedQuestion:
    return LoggedQuestion(question, abstained, 0.2 if abstained else 0.35, (), when)


def test_days_without_questions_are_zero_and_older_ones_left_out() -> None:
    entries = [
        asked("Where did he study?", NOON),
        asked("Salary?", NOON - 1, abstained=True),
        asked("Where did he study?", NOON - 2 * DAY),
        asked("Too old?", NOON - 5 * DAY),
    ]
    days = per_day(entries, 3, NOON)
    assert days == [
        Day(dt.date(2026, 12, 1), 1, 0),
        Day(dt.date(2026, 12, 2), 0, 0),
        Day(dt.date(2026, 12, 3), 1, 1),
    ]
    # Answered with a modest confidence is still answered: the visitor got an answer.
    assert days[2].asked == 2


def test_the_most_asked_group_wordings_and_keep_the_commonest() -> None:
    entries = [
        asked("Where did he study?", NOON),
        asked("where did he study", NOON),
        asked("Where did he study?", NOON),
        asked("What is his salary?", NOON, abstained=True),
        asked("  ", NOON),
    ]
    top = most_asked(entries, 5)
    assert [(q.question, q.count, q.answered) for q in top] == [
        ("Where did he study?", 3, 3),
        ("What is his salary?", 1, 0),
    ]
    assert most_asked(entries, 1)[0].count == 3
