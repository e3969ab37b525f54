"""Run the deployment's pieces on this machine: redis-server and deploy/nginx.conf on loopback.

Used by the scale-out tests and `make bench-scale`, and handy to try the set-up by hand:

    python -m deploy.local 127.0.0.1:8001 127.0.0.1:8002   # nginx on a free port, until Ctrl-C

Both come from Debian's packages (`make services`); neither is daemonised.
"""

from __future__ import annotations

import contextlib
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

CONFIG = Path(__file__).resolve().parent / "nginx.conf"
_SERVER_LINE = re.compile(r"^([ \t]*server )127\.0\.0\.1:\d+( .*;)$", re.M)


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    """Return once something accepts connections on the port; raise if the process died."""
    deadline = time.monotonic() + 10
    while True:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port)):
            return
        if time.monotonic() > deadline or process.poll() is not None:
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.05)


def nginx_config(listen_port: int, upstreams: list[str]) -> str:
    """deploy/nginx.conf listening on a loopback port, in front of these replicas (host:port)."""
    config = CONFIG.read_text()
    servers = list(_SERVER_LINE.finditer(config))
    if not servers or "listen 8080;" not in config:
        raise RuntimeError(f"{CONFIG}: no `server 127.0.0.1:PORT ...;` lines or `listen 8080;`")
    indent, options = servers[0].group(1), servers[0].group(2)
    lines = "\n".join(f"{indent}{upstream}{options}" for upstream in upstreams)
    config = config[: servers[0].start()] + lines + config[servers[-1].end() :]
    return config.replace("listen 8080;", f"listen 127.0.0.1:{listen_port};")


@contextlib.contextmanager
def running_nginx(folder: Path, upstreams: list[str]) -> Iterator[str]:
    """Nginx with deploy/nginx.conf in front of `upstreams`; yields its base URL."""
    port = free_port()
    for sub in ("logs", "run"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "nginx.conf").write_text(nginx_config(port, upstreams))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    with (folder / "logs" / "stderr.log").open("w") as stderr:
        process = subprocess.Popen(
            [nginx, "-p", f"{folder}/", "-c", "nginx.conf"],
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        wait_for_port(port, process, "nginx (see " + str(folder / "logs") + ")")
        yield f"http://127.0.0.1:{port}"
    finally:
        process.send_signal(signal.SIGQUIT)  # graceful: finish what is in flight
        process.wait(timeout=20)


class RedisServer:
    """redis-server in the foreground on a free loopback port, nothing saved to disk."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start it (again, on the same port) and wait until it accepts connections."""
        self.folder.mkdir(parents=True, exist_ok=True)
        command = [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--daemonize", "no", "--dir", str(self.folder),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        wait_for_port(self.port, self.process, "redis-server")

    def stop(self) -> None:
        """Stop it and wait."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


if __name__ == "__main__":
    with (
        tempfile.TemporaryDirectory() as work,
        running_nginx(Path(work), sys.argv[1:] or ["127.0.0.1:8001", "127.0.0.1:8002"]) as url,
    ):
        print(f"nginx on {url}, in front of {sys.argv[1:]}; Ctrl-C stops it", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            signal.pause()
