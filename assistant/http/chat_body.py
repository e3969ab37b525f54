"""The chat response's JSON, kept per answer: a repeated question only splices in its two ids.

A repeated question is answered from the engine's cache in microseconds; turning the answer
into JSON then cost about a sixth of the request. The answer's part of the body is the same
for every request with the same answer key (index version, model state, question, the
conversation's latest turn), so it is serialised once and kept, bounded in entries and bytes.
The bytes are those `jsonify` writes: compact separators, ASCII, the contract's field order.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Any

from assistant.engine import Reply
from assistant.http.responses import chat_response

MAX_ENTRIES = 4096
MAX_BYTES = 16 * 1024 * 1024


def _dumps(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True)


def body_parts(reply: Reply) -> tuple[bytes, bytes, bytes]:
    """The body around the session id and the request id, in the field order of the contract."""
    fields = chat_response(reply, request_id="")
    names = list(fields)
    session_at, request_at = names.index("session_id"), names.index("request_id")
    head = {k: fields[k] for k in names[:session_at]}
    middle = {k: fields[k] for k in names[session_at + 1 : request_at]}
    tail = {k: fields[k] for k in names[request_at + 1 :]}
    return (
        (_dumps(head)[:-1] + ',"session_id":"').encode(),
        ('",' + _dumps(middle)[1:-1] + ',"request_id":"').encode(),
        ('",' + _dumps(tail)[1:] + "\n").encode(),
    )


class ChatBodies:
    """Serialised answers by answer key, least recently used out first."""

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._parts: OrderedDict[str, tuple[bytes, bytes, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def body(self, reply: Reply, request_id: str) -> bytes:
        """The response body for this reply and request.

        Both ids are of [A-Za-z0-9._-] (validated on the way in), so they need no escaping.
        """
        key = reply.answer_key
        with self._lock:
            parts = self._parts.get(key) if key else None
            if parts is not None:
                self._parts.move_to_end(key)
        if parts is None:
            parts = body_parts(reply)
            # Only answers asked for again are kept: a question asked once (most distinct
            # ones) would only push repeated ones out.
            if key and reply.repeated:
                self._keep(key, parts)
        head, middle, tail = parts
        return b"".join((head, reply.session_id.encode(), middle, request_id.encode(), tail))

    def _keep(self, key: str, parts: tuple[bytes, bytes, bytes]) -> None:
        size = sum(len(p) for p in parts)
        if size > self.max_bytes // 64:  # a huge answer is not worth keeping
            return
        with self._lock:
            if key in self._parts:
                return
            self._parts[key] = parts
            self._bytes += size
            while len(self._parts) > self.max_entries or self._bytes > self.max_bytes:
                _, dropped = self._parts.popitem(last=False)
                self._bytes -= sum(len(p) for p in dropped)
