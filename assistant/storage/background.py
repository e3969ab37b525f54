"""The question log written from a thread of each worker, several questions per write.

Writing a question where it is asked costs a commit per request (60-100 us with SQLite, a round
trip with Redis) on the path of the answer. Here a request only queues its question; a writer
thread wakes at most every WRITE_EVERY seconds and writes everything queued in one transaction
or round trip. (Woken for every question, the writer cost more than it saved: each wake-up
takes the interpreter lock from the request thread.)

Nothing is lost on a graceful stop: flush() writes the queue at once (the server calls it as a
worker shuts down). A worker killed outright loses the questions of its last WRITE_EVERY
seconds at most, and a failed write is logged and skipped, as before: the log never costs an
answer.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections import deque
from collections.abc import Sequence

from assistant.errors import StoreBusy
from assistant.storage.base import LoggedQuestion, QuestionLog

log = logging.getLogger(__name__)

# Queued beyond this (the store stuck for long), new questions are dropped, with a warning.
MAX_QUEUED = 10_000
# Written per transaction at most.
BATCH = 1000
# The writer waits this long after a question arrives, to write those that follow with it.
WRITE_EVERY = 0.1


class BackgroundQuestionLog:
    """A QuestionLog whose writes happen on a thread of their own, per process."""

    def __init__(self, inner: QuestionLog) -> None:
        self.inner = inner
        self._pid = 0
        self._start()

    def _start(self) -> None:
        # Threads and locks do not cross a fork: each process makes its own when it first
        # records (the server forks its workers after building the app).
        self._pid = os.getpid()
        self._queue: deque[LoggedQuestion] = deque()
        self._changed = threading.Condition()
        self._writing = 0
        self._dropped = 0
        self._hurry = False
        self._thread: threading.Thread | None = None

    def record(self, entry: LoggedQuestion) -> None:
        """Queue one question for the writer thread."""
        if self._pid != os.getpid():
            self._start()
        with self._changed:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._write_forever, daemon=True, name="question-log"
                )
                self._thread.start()
            if len(self._queue) >= MAX_QUEUED:
                self._dropped += 1
                if self._dropped == 1:
                    log.warning("question log: %d questions waiting; dropping new ones", MAX_QUEUED)
                return
            self._queue.append(entry)
            if len(self._queue) == 1:
                # Only the first wakes the writer: a wake-up per question would cost more in
                # the interpreter lock than a write saves.
                self._changed.notify_all()

    def record_many(self, entries: Sequence[LoggedQuestion]) -> None:
        """Queue several questions."""
        for entry in entries:
            self.record(entry)

    def since(self, cutoff: float) -> list[LoggedQuestion]:
        """What the store holds, after this process's queued questions are written."""
        self.flush()
        return self.inner.since(cutoff)

    def find(self, request_id: str) -> LoggedQuestion | None:
        """The question of that response: still queued in this process, or in the store."""
        if self._pid == os.getpid():
            with self._changed:
                for entry in reversed(self._queue):
                    if entry.request_id == request_id:
                        return entry
        return self.inner.find(request_id)

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every question queued in this process is written (or timeout)."""
        if self._pid != os.getpid():
            return True
        deadline = time.monotonic() + timeout
        with self._changed:
            if self._queue:
                # The writer skips its wait for followers this once.
                self._hurry = True
                self._changed.notify_all()
            while self._queue or self._writing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._changed.wait(remaining)
        return True

    def _write_forever(self) -> None:
        while True:
            with self._changed:
                while not self._queue:
                    self._changed.wait()
                # Let the questions that follow join this write (unless flush() is waiting).
                self._changed.wait_for(lambda: self._hurry, timeout=WRITE_EVERY)
                self._hurry = False
                count = min(len(self._queue), BATCH)
                batch = [self._queue.popleft() for _ in range(count)]
                self._writing = count
            try:
                self.inner.record_many(batch)
            except StoreBusy as exc:
                log.warning("%d questions not logged: %s", len(batch), exc)
            except Exception:
                log.exception("%d questions not logged", len(batch))
            finally:
                with self._changed:
                    self._writing = 0
                    self._changed.notify_all()
