"""The one way the Redis backend reaches Redis: short timeouts, and a fallback while it is down.

A failed call marks Redis down for RETRY_SECONDS (so requests do not each wait on a dead
socket), logs once, sets the `assistant_shared_store_up` gauge to 0 and runs the fallback.
The first call after that tries Redis again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, NoReturn, TypeVar, cast

from prometheus_client import Gauge

from assistant.errors import StoreBusy

if TYPE_CHECKING:
    import redis

log = logging.getLogger(__name__)
T = TypeVar("T")

# Defined with the link, not with the web layer's metrics: only a server on Redis has it.
SHARED_STORE_UP = Gauge(
    "assistant_shared_store_up",
    "1 when the shared store (Redis) answered the latest call; absent without Redis.",
    # The value of the process that checked most recently: /metrics checks before answering.
    multiprocess_mode="livemostrecent",
)

# After a failed call, Redis is left alone for this long before the next try.
RETRY_SECONDS = 1.0


class RedisLink:
    """One Redis client per process, and whether Redis answered lately."""

    def __init__(self, url: str, retry_seconds: float = RETRY_SECONDS) -> None:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        self.url = url
        self.retry_seconds = retry_seconds
        # Short timeouts and a single immediate retry (for a pooled connection that Redis
        # closed when it restarted): redis-py's default retries ten times with backoff.
        self.client: redis.Redis = redis.Redis.from_url(
            url,
            socket_connect_timeout=0.25,
            socket_timeout=0.5,
            retry=Retry(NoBackoff(), 1),
            decode_responses=True,
        )
        self._errors: tuple[type[Exception], ...] = (redis.RedisError, OSError)
        self._down_until = 0.0
        self._up = True
        self._lock = threading.Lock()
        SHARED_STORE_UP.set(1)

    @property
    def up(self) -> bool:
        """Whether the latest call reached Redis."""
        return self._up

    def run(self, operation: Callable[[redis.Redis], T], fallback: Callable[[], T]) -> T:
        """Run an operation on Redis, or the fallback while Redis cannot be reached."""
        if not self._up and time.monotonic() < self._down_until:
            return fallback()
        try:
            result = operation(self.client)
        except self._errors as exc:
            self._mark(up=False, error=exc)
            return fallback()
        if not self._up:
            self._mark(up=True)
        return result

    def check(self) -> bool:
        """Ping Redis now (for /ready and /metrics); True when it answers."""
        return self.run(lambda client: bool(client.ping()), lambda: False)

    def _mark(self, up: bool, error: Exception | None = None) -> None:
        with self._lock:
            if up:
                if not self._up:
                    log.warning("shared store reachable again at %s", _redacted(self.url))
            else:
                self._down_until = time.monotonic() + self.retry_seconds
                if self._up:
                    log.error(
                        "shared store unreachable at %s, serving from this process: %s",
                        _redacted(self.url),
                        error,
                    )
            self._up = up
            SHARED_STORE_UP.set(1 if up else 0)


def unavailable() -> NoReturn:
    """The fallback of what must not be kept in one process's memory: a 503 that asks to retry."""
    raise StoreBusy("the shared store cannot be reached")


def strings(found: object) -> list[str]:
    """A list reply of redis-py's (str with decode_responses=True), typed as such."""
    return [str(item) for item in cast(list[object], found)]


def _redacted(url: str) -> str:
    """The URL without a password, for logs."""
    if "@" not in url:
        return url
    scheme, _, rest = url.partition("://")
    return f"{scheme}://***@{rest.rpartition('@')[2]}"
