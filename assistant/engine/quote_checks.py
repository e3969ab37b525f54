"""Whether the sentences chosen say what was asked: the last checks before answering.

Retrieval finds entries close to the question; these checks refuse when the quotes, though
close, do not say it: they do not name what the question asks about in words the portfolio
uses, do not say the deed asked, or do not state the amount or number the question gives.
"""

from __future__ import annotations

from assistant.engine import comparison, refusals
from assistant.engine.answer import Quote
from assistant.engine.evidence import Evidence, deeds
from assistant.engine.question_terms import QuestionTerms
from assistant.index.words import may_name_a_thing, sentence_terms, sentence_verbs, term


def quotes_miss(
    question: str,
    terms: QuestionTerms,
    quotes: list[Quote],
    named_sections: frozenset[str],
    named_rows: frozenset[int],
    evidence: Evidence,
) -> tuple[str, str] | None:
    """Why the quotes do not answer (a code of engine.refusals, a detail), or None.

    `named_sections` and `named_rows` are what the question's words stand in for ("hobbies":
    the interests): quoting them names what was asked.
    """
    # What one does with the kind of entry quoted is no word it must use ("What
    # software does she use?": her software).
    unused = [
        u for u in terms.unknown if not all(evidence.pointers.verb_fits(u, q.hit) for q in quotes)
    ]
    if unused and not any(
        q.passage.overlap > 0
        or q.hit.chunk.section in named_sections
        or q.hit.position in named_rows
        for q in quotes
    ):
        # With words the corpus never uses in the question, the quoted sentences must at
        # least name what it asks about ("undergraduate degree" is not the MS sentence).
        return refusals.OFF_THE_POINT, ""
    done_known = {term(t) for t in terms.done_to if t not in terms.unknown}
    if (
        done_known
        and len(done_known) < len(terms.done_to)
        and not any(done_known & sentence_terms(q.passage.text) for q in quotes)
    ):
        # "Has he worked on computer vision?": "vision" is no word of his, and his jobs,
        # quoted for "worked", say nothing of computers either (his degree does).
        return refusals.OFF_THE_POINT, ""
    done = deeds(terms.predicate)
    # The things the deed was done to, in the portfolio's words as asked: not a word
    # standing in for one ("opportunities": jobs), nor how it was done ("new").
    things = [
        t
        for t in terms.done_to
        if t not in terms.unknown and t not in terms.related and may_name_a_thing(t)
    ]
    if (
        things
        and terms.predicate not in terms.unknown
        and any(done & sentence_verbs(q.passage.text) for q in quotes)
        and not any(evidence.names_thing(q.hit, things) for q in quotes)
    ):
        # "Has she taught at a university?": "Taught physics to students aged 15 to 18"
        # says the deed, done at a lycée; no entry quoted names what it was done to (the
        # université is where she studied).
        return refusals.OFF_THE_POINT, ""
    if (
        done_known
        and len(done_known) < len(terms.done_to)
        and terms.predicate not in terms.unknown
        and done
        and not any(done & sentence_verbs(q.passage.text) for q in quotes)
    ):
        # "Has she managed a support team?": "Manages" is her word and "team" is not; a
        # support job that never says she managed is no answer.
        return refusals.OFF_THE_POINT, ""
    if (
        terms.predicate is not None
        and comparison.gives_an_amount(question)
        and not any(comparison.states_a_number(q.passage.text) for q in quotes)
    ):
        # "Has he managed a budget of over a million pounds?" is not answered by a talk on
        # error budgets: a yes/no question giving an amount needs a sentence stating one.
        return refusals.NO_COUNT, "no quoted sentence states an amount"
    given = comparison.numbers_given(question) if terms.predicate is not None else set()
    if given and not any(given <= comparison.numbers_given(q.passage.text) for q in quotes):
        # "Has she run phase 3 trials?" is not answered by "... entered phase 1 trials":
        # a number given exactly is a fact the sentence must state.
        return refusals.NO_COUNT, "no quoted sentence states the number given"
    return None
