"""Idempotent retries of POST /api/v1/chat, keyed by the client's Idempotency-Key header.

Following Stripe's keys and the IETF draft "The Idempotency-Key HTTP Header Field": the first
request with a key runs and its response is kept for at least a day; a retry with the same key
and body gets that response again (marked Idempotent-Replayed) without running again; the same
key with another body is refused (422); a retry while the first is still running gets 409.
Records live in the server's storage (see assistant.storage), where the claim is atomic.
"""

from __future__ import annotations

import hashlib
import json
import re

KEY_PATTERN = re.compile(r'^"?([A-Za-z0-9_-]{1,255})"?$')


def parse_key(header: str) -> str | None:
    """The key from an Idempotency-Key header value (quoted or bare), or None if malformed."""
    match = KEY_PATTERN.match(header.strip())
    return match.group(1) if match else None


def body_digest(body: bytes) -> str:
    """A stable hash of a JSON body (key order and spacing do not matter)."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
    except (ValueError, RecursionError):  # not JSON, or nested past the recursion limit
        canonical = body.decode("utf-8", "replace")
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()
