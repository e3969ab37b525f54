"""Questions of time and order over one index's entries ("before X", "first", "now").

Dated entries are picked by their dates (assistant.engine.timeline); undated ones by a sentence that
says the order ("Before Acme, ...").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.engine import timeline
from assistant.engine.conversation import Resolved
from assistant.engine.question_terms import QuestionTerms
from assistant.engine.timeline import (
    AFTER,
    BEFORE,
    CURRENT,
    DURATION,
    LONGEST,
    SHORTEST,
    Order,
    is_dated,
)
from assistant.index.corpus import PRESENT, Document
from assistant.index.retrieval import Hit
from assistant.index.words import keyword_terms

# A question of time is answered from dates when the best dated entry scores this close to
# the best entry of all.
TIME_SECTION_MARGIN = 0.1
# Entries searched for a sentence that states the order.
SEARCHED_ENTRIES = 3


class Chronology:
    """Picks the entry a question of time asks for."""

    def __init__(
        self,
        documents: dict[str, Document],
        entry_terms: list[set[str]],
        sections_named: Callable[[str], frozenset[str]],
    ) -> None:
        self._documents = documents
        self._entry_terms = entry_terms
        self._sections_named = sections_named

    def answer(
        self,
        order: Order,
        names: set[str],
        hits: list[Hit],
        resolved: Resolved,
        terms: QuestionTerms,
    ) -> tuple[Hit, int] | None:
        """The entry and the index of the sentence that answers, or None."""
        found = self._by_dates(order, names, hits, resolved, terms)
        return found if found is not None else self._in_words(order, terms, hits)

    def _in_words(
        self, order: Order, terms: QuestionTerms, hits: list[Hit]
    ) -> tuple[Hit, int] | None:
        """The entry and sentence that state the order asked about, for undated entries.

        "Where did she work before Acme?": "Before Acme, she built ... at Initech."
        """
        if order.kind not in (BEFORE, AFTER) or not terms.names:
            return None
        said = re.compile(
            rf"\b{re.escape(order.words)}\s+(?:{'|'.join(re.escape(n) for n in terms.names)})\b",
            re.IGNORECASE,
        )
        for hit in hits[:SEARCHED_ENTRIES]:
            for index, passage in enumerate(hit.chunk.passages):
                if said.search(passage):
                    return hit, index
        return None

    def _asks_inside_entries(self, terms: QuestionTerms, hits: list[Hit]) -> bool:
        """Whether the question asks about something said inside the entries, not which one.

        "How much faster is rostering now?" names what a line of an entry says (rostering);
        "Where does she work now?" names nothing beyond the entries' openings: "work" names
        the section of jobs, whatever a job's lines say ("works with 4 squads").
        """
        asked = {
            s
            for topic in terms.known
            if not self._sections_named(topic)
            for s in keyword_terms(topic)[:1]
        }
        if not asked:
            return False
        inside = {
            stem
            for h in hits
            for passage in h.chunk.passages[1:]
            for stem in keyword_terms(passage)
        }
        opening = {stem for h in hits for stem in keyword_terms(h.chunk.passages[0])}
        return bool(asked & (inside - opening))

    def _by_dates(
        self,
        order: Order,
        names: set[str],
        hits: list[Hit],
        resolved: Resolved,
        terms: QuestionTerms,
    ) -> tuple[Hit, int] | None:
        """The entry a question of time or order asks for, from the entries' dates.

        The section is one the question names by a word ("Where does he work now?": his
        jobs, however well his name matches his introduction) or the one the last answer was
        about (a follow-up), else the one of the best dated entry, when that entry matches
        nearly as well as the best entry of all ("his first job": the jobs, not his first
        award).
        """
        documents = self._documents
        dated = [h for h in hits if is_dated(documents[h.chunk.uid])]
        if order.kind in (DURATION, LONGEST, SHORTEST):
            # A span has a start and an end (or goes on): a job, not an award given in one
            # of its years.
            dated = [
                h for h in dated if documents[h.chunk.uid].start and documents[h.chunk.uid].end
            ]
        named = {name for topic in terms.known for name in self._sections_named(topic)}
        if order.kind == DURATION and names:
            # "How long was she at X?": the span holding X, however well X's award matches.
            named |= {h.chunk.section for h in dated if names <= self._entry_terms[h.position]}
        if resolved.follow_up:
            # "and before that?": the kind of entry the last answer was about.
            named |= {h.chunk.section for h in dated if h.chunk.uid in resolved.prior_ids}
        if order.kind == CURRENT and not named:
            # "What is his current title?" names no kind of entry: one that goes on now
            # (his job since 2021), not an admission dated 2021.
            named = {h.chunk.section for h in dated if documents[h.chunk.uid].end == PRESENT}
        dated = [h for h in dated if h.chunk.section in named] or dated
        if not dated or (
            dated[0].chunk.section not in named
            and dated[0].score < hits[0].score - TIME_SECTION_MARGIN
        ):
            return None
        section = [h for h in dated if h.chunk.section == dated[0].chunk.section]
        if self._asks_inside_entries(terms, section):
            return None
        anchor = next(
            (
                documents[h.chunk.uid]
                for h in section
                if names and names <= self._entry_terms[h.position]
            ),
            None,
        )
        if anchor is None and resolved.follow_up:
            # The entry the last answer was first about ("Where does she work?": her current
            # job, cited first, though the answer also cites the one before).
            in_section = {h.chunk.uid for h in section}
            prior = [uid for uid in resolved.prior_ids if uid in in_section]
            anchor = documents[prior[0]] if prior else None
        if anchor is None and order.kind == BEFORE:
            # "his previous job": the one before the current one.
            anchor = timeline.pick(Order(CURRENT), [documents[h.chunk.uid] for h in section], None)
        chosen = timeline.pick(order, [documents[h.chunk.uid] for h in section], anchor)
        hit = next((h for h in section if chosen and h.chunk.uid == chosen.uid), None)
        return (hit, 0) if hit is not None else None  # its opening sentence says when
