from __future__ import annotations

import pytest

from assistant.engine import Assistant
from assistant.index.build import load_index
from assistant.index.retrieval import Retriever
from assistant.settings import Settings

pytestmark = pytest.mark.model


def top(assistant: Assistant, text: str) -> str:
    retriever = assistant.retriever
    return retriever.search(text, retriever.query_vector(text))[0].chunk.uid


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("QSR", "projects/qsr-integration-platform"),
        ("SNAP EBT", "projects/split-payment-system"),
        ("7NOW", "experience/7-eleven|about/current-role"),
        ("Kafka", "insights/uber-real-time-dispatch"),
        ("idempotency key", "insights/stripe-idempotent-apis"),
    ],
)
def test_exact_names_are_found(real_assistant: Assistant, query: str, expected: str) -> None:
    assert top(real_assistant, query) in expected.split("|")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("where did he study", "about/education"),
        ("what is he looking for in his next job", "about/career-goal"),
        ("how do I get hold of him", "contact/contact"),
        (
            "what did he do for the delivery of food at seven eleven",
            "experience/7-eleven|about/current-role",
        ),
        (
            "which system picked the shipping partner for each order",
            "projects/carrier-selection-engine",
        ),
        ("what school gave him his masters", "about/education"),
    ],
)
def test_paraphrases_are_found(real_assistant: Assistant, query: str, expected: str) -> None:
    assert top(real_assistant, query) in expected.split("|")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("carier selecton engine", "projects/carrier-selection-engine"),
        ("split paymnet sytem", "projects/split-payment-system"),
        ("wher did he go to scool", "about/education"),
    ],
)
def test_typos_are_survived(real_assistant: Assistant, typed: str, expected: str) -> None:
    from assistant.engine.question_terms import analyse

    repaired = analyse(typed, real_assistant.retriever.vocabulary).text
    assert top(real_assistant, repaired) == expected


def test_keyword_search_alone_still_finds_names(
    real_assistant: Assistant, model_settings: Settings
) -> None:
    retriever = Retriever(load_index(model_settings.index_root), embedder=None)
    assert retriever.degraded
    assert (
        retriever.search("QSR platform", None)[0].chunk.uid == "projects/qsr-integration-platform"
    )
