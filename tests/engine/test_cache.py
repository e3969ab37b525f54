from __future__ import annotations

import pytest

from assistant.engine import Assistant
from assistant.index.build import load_index
from assistant.settings import Settings
from assistant.storage.bounded import BoundedCache


def test_least_recently_used_entries_go_first() -> None:
    cache: BoundedCache[str] = BoundedCache(max_entries=2, max_bytes=1000, size_of=len)
    cache.put("a", "1")
    cache.put("b", "2")
    assert cache.get("a") == "1"  # "b" is now the least recently used
    cache.put("c", "3")
    assert cache.get("b") is None and cache.get("a") == "1" and cache.get("c") == "3"
    assert len(cache) == 2


def test_the_byte_bound_holds() -> None:
    cache: BoundedCache[str] = BoundedCache(max_entries=100, max_bytes=10, size_of=len)
    for key in "abcdef":
        cache.put(key, "xxxx")
    assert cache.bytes <= 10 and len(cache) == 2
    cache.put("big", "x" * 11)  # larger than the whole cache: not kept
    assert cache.get("big") is None


def test_zero_entries_turns_it_off() -> None:
    cache: BoundedCache[str] = BoundedCache(max_entries=0, max_bytes=10, size_of=len)
    cache.put("a", "1")
    assert cache.get("a") is None


def test_bad_bounds_are_refused() -> None:
    with pytest.raises(ValueError, match="bounds must be >= 0"):
        BoundedCache(max_entries=-1, max_bytes=10, size_of=len)


def test_repeated_questions_are_answered_from_the_cache(fake_assistant: Assistant) -> None:
    first = fake_assistant.ask("What is the Split Payment System?").answer
    calls = len(fake_assistant.retriever.embedder.calls)  # type: ignore[union-attr]
    again = fake_assistant.ask("what is the  split payment system?").answer
    assert again == first
    assert len(fake_assistant.retriever.embedder.calls) == calls  # type: ignore[union-attr]


def test_the_cache_key_includes_the_conversation(fake_assistant: Assistant) -> None:
    fake_assistant.ask("Tell me about the Split Payment System", session_id="s1")
    fake_assistant.ask("Tell me about the QSR Integration Platform", session_id="s2")
    first = fake_assistant.ask("What was its impact?", session_id="s1").answer
    second = fake_assistant.ask("What was its impact?", session_id="s2").answer
    assert first.cited_ids != second.cited_ids


def test_a_new_index_never_serves_old_answers(built: Settings, fake_assistant: Assistant) -> None:
    # The Assistant of a newly loaded index starts from an empty cache.
    fake_assistant.ask("What is the Split Payment System?")
    assert len(fake_assistant._answers) > 0  # noqa: SLF001 - the point of the test
    fresh = fake_assistant.with_index(load_index(built.index_root))
    assert len(fresh._answers) == 0  # noqa: SLF001


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("embedder", "gpu", "embedder must be 'onnx' or 'torch'"),
        ("answer_cache_entries", -1, "answer_cache_entries must be >= 0"),
    ],
)
def test_bad_settings_are_refused(field: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Settings(**{field: value})  # type: ignore[arg-type]
