"""Finding 2: clients that stall or trickle their body hold no worker thread (`assistant serve`)."""

from __future__ import annotations

import contextlib
import json
import socket
import time
import urllib.request
from collections.abc import Iterator

import pytest

from assistant.settings import Settings
from tests.support import NO_RATE_LIMITS, running_server

pytestmark = pytest.mark.model

BODY_TIMEOUT = 2


@pytest.fixture(scope="module")
def server(model_settings: Settings, real_assistant, tmp_path_factory) -> Iterator[str]:  # type: ignore[no-untyped-def]
    log = tmp_path_factory.mktemp("slow") / "stderr.log"
    env = {**NO_RATE_LIMITS, "ASSISTANT_BODY_TIMEOUT_SECONDS": str(BODY_TIMEOUT)}
    with running_server(model_settings, log, env) as base:
        yield base


def stalled(base: str, first_bytes: bytes = b"{") -> socket.socket:
    """A connection that sends its headers and part of a declared 100-byte body, then waits."""
    host, port = base.removeprefix("http://").split(":")
    conn = socket.create_connection((host, int(port)), timeout=30)
    conn.sendall(
        b"POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 100\r\n\r\n" + first_bytes
    )
    return conn


def read_response(conn: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection."""
    chunks = []
    with contextlib.suppress(TimeoutError, ConnectionResetError):
        while chunk := conn.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def health_seconds(base: str) -> float:
    started = time.monotonic()
    with urllib.request.urlopen(base + "/api/v1/health", timeout=10) as response:
        assert response.status == 200
    return time.monotonic() - started


def test_stalled_bodies_do_not_starve_the_server(server: str) -> None:
    connections = [stalled(server) for _ in range(20)]
    try:
        time.sleep(0.3)  # every stalled request has reached the server
        waits = [health_seconds(server) for _ in range(5)]
        assert max(waits) < 1.0, waits
        request = urllib.request.Request(
            server + "/api/v1/chat",
            data=json.dumps({"question": "Where did he study?"}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200
        # Then each stalled client gets its 408 and the connection is closed.
        for conn in connections:
            raw = read_response(conn)
            assert raw.startswith(b"HTTP/1.1 408"), raw[:200]
            assert b"application/problem+json" in raw
    finally:
        for conn in connections:
            conn.close()


def test_a_trickling_body_is_cut_off_at_the_timeout(server: str) -> None:
    conn = stalled(server, b"")
    started = time.monotonic()
    try:
        # One byte a quarter second: each arrives well within any per-read timeout.
        with contextlib.suppress(OSError):
            for _ in range(40):
                conn.sendall(b" ")
                time.sleep(0.25)
                if time.monotonic() - started > BODY_TIMEOUT + 3:
                    break
        raw = read_response(conn)
    finally:
        conn.close()
    assert raw.startswith(b"HTTP/1.1 408"), raw[:200]
    assert time.monotonic() - started < BODY_TIMEOUT + 5


def test_a_body_larger_than_any_route_takes_is_refused_unread(server: str) -> None:
    host, port = server.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(
            b"POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 50000000\r\n\r\n{"
        )
        raw = read_response(conn)
    assert raw.startswith(b"HTTP/1.1 413"), raw[:200]
