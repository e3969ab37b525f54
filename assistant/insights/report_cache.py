"""The unanswered-questions report, grouped in the background and kept for a while.

Grouping by meaning embeds every logged wording and clusters them: with a full log (strangers
can fill it) that took 7 s, on the request. Here one thread per key computes it while the page
waits at most `wait` seconds; past that the page gets the last report for the key, or the
quick grouping by wording, and the grouped one shows up on a later load. Reports are kept per
key (the index version and the day window) for `max_age` seconds.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Hashable

from assistant.insights.unanswered import UnansweredReport

log = logging.getLogger(__name__)

# Keys kept at once (index versions x day windows); the oldest go first.
MAX_KEYS = 64


class ReportCache:
    """Reports by key, each computed by one background thread at a time."""

    def __init__(self, max_age: float = 60.0, wait: float = 0.5) -> None:
        self.max_age = max_age
        self.wait = wait
        self._reports: dict[Hashable, tuple[UnansweredReport, float]] = {}
        self._running: dict[Hashable, threading.Event] = {}
        self._lock = threading.Lock()

    def get(
        self,
        key: Hashable,
        compute: Callable[[], UnansweredReport],
        quick: Callable[[], UnansweredReport],
    ) -> UnansweredReport:
        """A fresh report, or within `wait` s the best one at hand (stale, else quick)."""
        with self._lock:
            kept = self._reports.get(key)
            if kept is not None and time.monotonic() - kept[1] < self.max_age:
                return kept[0]
            done = self._running.get(key)
            if done is None:
                done = self._running[key] = threading.Event()
                threading.Thread(
                    target=self._compute, args=(key, compute, done), daemon=True, name="report"
                ).start()
        done.wait(self.wait)
        with self._lock:
            kept = self._reports.get(key)
        if kept is not None:
            return kept[0]
        return quick()

    def _compute(
        self, key: Hashable, compute: Callable[[], UnansweredReport], done: threading.Event
    ) -> None:
        try:
            report = compute()
        except Exception:
            log.exception("the unanswered-questions report could not be grouped")
            report = None
        with self._lock:
            if report is not None:
                self._reports.pop(key, None)
                self._reports[key] = (report, time.monotonic())
                while len(self._reports) > MAX_KEYS:
                    del self._reports[next(iter(self._reports))]
            del self._running[key]
        done.set()
