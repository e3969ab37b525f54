"""What the dashboard shows of the question log: questions per day, and the most asked ones."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from assistant.insights.unanswered import normalise
from assistant.storage.base import LoggedQuestion


@dataclass(frozen=True)
class Day:
    """One UTC day's questions: answered, and refused (the assistant abstained)."""

    date: dt.date
    answered: int
    refused: int

    @property
    def asked(self) -> int:
        """All questions of the day."""
        return self.answered + self.refused


@dataclass(frozen=True)
class AskedQuestion:
    """A question as most often worded, and how often it (or the same wording) was asked."""

    question: str
    count: int
    answered: int


def refused(entry: LoggedQuestion) -> bool:
    """Whether the assistant said the portfolio does not answer it.

    Not the unanswered report's wider test (abstained or confidence under LOW_CONFIDENCE):
    a chart of answered and refused counts what visitors were told.
    """
    return entry.abstained


def per_day(entries: list[LoggedQuestion], days: int, now: float) -> list[Day]:
    """The last `days` UTC days up to `now`, oldest first, with days without questions as 0."""
    today = dt.datetime.fromtimestamp(now, dt.UTC).date()
    first = today - dt.timedelta(days=days - 1)
    answered: Counter[dt.date] = Counter()
    unanswered: Counter[dt.date] = Counter()
    for entry in entries:
        day = dt.datetime.fromtimestamp(entry.asked, dt.UTC).date()
        if first <= day <= today:
            (unanswered if refused(entry) else answered)[day] += 1
    dates = (first + dt.timedelta(days=n) for n in range(days))
    return [Day(d, answered[d], unanswered[d]) for d in dates]


def most_asked(entries: list[LoggedQuestion], limit: int) -> list[AskedQuestion]:
    """The questions asked most often (the same wording after normalising), most first."""
    wordings: dict[str, Counter[str]] = {}
    answered: Counter[str] = Counter()
    for entry in entries:
        key = normalise(entry.question)
        if not key:
            continue
        wordings.setdefault(key, Counter())[entry.question.strip()] += 1
        answered[key] += not refused(entry)
    ranked = sorted(wordings.items(), key=lambda item: -item[1].total())
    return [
        AskedQuestion(forms.most_common(1)[0][0], forms.total(), answered[key])
        for key, forms in ranked[:limit]
    ]
