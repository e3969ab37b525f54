"""How fast /api/v1/health answers while 20 clients hold a request body half-sent.

    python bench/stalled_clients.py [INSTANCE]    (after `make bench` built bench/work)

Starts `assistant serve` on the instance folder, opens 20 connections that send their headers
and one byte of a declared 100-byte body, then times 10 health checks (5 s client timeout;
"inf" is a timeout).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.local import free_port  # noqa: E402

STALLED = 20


def health_seconds(base: str) -> float:
    """Seconds to a health answer, or infinity after 5 s."""
    started = time.monotonic()
    try:
        with urllib.request.urlopen(base + "/api/v1/health", timeout=5) as response:
            response.read()
    except OSError:
        return float("inf")
    return time.monotonic() - started


def main() -> None:
    """Serve, stall, measure, print."""
    instance = sys.argv[1] if len(sys.argv) > 1 else str(ROOT / "bench/work/instance-ours")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "assistant.cli",
            "--instance",
            instance,
            "serve",
            "--port",
            str(port),
        ],
        cwd=ROOT,
        env={**os.environ, "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while health_seconds(base) == float("inf"):
            time.sleep(0.1)
        stalled = []
        for _ in range(STALLED):
            conn = socket.create_connection(("127.0.0.1", port))
            conn.sendall(
                b"POST /api/v1/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                b"Content-Length: 100\r\n\r\n{"
            )
            stalled.append(conn)
        time.sleep(0.3)
        waits = [health_seconds(base) for _ in range(10)]
        print(
            f"health with {STALLED} stalled bodies: median {statistics.median(waits):.4f} s, "
            f"max {max(waits):.4f} s"
        )
        for conn in stalled:
            conn.close()
    finally:
        server.terminate()
        server.wait(30)


if __name__ == "__main__":
    main()
