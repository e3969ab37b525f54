"""Which sentences of which entries answer: the quotes, before the last checks.

A list of entries quotes each one's best sentence; otherwise the entry pointed at, or the
entries that say what is asked, then the best ones, each with its sentences best first, and
with a line of the owner's work when only a summary of it would be quoted.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.engine import comparison, refusals
from assistant.engine.answer import Answer, Quote, choose_sentences, compose, list_quotes
from assistant.engine.conversation import Resolved
from assistant.engine.evidence import Evidence
from assistant.engine.ordering import numbered
from assistant.engine.question_terms import QuestionTerms, things_asked
from assistant.engine.replies import Replies
from assistant.index.retrieval import Hit, Retriever, Vector
from assistant.index.words import singular

# Entries considered when composing an ordinary answer.
TOP_ENTRIES = 3
# Two words embedded alone this close name the same thing counted ("customers" ~ "users").
SAME_THING_MIN_COSINE = 0.5


def choose_quotes(
    evidence: Evidence,
    retriever: Retriever,
    *,
    question: str,
    terms: QuestionTerms,
    resolved: Resolved,
    query_vector: Vector | None,
    verbs: frozenset[str],
    asked: frozenset[str],
    listed: list[Hit] | None,
    only_entry: Hit | None,
    candidates: list[Hit],
    spelling_out: list[Hit],
) -> list[Quote]:
    """The quotes answering a question the portfolio answers.

    `listed` are the entries a list question asks for, `only_entry` the one the question
    points at, `candidates` the entries in the order decided, `spelling_out` those with a
    sentence saying what is asked, `asked` the sections the question reads like and `verbs`
    what it says the owner did.
    """
    # Entries come from the resolved query; sentences are chosen by the question as asked.
    sentence_vector = retriever.query_vector(terms.text) if resolved.follow_up else query_vector
    if listed and len(listed) > 1:
        quotes = list_quotes(
            evidence.with_passages(listed, terms.text, sentence_vector),
            evidence.pointers.says_year_asked(terms),
        )
    else:
        if listed:
            # A list of one ("the jobs ... in forecasting") is that entry: its sentences
            # that answer, not its opening alone.
            top = listed
        elif only_entry is not None:
            # The entry the question points at by its title or a word of its own.
            top = [only_entry]
        elif resolved.follow_up:
            top = candidates[:1]
        else:
            # Entries with a sentence that says what is asked first, then the best; an
            # introduction only when no other entry says it.
            detailed = [h for h in spelling_out if h.chunk.section not in evidence.introductions]
            if detailed:
                candidates = [
                    h for h in candidates if h.chunk.section not in evidence.introductions
                ]
                spelling_out = detailed
            if terms.predicate_is_verb and terms.predicate is not None:
                # "Has she built a research repository?": the line of her work doing it,
                # not a talk titled with it, when both say it.
                predicate = terms.predicate
                doing = [h for h in spelling_out if evidence.pointers.shows_doing(predicate, h)]
                if doing:
                    candidates = [
                        h
                        for h in candidates
                        if h in doing or evidence.pointers.shows_doing(predicate, h)
                    ]
                    spelling_out = doing
            ranked_hits = spelling_out + [h for h in candidates if h not in spelling_out]
            top = ranked_hits[:TOP_ENTRIES]
            strongest = max(candidates, key=lambda h: h.score)
            if strongest not in top:
                # The sections the question reads like come first, but the entry that
                # matches best stays in the running ("Mentors 4 mobile engineers").
                top = [*top[:-1], strongest]
        # In an open question, what the owner did is what is asked ("What did she build at
        # Brambly Foods?"); a yes/no one asks about a thing ("Have they built offline
        # features?": "Added offline sync", not "Built the reminder app").
        asked_verbs = verbs if terms.predicate is None else frozenset()
        ranked = evidence.with_passages(top, terms.text, sentence_vector, asked_verbs)
        with_numbers = numbered(question, ranked)
        if with_numbers:
            # "How many citations ...": the sentences that state a number answer it.
            ranked, whole_entry = with_numbers, False
        else:
            by_meaning = evidence.pointers.asked_by_meaning(asked, terms)
            if top and top[0].chunk.section in by_meaning:
                # The question asks for a kind of entry without naming it ("Where did she
                # study?"): the others are not its answer. One that names it ("years of
                # experience") may ask for a detail found elsewhere.
                top = [h for h in top if h.chunk.section in by_meaning]
                ranked = [(h, ps) for h, ps in ranked if h in top]
            whole_entry = evidence.pointers.names_entry(terms, top)
        quotes = choose_sentences(ranked, follow_up=resolved.follow_up, whole_entry=whole_entry)
        if terms.predicate is None and not resolved.follow_up:
            things = things_asked(verbs, terms)
            quotes += evidence.used_in_work(quotes, things, candidates, terms.text, query_vector)
        elif terms.predicate_is_verb and terms.predicate is not None:
            quotes += evidence.done_in_work(quotes, terms, candidates, terms.text, query_vector)
    return quotes


def compared_answer(
    compared: comparison.Comparison,
    pool: list[Hit],
    terms: QuestionTerms,
    query_vector: Vector | None,
    best: float,
    *,
    retriever: Retriever,
    replies: Replies,
) -> Answer | None:
    """The answer to "which ... the most users", from the counts the entries state.

    None when the question does not compare counts ("the most recent", "most proud"); a
    refusal when it does and no entry counts the thing asked.
    """

    def same_thing(asked: str, counted: str) -> bool:
        return retriever.word_similarity(asked, counted) >= SAME_THING_MIN_COSINE

    stated = [(n, comparison.counts(h.chunk.passages)) for n, h in enumerate(pool)]
    found = comparison.pick(compared, stated, same_thing)
    if found is None:
        thing = compared.thing
        if singular(thing) != thing or thing in comparison.SCALE_WORDS:
            refusal = replies.refusal(refusals.NO_COUNT, best)
            return replace(refusal, detail=f"no entry counts {thing}")
        return None
    position, count = found
    hit = pool[position]
    passages = {p.passage_index: p for p in retriever.passages(hit, terms.text, query_vector)}
    indexes = sorted({0, count.passage_index})
    quotes = [Quote(hit, passages[i]) for i in indexes if i in passages]
    owner = replies.corpus.site.first_name
    lead = f"Of the numbers {owner}'s portfolio states, the {compared.direction} is {count.text}."
    answer = compose(quotes, replies.corpus, max(0.0, hit.score), retriever.degraded, lead=lead)
    return replies.with_follow_ups(answer)
