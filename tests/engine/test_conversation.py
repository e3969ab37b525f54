from __future__ import annotations

import pytest

from assistant.engine.conversation import is_follow_up, resolve
from assistant.engine.question_terms import analyse
from assistant.index.vocabulary import Vocabulary
from assistant.storage.base import Turn

VOCAB = Vocabulary.from_texts(["The Split Payment System doubled the basket size impact."])


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("What was its impact?", True),
        ("And the basket size?", True),
        ("How about that one?", True),
        ("What is the Split Payment System?", False),
        ("Tell me more", True),
    ],
)
def test_follow_up_detection(question: str, expected: bool) -> None:
    assert is_follow_up(question, analyse(question, VOCAB)) is expected


def test_follow_up_joins_the_topic_of_the_latest_turn() -> None:
    history = [
        Turn(
            "Tell me about the split payment system",
            "Tell me about the split payment system",
            ("projects/split-payment-system",),
        )
    ]
    resolved = resolve("What was its impact?", analyse("What was its impact?", VOCAB), history)
    assert resolved.follow_up
    assert resolved.query == "Tell me about the split payment system What was its impact?"
    assert resolved.topic == history[0].topic
    assert resolved.prior_ids == ("projects/split-payment-system",)


def test_self_contained_questions_start_a_new_topic() -> None:
    history = [
        Turn("Tell me about the split payment system", "Tell me about the split payment system")
    ]
    question = "What is the basket size?"
    resolved = resolve(question, analyse(question, VOCAB), history)
    assert not resolved.follow_up and resolved.query == question and resolved.topic == question


def test_no_history_means_no_follow_up() -> None:
    resolved = resolve("What was its impact?", analyse("What was its impact?", VOCAB), [])
    assert not resolved.follow_up


def test_an_owner_who_uses_they_is_not_an_earlier_answer() -> None:
    vocabulary = Vocabulary.from_texts(["Rowan works on the ticketing app."], owner="Rowan")
    question = "Where do they work now?"
    terms = analyse(question, vocabulary)
    # "they" would point back at an earlier answer; for this owner it is the owner.
    assert is_follow_up(question, terms)
    assert not is_follow_up(question, terms, frozenset({"they", "them", "their"}))
    assert is_follow_up("What was its impact?", terms, frozenset({"they", "them", "their"}))
