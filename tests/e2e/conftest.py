"""Browser tests: Debian's chromium driven by Playwright against the real server.

They need /usr/bin/chromium (`apt-get install chromium`, done by .ci/run) and axe-core from
npm (`npm ci`). Without them the tests skip and say why; with CI set they fail instead.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from deploy.local import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "tests" / "e2e" / "artifacts"
# The real server's admin token, for the dashboard's tests.
ADMIN_TOKEN = "e2e-admin-token-" + "0123456789abcdef" * 2

XSS_ENTRY = """
  - id: markup-note
    title: "<img src=x onerror=alert(1)>"
    updated: 2026-08-01
    keywords: [markup, safety]
    text: >-
      Akshay keeps a note titled <img src=x onerror=alert(1)> about markup safety in widgets.
"""


def need(path: Path, how: str) -> None:
    if path.exists():
        return
    message = f"{path} is missing ({how})"
    if os.environ.get("CI"):
        pytest.fail(message + "; CI must run the browser tests")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict[str, Any]:
    need(CHROMIUM, "apt-get install chromium")
    return {
        "executable_path": str(CHROMIUM),
        "args": [
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-sandbox",
        ],
    }


@pytest.fixture(scope="session")
def axe_script() -> Path:
    need(AXE, "npm ci")
    return AXE


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def demo_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def assistant_url(tmp_path_factory: pytest.TempPathFactory, demo_port: int) -> Iterator[str]:
    """The real server (granian, 2 workers, the packaged model) on a corpus that also holds
    an entry whose title and text are HTML."""
    need(CHROMIUM, "apt-get install chromium")
    base = tmp_path_factory.mktemp("e2e")
    corpus = base / "corpus"
    shutil.copytree(ROOT / "corpus", corpus)
    projects = corpus / "projects.yaml"
    projects.write_text(projects.read_text() + XSS_ENTRY)
    port = free_port()
    env = {
        **os.environ,
        "ASSISTANT_ALLOWED_ORIGINS": f"http://127.0.0.1:{demo_port}",
        "ASSISTANT_RATE_LIMIT_PER_MINUTE": "0",
        "ASSISTANT_RATE_LIMIT_PER_DAY": "0",
        "ASSISTANT_LEADS_PER_HOUR": "0",
        "ASSISTANT_ADMIN_TOKEN": ADMIN_TOKEN,
        # The lockout test gives itself an address of its own with X-Forwarded-For.
        "ASSISTANT_TRUSTED_PROXIES": "1",
    }
    command = [
        sys.executable,
        "-m",
        "assistant.cli",
        "--corpus",
        str(corpus),
        "--instance",
        str(base / "instance"),
        "serve",
        "--port",
        str(port),
        "--workers",
        "2",
    ]
    log_path = base / "server.log"
    with (
        log_path.open("w") as log,
        subprocess.Popen(command, stdout=log, stderr=log, env=env, cwd=ROOT) as process,
    ):
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url + "/api/v1/ready", timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            process.kill()
            pytest.fail("server did not start: " + log_path.read_text()[-2000:])
        yield url
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


class DemoHandler(http.server.SimpleHTTPRequestHandler):
    """Serves web/demo.html (and the page's own files) with the widget's URL filled in."""

    assistant_url = ""

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        if self.path.split("?")[0] in ("/", "/demo.html"):
            body = (
                (ROOT / "web" / "demo.html")
                .read_text()
                .replace("http://127.0.0.1:8000", self.assistant_url)
                .encode()
            )
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_error(404)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="session")
def demo_url(assistant_url: str, demo_port: int) -> Iterator[str]:
    """web/demo.html served from another origin than the assistant (another port)."""
    handler = functools.partial(DemoHandler)
    DemoHandler.assistant_url = assistant_url
    server = http.server.ThreadingHTTPServer(("127.0.0.1", demo_port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{demo_port}/demo.html"
    server.shutdown()
    server.server_close()
