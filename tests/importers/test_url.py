"""Importing the owner's page by URL, from a local HTTP server."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.importers import download as fetch_module
from assistant.index.corpus import load_corpus
from tests.importers.support import PORTFOLIOS, run_import

PAGE = (PORTFOLIOS / "scientist-html" / "index.html").read_bytes()


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        if self.path == "/":
            self._send(200, PAGE, "text/html; charset=utf-8")
        elif self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/")
            self.end_headers()
        elif self.path == "/huge":
            self._send(200, b"<p>" + b"x" * 2_000_000 + b"</p>", "text/html")
        elif self.path == "/slow":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            for _ in range(300):  # a byte every 0.1 s: each read is quick, the whole is not
                self.wfile.write(b"<")
                self.wfile.flush()
                time.sleep(0.1)
        elif self.path == "/image":
            self._send(200, b"\x89PNG\r\n\x1a\n....", "image/png")
        else:
            self._send(404, b"not here", "text/plain")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", "Tue, 01 Sep 2026 10:00:00 GMT")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        # The importer hangs up on the huge and the slow page, as it should. The default
        # prints the broken pipe to stderr, and a handler of an earlier test still writing
        # lands it in the import output a later test reads.
        pass


@pytest.fixture
def site() -> Iterator[str]:
    server = _QuietServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.block_on_close = False  # the slow handler may still be writing
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_import_by_url(site: str, tmp_path: Path) -> None:
    result = run_import(f"{site}/moved", "--corpus", str(tmp_path / "c"), "--pronouns", "she")
    assert result.exit_code == 0, result.output
    corpus = load_corpus(tmp_path / "c")
    assert corpus.site.owner == "Ines Castellano-Mbeki"
    # Citations link to the page that was fetched (after the redirect), at the section's id.
    assert corpus.site.url_for("research") == f"{site}/#research"
    assert corpus.documents[0].updated.isoformat() == "2026-09-01"
    assert corpus.documents[0].source is not None and corpus.documents[0].source.startswith(
        f"{site}/moved: "
    )


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/missing", "the server answered 404 Not Found"),
        ("/huge", "too large (2000007 bytes; the limit is 1000000)"),
        ("/slow", "could not fetch it (timed out)"),
        ("/image", "unknown format image/png"),
    ],
)
def test_bad_url(
    site: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str, message: str
) -> None:
    monkeypatch.setattr(fetch_module, "MAX_BYTES", 1_000_000)
    monkeypatch.setattr(fetch_module, "TIMEOUT_SECONDS", 1.0)
    started = time.monotonic()
    result = run_import(f"{site}{path}", "--corpus", str(tmp_path / "c"))
    # Not a speed test: without the deadline the slow page would take 30 s.
    assert time.monotonic() - started < 15
    assert result.exit_code == 1
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "c").exists()


def test_unreachable_url(tmp_path: Path) -> None:
    result = run_import("http://127.0.0.1:9/", "--corpus", str(tmp_path / "c"))
    assert result.exit_code == 1
    assert "could not fetch it" in result.output
