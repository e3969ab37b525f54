"""Serve a WSGI app over granian's RSGI interface, reading each body before a thread is taken.

Under granian's WSGI interface a request reaches a Python thread as soon as its headers arrive,
and the thread then blocks reading the body, with no time limit: eight clients that send their
headers and one byte held every thread of a 2-worker server. Here the body is read on the
worker's event loop, within `body_timeout` seconds and up to `max_body_bytes`; only then does
the WSGI app run. A client that stalls holds no thread, and is answered by the app itself (so
the reply is the app's usual error shape, counted and logged) with the environ key BODY_TIMEOUT
set and an empty body.

Where the app runs: requests to the paths in `on_loop` (short ones: a chat answer takes a few
milliseconds, under one when cached) run on the event loop's own thread; all others (a fit
report, the owner's report, metrics) on a small pool of threads, so that the loop keeps reading
bodies meanwhile. Handing every request to a thread and back cost a fifth of the cached-answer
throughput in `make bench` (repeated questions ~3,500 -> ~2,900 answers/s); on the loop the
bridge costs about what granian's WSGI interface did.

Considered instead: more granian threads with a backpressure bound (a stalled client still
holds a thread until granian's own limits, and the WSGI body read has none); nginx's request
buffering in front (recommended on the Internet, README "Security", but `assistant serve`
alone must hold up too).
"""

from __future__ import annotations

import asyncio
import io
import queue
import sys
import threading
from collections.abc import Callable, Iterable
from typing import Any

# Set (True) in the environ of a request whose body did not arrive in time.
BODY_TIMEOUT = "assistant.body_timeout"

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
_NO_BODY_METHODS = frozenset(("GET", "HEAD", "OPTIONS", "DELETE", "TRACE"))


class BufferedWSGI:
    """An RSGI application that runs a WSGI app once the request body is in memory."""

    def __init__(
        self,
        app: WSGIApp,
        threads: int,
        body_timeout: float,
        max_body_bytes: int,
        on_loop: frozenset[str] = frozenset(),
    ) -> None:
        if threads < 1 or body_timeout <= 0 or max_body_bytes < 0:
            raise ValueError(
                f"need threads >= 1, body_timeout > 0 and max_body_bytes >= 0, got "
                f"{threads}, {body_timeout}, {max_body_bytes}"
            )
        self.app = app
        self.threads = threads
        self.body_timeout = body_timeout
        self.max_body_bytes = max_body_bytes
        self.on_loop = on_loop
        # Made in each worker after the fork (threads do not survive one).
        self._pool: _Threads | None = None

    def __rsgi_init__(self, loop: asyncio.AbstractEventLoop) -> None:
        """Start the threads (granian calls this in each worker before serving)."""
        self._pool = _Threads(self.threads, loop)

    def __rsgi_del__(self, loop: asyncio.AbstractEventLoop) -> None:
        """Stop the threads (granian calls this in each worker once it has stopped serving)."""
        if self._pool is not None:
            self._pool.stop()
            self._pool = None

    async def __call__(self, scope: Any, proto: Any) -> None:
        """Handle one HTTP request."""
        if scope.proto != "http":
            return
        headers = scope.headers
        environ = _environ(scope)
        declared = environ.get("CONTENT_LENGTH")
        # A body longer than any route takes is not read: the app refuses it by its length.
        unread = declared is not None and (
            not declared.isdigit() or int(declared) > self.max_body_bytes
        )
        body = b""
        timed_out = False
        if not unread and (
            scope.method not in _NO_BODY_METHODS or declared or "transfer-encoding" in headers
        ):
            try:
                # asyncio.timeout, not wait_for: no task of its own per request.
                async with asyncio.timeout(self.body_timeout):
                    if declared is not None:
                        # Within the limit: HTTP framing stops the body at its declared length.
                        body = await proto()
                    else:
                        body = await _read(proto, self.max_body_bytes)
            except TimeoutError:
                timed_out = True
        environ["wsgi.input"] = io.BytesIO(body)
        if timed_out:
            environ[BODY_TIMEOUT] = True
        if scope.path in self.on_loop:
            status, response_headers, content = _call(self.app, environ)
        else:
            if self._pool is None:
                self.__rsgi_init__(asyncio.get_running_loop())
                assert self._pool is not None
            status, response_headers, content = await self._pool.run(self.app, environ)
        if timed_out or unread or len(body) > self.max_body_bytes:
            # The rest of the body is never read: the connection cannot be reused.
            response_headers = [*response_headers, ("connection", "close")]
        proto.response_bytes(status, response_headers, content)


Result = tuple[int, list[tuple[str, str]], bytes]


class _Threads:
    """Threads that run WSGI calls for one event loop.

    Leaner than loop.run_in_executor (no concurrent.futures.Future chained to an asyncio one):
    the hand-over to a thread and back is a large part of a cached answer's cost (`make bench`,
    repeated questions).
    """

    def __init__(self, count: int, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._jobs: queue.SimpleQueue[tuple[asyncio.Future[Result], WSGIApp, dict[str, Any]] | None]
        self._jobs = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, daemon=True, name=f"wsgi-{n}") for n in range(count)
        ]
        for thread in self._threads:
            thread.start()

    def run(self, app: WSGIApp, environ: dict[str, Any]) -> asyncio.Future[Result]:
        """Call the app on a thread; the future has its status, headers and body."""
        future: asyncio.Future[Result] = self._loop.create_future()
        self._jobs.put((future, app, environ))
        return future

    def stop(self) -> None:
        """Let the threads finish their calls and end."""
        for _ in self._threads:
            self._jobs.put(None)
        for thread in self._threads:
            thread.join()

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, app, environ = job
            try:
                result = _call(app, environ)
            except BaseException as exc:  # handed to the request's coroutine, which raises it
                self._loop.call_soon_threadsafe(_settle, future, None, exc)
            else:
                self._loop.call_soon_threadsafe(_settle, future, result, None)


def _settle(
    future: asyncio.Future[Result], result: Result | None, error: BaseException | None
) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        assert result is not None
        future.set_result(result)


async def _read(proto: Any, limit: int) -> bytes:
    """The body, or its first `limit` + 1 bytes when it is longer (the app then says 413)."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in proto:
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            break
    return b"".join(chunks)[: limit + 1]


def _environ(scope: Any) -> dict[str, Any]:
    """The PEP 3333 environ of an RSGI scope (the body is added by the caller)."""
    server_host, _, server_port = scope.server.rpartition(":")
    client = scope.client.rpartition(":")[0].strip("[]") or scope.client
    environ: dict[str, Any] = {
        "REQUEST_METHOD": scope.method,
        "SCRIPT_NAME": "",
        # granian gives the path percent-decoded as text; PEP 3333 wants its UTF-8 bytes as
        # latin-1 characters.
        "PATH_INFO": scope.path.encode("utf-8", "surrogateescape").decode("latin-1"),
        "QUERY_STRING": scope.query_string,
        "SERVER_NAME": server_host,
        "SERVER_PORT": server_port,
        "SERVER_PROTOCOL": "HTTP/" + scope.http_version,
        "REMOTE_ADDR": client,
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.scheme,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        # Not in PEP 3333; werkzeug reads a body without Content-Length until the end.
        "wsgi.input_terminated": True,
    }
    for name, value in scope.headers.items():
        key = name.upper().replace("-", "_")
        if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            key = "HTTP_" + key
        if key in environ:
            environ[key] += "," + value
        else:
            environ[key] = value
    return environ


def _call(app: WSGIApp, environ: dict[str, Any]) -> Result:
    """Run the WSGI app to completion: its status, headers and whole body."""
    started: list[Any] = []
    written: list[bytes] = []

    def start_response(
        status: str, headers: list[tuple[str, str]], exc_info: Any = None
    ) -> Callable[[bytes], None]:
        if exc_info is not None and started:
            raise exc_info[1].with_traceback(exc_info[2])
        started[:] = [status, headers]
        return written.append

    result = app(environ, start_response)
    try:
        written.extend(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    status, headers = started
    return int(status.split(" ", 1)[0]), headers, b"".join(written)
