"""The evidence a question needs: sentences that spell out what was asked or done.

A sentence holding every thing asked, a line of the owner's work doing the deed asked, the
size of a change, an entry naming what a deed was done to; and where a thing appears only
in sections that are no evidence of the owner's work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from assistant.engine import comparison
from assistant.engine.abstention import SPELLED_OUT_MIN_TOPICS
from assistant.engine.answer import MAX_SENTENCES, Quote
from assistant.engine.pointers import Pointers
from assistant.engine.question_terms import QuestionTerms
from assistant.index.build import SearchIndex
from assistant.index.kinds import SKILLS, WORK
from assistant.index.retrieval import Hit, PassageHit, Retriever, Vector
from assistant.index.words import keyword_terms, sentence_terms, sentence_verbs, term, verb_lemmas

# Entries searched for a sentence that spells out what is asked.
SPELLED_OUT_ENTRIES = 5


class Evidence:
    """Finds the sentences that say what a question asks, in one loaded index."""

    def __init__(
        self,
        index: SearchIndex,
        retriever: Retriever,
        pointers: Pointers,
        introductions: frozenset[str],
        not_evidence: frozenset[str],
        not_evidence_rows: frozenset[int],
    ) -> None:
        self.index = index
        self.retriever = retriever
        self.pointers = pointers
        self._entry_terms = pointers.entry_terms
        # Introduction sections: they sum up the work in general words.
        self.introductions = introductions
        # Sections, and entries, that never show the owner's own work.
        self.not_evidence = not_evidence
        self.not_evidence_rows = not_evidence_rows

    def names_thing(self, hit: Hit, things: Iterable[str]) -> bool:
        """Whether the hit's entry names one of the things, in its words or by its kind.

        "papers" is a publication's kind, though "Lucas published ... with Interspeech"
        never says "paper".
        """
        known = {term(t) for t in things}
        return bool(known & sentence_terms(hit.chunk.keyword_text)) or any(
            hit.chunk.section in self.pointers.sections_named(t) for t in things
        )

    def used_in_work(
        self,
        quotes: list[Quote],
        things: list[str],
        candidates: list[Hit],
        text: str,
        vector: Vector | None,
    ) -> list[Quote]:
        """A sentence of the owner's work using what only a list of skills was quoted for.

        "Tell me about her forecasting": "Methods: forecasting, A/B testing, regression" says
        she has the skill; "Forecast fresh-produce demand ..., cutting food waste by 12%"
        says what she did with it. None when the quotes say more than a skills list.
        """
        skills = self.pointers.sections_of(SKILLS)
        if not quotes or not things or any(q.hit.chunk.section not in skills for q in quotes):
            return []
        asked = {term(t) for t in things}
        for hit in candidates:
            if (
                hit.chunk.section in skills
                or hit.position in self.not_evidence_rows
                or not any(asked <= sentence_terms(p) for p in hit.chunk.passages)
            ):
                continue
            # The entry's sentences are scored only once one of them says it.
            for passage in self.retriever.passages(hit, text, vector):
                if asked <= sentence_terms(passage.text):
                    return [Quote(hit, passage)][: MAX_SENTENCES - len(quotes)]
        return []

    def done_in_work(
        self,
        quotes: list[Quote],
        terms: QuestionTerms,
        candidates: list[Hit],
        text: str,
        vector: Vector | None,
    ) -> list[Quote]:
        """A line of work doing what only a summary of the owner was quoted for.

        The introduction and the skills sum up the work in general words; the line of a job
        or project says where and how much. "Has she run workshops?": "... run the
        workshops" and "Speaking: workshops, ..." come with "Organised 30 workshops across 8
        countries", which holds every thing asked; "Has she designed mass timber
        structures?": "I specialise in mass-timber structures" with "Designed the 9-storey
        cross-laminated timber housing block", in a form of the verb asked with a thing
        asked. None when a quote already comes from such a line.
        """
        summaries = self.introductions | self.pointers.sections_of(SKILLS)
        if not quotes or any(q.hit.chunk.section not in summaries for q in quotes):
            return []
        asked = {term(t) for t in terms.done_to if t not in terms.unknown}
        if not asked:
            return []
        predicate = terms.predicate or ""
        done = deeds(predicate)
        lines = [
            (hit, sentence)
            for hit in candidates
            if hit.chunk.section not in summaries
            and hit.position not in self.not_evidence_rows
            and self.pointers.shows_doing(predicate, hit)
            for sentence in hit.chunk.passages
        ]
        found = next(((h, s) for h, s in lines if asked <= sentence_terms(s)), None) or next(
            (
                (h, s)
                for h, s in lines
                if done and asked & sentence_terms(s) and done & sentence_verbs(s)
            ),
            None,
        )
        if found is None:
            return []
        hit, sentence = found
        scored = self.retriever.passages(hit, text, vector)
        passage = next((p for p in scored if p.text == sentence), None)
        return [] if passage is None else [Quote(hit, passage)][: MAX_SENTENCES - len(quotes)]

    def with_passages(
        self,
        hits: list[Hit],
        text: str,
        vector: Vector | None,
        verbs: frozenset[str] = frozenset(),
    ) -> list[tuple[Hit, list[PassageHit]]]:
        """Each entry with its sentences, best first.

        A sentence saying what the question says the owner did (`verbs`, in any form) comes
        first in its entry: "What did she build at Brambly Foods?" is "Built the weekly sales
        dashboard ...". Not working, which every line of a job is.
        """
        done = {term(v) for v in verbs if v not in WORK.verbs}
        ranked = []
        for hit in hits:
            passages = self.retriever.passages(hit, text, vector)
            if done:
                passages.sort(
                    key=lambda p: (p.adds, bool(done & sentence_terms(p.text))),
                    reverse=True,
                )
            ranked.append((hit, passages))
        return ranked

    def spelled_out(
        self, terms: QuestionTerms, candidates: list[Hit], with_verb: bool = False
    ) -> list[Hit]:
        """The best entries with a sentence that uses every topic of the question.

        One shared word is chance ("manage" in "hospital managers"); two or more in one
        sentence are what the question asks about, and so is one in a sentence that gives a
        number for a question asking how many or how big ("How big is his team?": "Leads the
        reliability team of 5 engineers"). Unless `with_verb`, what the owner did may be
        worded otherwise ("handled" incident response, "Wrote the incident response
        playbook"): the thing done is what must be spelled out.
        """
        topics = {t for t in terms.topics if with_verb or t != terms.predicate}
        if with_verb and terms.predicate_is_verb and topics == {terms.predicate}:
            # "Has he taught anyone?": what he did is all that is asked; a sentence saying
            # it in a form of the verb ("Taught 40 volunteers ...") does, whatever section
            # the verb reads like. Not a noun sharing its stem ("hospital managers").
            done = verb_lemmas(terms.predicate)
            return [
                hit
                for hit in candidates[:SPELLED_OUT_ENTRIES]
                if done
                and hit.position not in self.not_evidence_rows
                and any(done & sentence_verbs(p) for p in hit.chunk.passages)
            ]
        # What was done is the thing asked, however the rest of a yes/no question words how:
        # "reduced support tickets with better docs" is "cutting support tickets". The
        # sentence itself must say it, not with its entry's title ("Support Engineer").
        done_to = not with_verb and len(terms.done_to) >= SPELLED_OUT_MIN_TOPICS
        if done_to:
            topics = set(terms.done_to)
        counting = comparison.asks_how_many(terms.text)
        if not topics or len(topics) < SPELLED_OUT_MIN_TOPICS and not counting:
            return []
        asked = {term(t) for t in topics}
        # Said by an entry that can show the deed: "Did she teach physics?" is not answered
        # by her degree's "Physics (teaching track)".
        deed = terms.predicate if with_verb and terms.predicate_is_verb else None
        return [
            hit
            for hit in candidates[:SPELLED_OUT_ENTRIES]
            if (terms.predicate is None or hit.position not in self.not_evidence_rows)
            and (deed is None or self.pointers.shows_doing(deed, hit))
            and any(
                (len(topics) >= SPELLED_OUT_MIN_TOPICS or comparison.states_a_number(sentence))
                and (not done_to or asked <= sentence_terms(sentence))
                for sentence in self.retriever.sentences_holding(hit, topics)
            )
        ]

    def stated_changes(
        self,
        terms: QuestionTerms,
        done: list[str],
        candidates: list[Hit],
        states: Callable[[str], bool] = comparison.states_a_change,
    ) -> list[Hit]:
        """The best entries with a sentence giving the size of a change in what was done.

        For a question in a verb the portfolio never uses: "Has he improved checkout
        performance?" is answered by "Rebuilt checkout ..., cutting page load time from 4.1
        to 1.3 seconds", "How much did he reduce the word error rate?" by "... cut the word
        error rate ... from 18% to 11%"; the recruiter reads the size of the change. The
        sentence must name what was done (`done`) in the words the portfolio uses
        ("checkout"). `states` tells a change from another sentence (for "how much": any
        amount).
        """
        asked = {term(t) for t in done if t not in terms.unknown}
        if not asked:
            return []
        return [
            hit
            for hit in candidates[:SPELLED_OUT_ENTRIES]
            if hit.position not in self.not_evidence_rows
            and any(
                asked <= sentence_terms(sentence) and states(sentence)
                for sentence in hit.chunk.passages
            )
        ]

    def only_in_sections_not_evidence(
        self, verbs: frozenset[str], terms: QuestionTerms
    ) -> tuple[str, ...]:
        """Where a thing the question asks about appears, if only in non-evidence sections.

        The names of those sections, or () when every thing appears in some evidence section.
        What the owner did is not a thing: "Where does Emeka work now?" is not answered from
        his "Outside work" alone because only its label says "work". `verbs` are what the
        question says the owner did.
        """
        for topic in terms.known:
            if topic in verbs:
                continue
            stems = set(keyword_terms(topic))
            sections = {
                chunk.section
                for chunk, entry_terms in zip(self.index.chunks, self._entry_terms, strict=True)
                if stems & entry_terms
            }
            if sections and sections <= self.not_evidence:
                return tuple(sorted(sections))
        return ()


def deeds(predicate: str | None) -> frozenset[str]:
    """The verbs a yes/no question's verb may be, less working: every job's line is work."""
    return verb_lemmas(predicate or "") - _WORKING


_WORKING = frozenset(term(v) for v in WORK.verbs)
