"""Sources (the citations beside a logged or rated answer) as compact JSON, for both backends."""

from __future__ import annotations

import json
from collections.abc import Sequence

from assistant.storage.base import Source


def encode_sources(sources: Sequence[Source]) -> str:
    """Sources as a JSON list of [n, title, url]."""
    return json.dumps([[s.n, s.title, s.url] for s in sources], separators=(",", ":"))


def decode_sources(text: str) -> tuple[Source, ...]:
    """The sources `encode_sources` wrote ("" or "[]": none)."""
    return tuple(Source(int(n), str(title), str(url)) for n, title, url in json.loads(text or "[]"))
