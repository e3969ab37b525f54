"""The RSGI-to-WSGI bridge: bodies read before the app runs, within a time and size bound."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any

import pytest

from assistant.http.wsgi_bridge import BODY_TIMEOUT, BufferedWSGI


class Headers:
    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        self.pairs = pairs

    def items(self) -> list[tuple[str, str]]:
        return self.pairs

    def __contains__(self, name: str) -> bool:
        return any(k == name for k, _ in self.pairs)


class Scope:
    proto = "http"
    http_version = "1.1"
    scheme = "http"
    server = "127.0.0.1:8000"
    client = "10.1.2.3:54321"
    query_string = "a=1"

    def __init__(self, method: str, path: str, headers: list[tuple[str, str]]) -> None:
        self.method = method
        self.path = path
        self.headers = Headers(headers)


class Proto:
    """Sends the body in the given chunks, then (if `stall`) never sends the rest."""

    def __init__(self, chunks: list[bytes], stall: bool = False) -> None:
        self.chunks = chunks
        self.stall = stall
        self.read = 0
        self.response: tuple[int, list[tuple[str, str]], bytes] | None = None

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self._chunks()

    async def __call__(self) -> bytes:
        """The whole body at once (granian's proto() when the length is declared)."""
        return b"".join([chunk async for chunk in self._chunks()])

    async def _chunks(self) -> AsyncIterator[bytes]:
        for chunk in self.chunks:
            self.read += len(chunk)
            yield chunk
        if self.stall:
            await asyncio.sleep(3600)

    def response_bytes(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        self.response = (status, headers, body)


def echo_app(seen: list[dict[str, Any]]) -> Callable[..., Iterable[bytes]]:
    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        seen.append(environ)
        body = environ["wsgi.input"].read()
        start_response("201 Created", [("Content-Type", "text/plain")])
        return [b"got ", body]

    return app


def serve(bridge: BufferedWSGI, scope: Scope, proto: Proto) -> None:
    async def run() -> None:
        bridge.__rsgi_init__(asyncio.get_running_loop())
        try:
            await bridge(scope, proto)
        finally:
            bridge.__rsgi_del__(asyncio.get_running_loop())

    # In a thread of its own: other tests (the browser ones) leave a loop running in this one.
    errors: list[BaseException] = []

    def in_thread() -> None:
        try:
            asyncio.run(run())
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=in_thread)
    thread.start()
    thread.join(30)
    assert not thread.is_alive() and not errors, errors


def test_the_app_gets_a_pep_3333_environ_and_the_whole_body() -> None:
    seen: list[dict[str, Any]] = []
    bridge = BufferedWSGI(echo_app(seen), threads=1, body_timeout=5, max_body_bytes=100)
    headers = [
        ("content-type", "application/json"),
        ("content-length", "9"),
        ("x-a", "1"),
        ("x-a", "2"),
    ]
    proto = Proto([b'{"a":', b" 1}"])
    serve(bridge, Scope("POST", "/caf\u00e9", headers), proto)
    assert proto.response == (201, [("Content-Type", "text/plain")], b'got {"a": 1}')
    environ = seen[0]
    assert environ["PATH_INFO"] == "/caf\u00c3\u00a9"  # UTF-8 bytes as latin-1 characters
    assert environ["QUERY_STRING"] == "a=1" and environ["REMOTE_ADDR"] == "10.1.2.3"
    assert environ["CONTENT_TYPE"] == "application/json" and environ["CONTENT_LENGTH"] == "9"
    assert environ["HTTP_X_A"] == "1,2" and BODY_TIMEOUT not in environ


def test_a_stalled_body_reaches_the_app_marked_and_closes_the_connection() -> None:
    seen: list[dict[str, Any]] = []
    bridge = BufferedWSGI(echo_app(seen), threads=1, body_timeout=0.2, max_body_bytes=100)
    headers = [("content-length", "50")]
    proto = Proto([b"{"], stall=True)
    serve(bridge, Scope("POST", "/x", headers), proto)
    assert seen[0][BODY_TIMEOUT] is True
    assert proto.response is not None and ("connection", "close") in proto.response[1]
    assert proto.response[2] == b"got "  # the app saw no part of the late body


def test_a_long_body_is_read_only_just_past_the_limit() -> None:
    seen: list[dict[str, Any]] = []
    bridge = BufferedWSGI(echo_app(seen), threads=1, body_timeout=5, max_body_bytes=10)
    proto = Proto([b"x" * 8] * 100)  # chunked, no length
    serve(bridge, Scope("POST", "/x", [("transfer-encoding", "chunked")]), proto)
    assert proto.read <= 16
    assert proto.response is not None and proto.response[2] == b"got " + b"x" * 11
    assert ("connection", "close") in proto.response[1]


@pytest.mark.parametrize("length", ["1000", "12abc"])
def test_a_declared_length_past_the_limit_is_not_read(length: str) -> None:
    seen: list[dict[str, Any]] = []
    bridge = BufferedWSGI(echo_app(seen), threads=1, body_timeout=5, max_body_bytes=10)
    proto = Proto([b"x" * 8] * 100)
    serve(bridge, Scope("POST", "/x", [("content-length", length)]), proto)
    assert proto.read == 0 and seen[0]["CONTENT_LENGTH"] == length


def test_a_get_is_not_read() -> None:
    seen: list[dict[str, Any]] = []
    bridge = BufferedWSGI(echo_app(seen), threads=1, body_timeout=5, max_body_bytes=10)
    proto = Proto([b"never"], stall=True)
    serve(bridge, Scope("GET", "/x", []), proto)
    assert proto.read == 0 and proto.response is not None


@pytest.mark.parametrize(("threads", "timeout", "size"), [(0, 1.0, 10), (1, 0.0, 10), (1, 1.0, -1)])
def test_bad_arguments_are_refused(threads: int, timeout: float, size: int) -> None:
    with pytest.raises(ValueError, match="need threads"):
        BufferedWSGI(echo_app([]), threads=threads, body_timeout=timeout, max_body_bytes=size)


def test_short_routes_run_on_the_loop_and_the_rest_on_threads() -> None:
    threads: dict[str, str] = {}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        threads[environ["PATH_INFO"]] = threading.current_thread().name
        start_response("200 OK", [])
        return [b""]

    bridge = BufferedWSGI(
        app, threads=1, body_timeout=5, max_body_bytes=10, on_loop=frozenset({"/fast"})
    )
    for path in ("/fast", "/slow"):
        serve(bridge, Scope("GET", path, []), Proto([]))
    assert threads["/slow"].startswith("wsgi-")
    assert not threads["/fast"].startswith("wsgi-")
