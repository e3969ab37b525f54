"""Fixtures of the index's tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def reference_embedder():  # type: ignore[no-untyped-def]
    """sentence-transformers on torch: the reference the serving path must match."""
    from assistant.index.embedding import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder()
