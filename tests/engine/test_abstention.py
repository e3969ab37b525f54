"""The refusals decided from a question's words, before retrieval (assistant.engine.abstention)."""

from __future__ import annotations

from assistant.engine import refusals
from assistant.engine.abstention import judge
from assistant.engine.question_terms import analyse
from assistant.index.vocabulary import Vocabulary


def _vocabulary(texts: list[str], common_words: str) -> Vocabulary:
    return Vocabulary.from_texts(texts, common_words=common_words.split(), owner="Akshay Kale")


VOCAB = _vocabulary(
    [
        "Akshay managed the Carrier Selection Engine, a product for shipping partners.",
        "He built the 7NOW app and its payments.",
    ],
    "the a product hardware app team managed built designed payments",
)


def _reason(question: str, vocabulary: Vocabulary = VOCAB) -> str:
    # No passages: a question the words do not refuse goes on to retrieval (no_passage here).
    return judge(analyse(question, vocabulary), [], degraded=False).reason


def test_a_yes_no_question_about_what_he_never_did_is_refused() -> None:
    assert _reason("Has he designed a product?") == refusals.NOT_DONE


def test_a_yes_no_question_with_another_unknown_word_goes_to_retrieval() -> None:
    # Refusing every unknown word ("reducing power consumption") cost answers on the
    # evaluation portfolios: retrieval decides.
    assert _reason("Has he built the 7NOW app for a team?") == refusals.NO_PASSAGE
    assert _reason("Has he managed a product?") == refusals.NO_PASSAGE
    assert _reason("Has he built payments hardware?") == refusals.NO_PASSAGE


def test_a_thing_narrowed_by_a_word_the_portfolio_never_uses_is_refused() -> None:
    verdict = judge(analyse("Has he managed a hardware product?", VOCAB), [], degraded=False)
    assert verdict.reason == refusals.UNKNOWN_TOPICS
    assert verdict.missing == ("hardware product",)
    # Not a verb's -ing before its object, nor one of alternatives, nor the verb itself.
    vocabulary = _vocabulary(
        ["Akshay worked on the payments app and cut its power use."],
        "cut power use payments app worked reducing on and its the",
    )
    assert _reason("Has he worked on reducing power use?", vocabulary) == refusals.NO_PASSAGE
    assert _reason("Has he built payments or hardware products?") == refusals.NO_PASSAGE
    assert _reason("Has he built a team or hardware product?") == refusals.NO_PASSAGE
    # Only what was done, right after the verb: "with hardware payments" says how.
    assert _reason("Has he managed the product with hardware payments?") == refusals.NO_PASSAGE


def test_an_open_question_with_an_unknown_word_goes_to_retrieval() -> None:
    assert _reason("Which hardware product did he manage?") == refusals.NO_PASSAGE


def test_an_open_question_about_a_verb_the_portfolio_never_uses_is_refused() -> None:
    terms = analyse("Which product did he teach?", VOCAB)
    assert judge(terms, [], degraded=False).reason == refusals.NO_PASSAGE
    verdict = judge(terms, [], degraded=False, unshown_verbs=frozenset({"teach"}))
    assert verdict.reason == refusals.NOT_DONE


def test_the_thing_done_spelled_out_in_one_sentence_is_evidence_for_any_verb() -> None:
    # "Has he designed the payments?" when a sentence says he built them: retrieval decides.
    terms = analyse("Has he designed the payments app?", VOCAB)
    assert judge(terms, [], degraded=False).reason == refusals.NOT_DONE
    assert judge(terms, [], degraded=False, spelled_out=True).reason == refusals.NO_PASSAGE


def test_a_known_verb_about_an_unknown_thing_is_refused() -> None:
    vocabulary = _vocabulary(
        ["Akshay worked at 7-Eleven on delivery."],
        "worked banking delivery background have the in on at",
    )
    assert _reason("Has he worked in banking?", vocabulary) == refusals.UNKNOWN_TOPICS
    # Something known beside it goes on to retrieval.
    assert _reason("Has he worked on banking delivery?", vocabulary) == refusals.NO_PASSAGE
    # "have" is no topic: "delivery" is the thing asked about, not a verb.
    assert _reason("Does he have a delivery background?", vocabulary) == refusals.NO_PASSAGE
