"""Two questions in one message are answered part by part, with one numbering of citations."""

from __future__ import annotations

from datetime import date

from assistant.engine.answer import Answer, Citation, covering_snippet
from assistant.engine.parts import join_answers, split_questions
from assistant.index.corpus import Document


def test_split_questions() -> None:
    assert split_questions("Where did he study, and when?") == [
        "Where did he study?",
        "when did he study?",
    ]
    assert split_questions("What is CellDrift? Who uses it?") == [
        "What is CellDrift?",
        "Who uses it?",
    ]
    assert split_questions("Where did she study and what did she study?") == [
        "Where did she study?",
        "what did she study?",
    ]
    # One question, whatever its "and".
    for one in (
        "What did he build at Amazon and 7-Eleven?",
        "Which companies has he worked for?",
        "Where did he study? When?",
    ):
        assert split_questions(one) == [one]


def _citation(n: int, uid: str) -> Citation:
    return Citation(n, uid, uid, "about", "#about", f"{uid} text.", 0.5, "2026-01-01")


def test_join_answers_numbers_citations_once_and_drops_repeats() -> None:
    first = Answer("A said [1]. B said [2].", (_citation(1, "a"), _citation(2, "b")), False, 0.4)
    second = Answer("B said [1]. C said [2].", (_citation(1, "b"), _citation(2, "c")), False, 0.6)
    repeat = Answer("A said [1].", (_citation(1, "a"),), False, 0.3)
    joined = join_answers([first, second, repeat])
    # A sentence both parts quote is said once.
    assert joined.text == "A said [1]. B said [2]. C said [3]."
    assert [(c.n, c.id) for c in joined.citations] == [(1, "a"), (2, "b"), (3, "c")]
    assert joined.cited_ids == ("a", "b", "c") and joined.confidence == 0.6


def test_a_refused_part_leaves_the_answered_one() -> None:
    refused = Answer("Not covered [1].", (_citation(1, "contact"),), True, 0.0, reason="low_score")
    answered = Answer("A said [1].", (_citation(1, "a"),), False, 0.4)
    assert join_answers([refused, answered]) is answered
    assert join_answers([refused, refused]) is refused


def test_one_entry_cited_by_both_parts_cites_both_sentences() -> None:
    job = Document(
        "work",
        "work/lagerwerk",
        "Lagerwerk",
        "Engineer at Lagerwerk. Ships robots. Leads planning.",
        date(2026, 1, 1),
    )
    first = Answer(
        "Engineer at Lagerwerk [1].", (_cited(job, "Engineer at Lagerwerk."),), False, 0.5
    )
    second = Answer("Leads planning [1].", (_cited(job, "Leads planning."),), False, 0.5)
    joined = join_answers([first, second], lambda uid, snippets: covering_snippet(job, snippets))
    assert joined.text == "Engineer at Lagerwerk [1]. Leads planning [1]."
    # One contiguous span of the entry, verbatim, holding both quoted sentences.
    assert joined.citations[0].snippet == "Engineer at Lagerwerk. Ships robots. Leads planning."


def _cited(document: Document, snippet: str) -> Citation:
    return Citation(1, document.uid, document.title, "work", "#work", snippet, 0.5, "2026-01-01")
