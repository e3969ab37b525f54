"""Fetch the owner's page once, at import time, with a timeout and a size limit."""

from __future__ import annotations

import email.utils
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any

from assistant.errors import ImportProblem

TIMEOUT_SECONDS = 15.0
MAX_BYTES = 5_000_000
_PIECE_BYTES = 65_536


@dataclass(frozen=True)
class Fetched:
    """A fetched document."""

    url: str  # after redirects
    content_type: str
    body: bytes
    last_modified: str | None  # ISO date, when the server says


def fetch(url: str, timeout: float | None = None, max_bytes: int | None = None) -> Fetched:
    """GET the URL, or raise ImportProblem saying why not."""
    timeout = timeout or TIMEOUT_SECONDS
    max_bytes = max_bytes or MAX_BYTES
    request = urllib.request.Request(
        url, headers={"User-Agent": "portfolio-assistant-import", "Accept": "text/html,*/*"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise ImportProblem(
                    f"{url}: too large ({declared} bytes; the limit is {max_bytes})"
                )
            body = _read_within(response, url, time.monotonic() + timeout, max_bytes)
            modified = response.headers.get("Last-Modified")
            return Fetched(
                url=response.geturl(),
                content_type=response.headers.get_content_type(),
                body=body,
                last_modified=_iso_date(modified),
            )
    except urllib.error.HTTPError as exc:
        exc.close()  # it holds the connection
        raise ImportProblem(f"{url}: the server answered {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        raise ImportProblem(f"{url}: could not fetch it ({exc.reason})") from exc
    except (TimeoutError, OSError, ValueError) as exc:
        raise ImportProblem(f"{url}: could not fetch it ({exc or 'timed out'})") from exc


def _read_within(response: Any, url: str, deadline: float, max_bytes: int) -> bytes:
    """The body, read in pieces: `timeout` bounds each read, the deadline the whole body."""
    pieces: list[bytes] = []
    size = 0
    while piece := response.read1(_PIECE_BYTES):
        pieces.append(piece)
        size += len(piece)
        if size > max_bytes:
            raise ImportProblem(f"{url}: too large (over {max_bytes} bytes)")
        if time.monotonic() > deadline:
            raise ImportProblem(f"{url}: could not fetch it (timed out)")
    return b"".join(pieces)


def _iso_date(header: str | None) -> str | None:
    if not header:
        return None
    try:
        return email.utils.parsedate_to_datetime(header).date().isoformat()
    except (TypeError, ValueError):
        return None
