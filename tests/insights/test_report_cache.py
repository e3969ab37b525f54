"""The background report cache: one computation per key, bounded, failures fall back."""

from __future__ import annotations

import threading

import pytest

from assistant.insights import report_cache
from assistant.insights.report_cache import ReportCache
from assistant.insights.unanswered import UnansweredReport


def report(days: int, grouped: bool = True) -> UnansweredReport:
    return UnansweredReport(days, 0, 0, (), grouped)


def test_a_fresh_report_is_computed_once() -> None:
    cache = ReportCache(max_age=60, wait=5)
    calls = []

    def compute() -> UnansweredReport:
        calls.append(1)
        return report(1)

    assert cache.get("k", compute, lambda: report(1, False)) == report(1)
    assert cache.get("k", compute, lambda: report(1, False)) == report(1)
    assert calls == [1]


def test_a_stale_report_is_served_while_the_new_one_is_computed() -> None:
    cache = ReportCache(max_age=0, wait=5)
    cache.get("k", lambda: report(1), lambda: report(1, False))
    gate = threading.Event()

    def slow() -> UnansweredReport:
        gate.wait(30)
        return report(2)

    cache.wait = 0.01
    assert cache.get("k", slow, lambda: report(9, False)) == report(1)  # the stale one
    gate.set()


def test_a_failed_grouping_is_logged_and_the_quick_report_served(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache = ReportCache(wait=5)

    def broken() -> UnansweredReport:
        raise RuntimeError("model crashed")

    assert cache.get("k", broken, lambda: report(3, False)) == report(3, False)
    assert "could not be grouped" in caplog.text


def test_at_most_max_keys_are_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_cache, "MAX_KEYS", 3)
    cache = ReportCache(wait=5)
    for key in range(10):
        cache.get(key, lambda k=key: report(k), lambda: report(0, False))
    assert len(cache._reports) == 3
