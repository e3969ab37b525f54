"""Switch a running server to a newly built index, without dropping a request.

`assistant build` switches the CURRENT pointer atomically. Each worker looks at the pointer at
most once per interval; when it names another version, the worker loads it and builds a new
Assistant beside the old one, then swaps the reference. Requests already running keep the
Assistant they started with. A failed or interrupted build never moves the pointer, so the old
index simply keeps serving; an index that fails to load is logged and skipped.
"""

from __future__ import annotations

import gc
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from assistant.engine import Assistant
from assistant.errors import AssistantError
from assistant.index.build import SearchIndex, current_version, load_index

log = logging.getLogger(__name__)


class IndexReloader:
    """Hands out the current Assistant, reloading it when the index on disk changes."""

    def __init__(
        self,
        assistant: Assistant,
        index_root: Path,
        make_assistant: Callable[[SearchIndex, Assistant], Assistant],
        interval_seconds: float = 2.0,
    ) -> None:
        self._assistant = assistant
        self._root = index_root
        self._make = make_assistant
        self._interval = interval_seconds
        self._checked = time.monotonic()
        self._failed_version: str | None = None
        self._lock = threading.Lock()
        self.on_reload: Callable[[Assistant], None] = lambda assistant: None

    def current(self) -> Assistant:
        """The Assistant for the index on disk (checked at most once per interval)."""
        now = time.monotonic()
        if now - self._checked < self._interval or not self._lock.acquire(blocking=False):
            return self._assistant
        try:
            self._checked = now
            version = current_version(self._root)
            if version in (None, self._assistant.index.manifest.version, self._failed_version):
                return self._assistant
            try:
                fresh = self._make(load_index(self._root), self._assistant)
            except AssistantError as exc:
                self._failed_version = version
                log.error(
                    "index %s could not be loaded; still serving %s: %s",
                    version,
                    self._assistant.index.manifest.version,
                    exc,
                )
                return self._assistant
            log.info("switched to index %s", version)
            self._assistant = fresh
            self.on_reload(fresh)
            return fresh
        finally:
            self._lock.release()


def preload_in_background(assistant: Assistant) -> None:
    """Load what only some questions need on a thread, so no question waits for it."""
    threading.Thread(target=_preload, args=(assistant,), daemon=True, name="preload").start()


def _preload(assistant: Assistant) -> None:
    try:
        assistant.preload()
    except Exception:  # the questions needing it load it themselves, as before
        log.exception("preloading failed")
        return
    # What it loaded lives as long as the process: kept out of the periodic full collections
    # like the rest of what was loaded before serving (serving.serve).
    gc.freeze()
