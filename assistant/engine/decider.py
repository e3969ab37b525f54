"""Deciding and quoting: from a searched question to the answer or the refusal.

What the question's words point at (a name, a title, a kind of entry, the current entry, a
date), whether the portfolio answers at all (engine.abstention), then which sentences of
which entries are quoted, checked last by engine.quote_checks.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from assistant.engine import comparison, refusals
from assistant.engine.abstention import asks_about_his_own_work, judge
from assistant.engine.answer import (
    Answer,
    Quote,
    compose,
)
from assistant.engine.chronology import Chronology
from assistant.engine.conversation import Resolved
from assistant.engine.evidence import Evidence
from assistant.engine.ordering import links_to, names_a_kind
from assistant.engine.pointers import Pointers
from assistant.engine.question_terms import IS_A, QuestionTerms, owner_verbs, things_asked
from assistant.engine.quote_checks import quotes_miss
from assistant.engine.quoting import choose_quotes, compared_answer
from assistant.engine.replies import Replies
from assistant.engine.timeline import CURRENT, Order, is_dated, order_asked
from assistant.index.corpus import Corpus
from assistant.index.kinds import KIND_VERBS
from assistant.index.retrieval import Hit, Retriever, Vector
from assistant.index.words import PLACE_WORDS, keyword_terms, verb_lemmas, words

# An open question ("What's her title?", "Who is he?").
_OPEN_QUESTION = re.compile(r"^\W*(?:what|who)\b", re.IGNORECASE)
# "When did she start at X?": asks the time of something.
_WHEN = re.compile(r"^\W*when\b", re.IGNORECASE)


@dataclass(frozen=True)
class Searched:
    """One question understood and searched: what deciding starts from."""

    question: str  # the question as the engine read it (one part of a message)
    terms: QuestionTerms
    resolved: Resolved  # the question made self-contained (follow-ups)
    query_vector: Vector | None
    hits: list[Hit]  # entries, in the order the question's words put them
    named_sections: frozenset[str]  # sections the question's words stand in for
    named_rows: frozenset[int]  # entries the question's words stand in for
    asked: frozenset[str]  # sections the question reads like
    saying: list[Hit]  # entries with a sentence saying what is asked, verb and all
    heading: set[str]  # the words of a heading the question uses ("outside work")
    phrased_sections: frozenset[str]  # the sections that heading names


class Decider:
    """Decides and quotes the answer to a searched question, in one loaded index."""

    def __init__(
        self,
        corpus: Corpus,
        retriever: Retriever,
        pointers: Pointers,
        evidence: Evidence,
        chronology: Chronology,
        replies: Replies,
        owner_pronouns: frozenset[str],
        owner_name: re.Pattern[str] | None,
    ) -> None:
        self.corpus = corpus
        self.retriever = retriever
        self._pointers = pointers
        self._entry_terms = pointers.entry_terms
        self._documents = pointers.documents
        self._evidence = evidence
        self._chronology = chronology
        self._replies = replies
        # Who a question is about when it asks nothing else ("Who is he?").
        self._owner_pronouns = owner_pronouns
        self._owner_name = owner_name
        self._introductions = evidence.introductions
        self._not_evidence = evidence.not_evidence
        # The owner's introduction: the first entry of an introduction section.
        self._introduction = next(
            (
                row
                for row, c in enumerate(retriever.index.chunks)
                if c.section in self._introductions
            ),
            None,
        )

    def answer(self, searched: Searched) -> tuple[Answer, Resolved]:
        """The answer, or the refusal, and how the question resolved."""
        question, terms, resolved = searched.question, searched.terms, searched.resolved
        query_vector, hits = searched.query_vector, searched.hits
        named_sections, named_rows = searched.named_sections, searched.named_rows
        asked, saying, heading = searched.asked, searched.saying, searched.heading
        phrased_sections = searched.phrased_sections
        vocabulary = self.retriever.vocabulary
        verbs = owner_verbs(question, vocabulary)  # what the question says the owner did
        own_work = asks_about_his_own_work([w for w in words(question) if w not in heading])
        candidates = (
            [h for h in hits if h.chunk.section not in self._not_evidence] if own_work else hits
        )
        best = candidates[0].score if candidates else 0.0
        only_in = self._evidence.only_in_sections_not_evidence(verbs, terms) if own_work else ()
        if only_in:
            return self._replies.refusal(refusals.NOT_OWN_WORK, best, only_in=only_in), resolved
        names = self._pointers.names(terms)
        naming: list[Hit] = []
        if names:
            # The entries holding every name asked about ("Flink", "Koszyk") answer first, and
            # of them those titled by it: "What about at TU Munich?" is the job there, not a
            # line mentoring students from TU Munich.
            naming = [h for h in candidates if names <= self._entry_terms[h.position]]
            naming.sort(key=lambda h: not names <= set(keyword_terms(h.chunk.title)))
            candidates = naming + [h for h in candidates if h not in naming]
            if terms.predicate is not None and not self._pointers.one_entry_holds_all(
                question, verbs, terms, naming
            ):
                # "Has he worked at Google?" when Google is only his certificate's issuer.
                return self._replies.refusal(refusals.NOT_TOGETHER, best), resolved
        titled = only_entry = None
        if not names:
            titled = self._pointers.entry_titled(verbs, terms, candidates)
            if titled is not None and verbs and saying and titled not in saying:
                # "What models has she built?": "Built a sepsis early-warning model" says what
                # she did; her skills titled Modelling do not.
                titled = None
            only_entry = titled or self._pointers.only_entry_using(verbs, terms, candidates, asked)
        if only_entry is None and not verbs and self._asks_who(question, terms):
            # "What's her title?", "Who is he?": nothing but the owner is asked about.
            only_entry = next((h for h in candidates if h.position == self._introduction), None)
        if only_entry is not None:
            # "What was her thesis about?": the one entry that mentions a thesis.
            candidates = [only_entry] + [h for h in candidates if h is not only_entry]
        order = order_asked(terms.text)  # with slips repaired ("befor maplepay")
        # A heading's words ("outside work") ask for its kind, not for what is current; nor
        # does a question pointing at one entry ("What diseases does she work on?": the
        # profile alone says "diseases"), nor one counting a thing ("How many suppliers does
        # she work with?": a line's number, not her current job's opening).
        now_in = (
            None
            if order is not None
            or phrased_sections
            or only_entry is not None
            or comparison.asks_how_many(question)
            else self._pointers.asked_now(question, terms)
        )
        if now_in is not None:
            order = Order(CURRENT)
            candidates = [h for h in candidates if h.chunk.section == now_in] + [
                h for h in candidates if h.chunk.section != now_in
            ]
        if order is not None and candidates and (terms.known or not terms.unknown):
            # Not for a thing the portfolio never names ("What's his current salary?").
            found = self._chronology.answer(order, names, candidates, resolved, terms)
            if found is not None:
                hit, index = found
                passages = self.retriever.passages(hit, terms.text, query_vector)
                quotes = [Quote(hit, next(p for p in passages if p.passage_index == index))]
                answer = compose(quotes, self.corpus, max(0.0, hit.score), self.retriever.degraded)
                return self._replies.with_follow_ups(answer, question), resolved
        compared = None if resolved.follow_up else comparison.comparison_asked(question)
        if compared is not None and candidates:
            # The thing compared ("members") is counted, not a kind of entry.
            named = frozenset().union(
                *(self._pointers.sections_named(t) for t in terms.known if t != compared.thing)
            )
            # "Which of his projects ...": the projects; else every entry.
            pool = [h for h in candidates if h.chunk.section in named] or candidates
            by_counts = compared_answer(
                compared,
                pool,
                terms,
                query_vector,
                best,
                retriever=self.retriever,
                replies=self._replies,
            )
            if by_counts is not None:
                return by_counts, resolved
        # "How many citations does CellDrift have?" asks for a number about one thing, not for
        # the list of its kind of entry ("How many projects has he built?"); so does one a
        # sentence states ("How many people has he hired?": "... hiring 11 people").
        # The thing counted, not what the owner did ("How many banks does she work with?").
        thing = comparison.counted_thing(terms.text)
        counted = replace(terms, topics=(thing,)) if thing in terms.topics else terms
        counts_one_thing = comparison.asks_how_many(question) and bool(
            names or self._evidence.spelled_out(counted, candidates)
        )
        listed = (
            None
            # An entry titled by the question's word ("security tools": Tools) is more precise
            # than its section's list.
            if resolved.follow_up or counts_one_thing or titled is not None
            else self._pointers.listed_entries(verbs, terms, candidates, phrased_sections)
        )
        if names and not listed and only_entry is None:
            # Of the entries holding the names, the one titled by a name is about it ("What's
            # her GitHub?": her GitHub link, not a project with 2,300 stars on GitHub).
            only_entry = self._pointers.entry_titled(verbs, terms, naming)
            if only_entry is None and not terms.predicate_is_verb and self._asks_only(names, terms):
                # Asked for nothing but a site ("What's his GitHub?", "github link?"): the
                # entry linking to the owner's page there, not a project "with 800 stars on
                # GitHub".
                linking = [h for h in naming if links_to(self._documents[h.chunk.uid], names)]
                only_entry = linking[0] if len(linking) == 1 else None
            if only_entry is not None:
                candidates = [only_entry] + [h for h in candidates if h is not only_entry]
        anchored = only_entry is not None or (
            bool(names) and names <= self._entry_terms[candidates[0].position]
        )
        # What the owner did, worded as one does with the kind of entry that answers, needs
        # no entry using the word: "Does she speak French?" (French among her languages),
        # "What tools does she use?" (her skills).
        # Of the entries holding the names, one of the kind the verb is done with: "Has she
        # used HubSpot?" is her skills listing it, though a job's line names it first.
        done = verbs | {terms.predicate} if terms.predicate is not None else verbs
        holding = [h for h in candidates if names and names <= self._entry_terms[h.position]]
        fits = [h for h in holding if any(self._pointers.verb_fits(v, h) for v in done)]
        answering = (
            listed[0]
            if listed
            else fits[0]
            if fits
            else candidates[0]
            if holding and holding[0] is candidates[0]
            else None
        )
        fitting = frozenset(
            verb
            for verb in done
            if answering is not None and self._pointers.verb_fits(verb, answering)
        )
        # A university is no answer to where they taught, though the word reads like their
        # education: what the owner did must be said, or be what one does with a kind of entry.
        named_first = self._documents[candidates[0].chunk.uid]
        unshown = frozenset(
            verb
            for verb in verbs
            if vocabulary.is_topic(verb)
            and verb not in PLACE_WORDS
            and not vocabulary.knows(verb)
            and verb not in KIND_VERBS
            # "When did she join Norte Appliances?" asks the time of a dated entry it names:
            # its dates answer, whatever the verb ("start", "join", "leave").
            and not (anchored and _WHEN.match(question) and is_dated(named_first))
        )
        # What was done, in a verb the portfolio never uses: a yes/no question's words after
        # the verb, else the things an open question asks about.
        # Not the word a verb was read as ("send": Contact).
        stand_ins = {self.retriever.related_word(v) for v in verbs} & set(terms.related)
        done_things = (
            list(terms.done_to)
            if terms.predicate_is_verb
            else [t for t in things_asked(verbs, terms) if t not in stand_ins]
        )
        verb_unused = terms.predicate in terms.unknown if terms.predicate_is_verb else bool(unshown)
        changes = (
            self._evidence.stated_changes(terms, done_things, candidates) if verb_unused else []
        )
        if verb_unused and unshown and not changes and comparison.asks_how_many(question):
            # "How much fraud did he stop?" asks an amount: "... blocked USD 4 million of
            # chargebacks" states one of the thing, in another verb.
            changes = self._evidence.stated_changes(
                terms, done_things, candidates, comparison.states_a_number
            )
        if unshown and changes:
            # "How much did he reduce the word error rate?": "cut the word error rate ... from
            # 18% to 11%" says what he did, in another verb.
            unshown = frozenset()
        spelling_out = self._evidence.spelled_out(terms, candidates) or changes
        stood_for = dict(zip(terms.related, terms.stood_for, strict=True))
        stand_ins_of_kind = [
            stood_for[thing]
            for thing in terms.done_to
            if thing in stood_for
            and terms.predicate is not None
            and self._pointers.names_kind_done(terms.predicate, thing)
            and not names_a_kind(stood_for[thing])
        ]
        if (
            terms.predicate_is_verb
            and terms.done_to
            and len(stand_ins_of_kind) == len(terms.done_to)
        ):
            # "Has he worked in pharmaceuticals?": read as "in companies", the kind of entry
            # working is done with, it asks no more than whether he worked; what was asked
            # is no word of his, nor a kind of entry ("papers" are publications).
            return self._replies.refusal(
                refusals.UNKNOWN_TOPICS, best, missing=tuple(stand_ins_of_kind)
            ), resolved
        if (
            terms.predicate_is_verb
            and terms.predicate in terms.related
            and (asked_verb := stood_for[terms.predicate])
            and verb_lemmas(asked_verb)
            and asked_verb not in KIND_VERBS
            and self._pointers.sections_named(terms.predicate)
            and not spelling_out
        ):
            # "Does she teach at a university?": "teach" reads like Education, but teaching
            # is not what one does with a degree, and no sentence says what she did to what
            # is asked ("I teach developers to threat-model" does, for "trained developers
            # in threat modelling").
            return self._replies.refusal(refusals.NOT_DONE, best, missing=(asked_verb,)), resolved
        if IS_A.match(question) and terms.topics and terms.topics[-1] in terms.unknown:
            # What she is, named last, is no word of hers ("prescriber"): the words before it
            # ("nurse") say nothing of it.
            return self._replies.refusal(
                refusals.UNKNOWN_TOPICS, best, missing=terms.unknown
            ), resolved
        verdict = judge(
            terms,
            candidates,
            self.retriever.degraded,
            matched_fields=bool(listed),
            anchored=anchored,
            # A sentence saying what the owner did with the thing is evidence too ("Leads a
            # docs team" for "Has she led a team?").
            spelled_out=bool(spelling_out) or any(h in candidates for h in saying),
            fitting_verbs=fitting,
            unshown_verbs=unshown,
        )
        if not verdict.answerable:
            refusal = self._replies.refusal(verdict.reason, best, missing=verdict.missing)
            return replace(refusal, detail=verdict.detail or refusal.detail), resolved

        quotes = choose_quotes(
            self._evidence,
            self.retriever,
            question=question,
            terms=terms,
            resolved=resolved,
            query_vector=query_vector,
            verbs=verbs,
            asked=asked,
            listed=listed,
            only_entry=only_entry,
            candidates=candidates,
            spelling_out=spelling_out,
        )
        missed = quotes_miss(question, terms, quotes, named_sections, named_rows, self._evidence)
        if missed is not None:
            reason, detail = missed
            refusal = self._replies.refusal(reason, best)
            return (replace(refusal, detail=detail) if detail else refusal), resolved
        answer = compose(
            quotes,
            self.corpus,
            min(1.0, max(0.0, best)),
            self.retriever.degraded,
            as_list=listed is not None and len(listed) > 1,
        )
        return self._replies.with_follow_ups(answer, question), resolved

    def _asks_who(self, question: str, terms: QuestionTerms) -> bool:
        """Whether an open question asks about the owner and nothing else ("What's her title?").

        Not what the owner did ("What has she written?"): the caller leaves those out.
        """
        asked = words(question)
        return (
            not terms.topics
            and terms.predicate is None
            and bool(_OPEN_QUESTION.match(question))
            and bool(
                self._owner_pronouns & set(asked)
                or self._owner_name
                and self._owner_name.search(question)
            )
        )

    @staticmethod
    def _asks_only(names: set[str], terms: QuestionTerms) -> bool:
        """Whether every word of the question the portfolio uses is one of the names."""
        return {s for t in terms.known for s in keyword_terms(t)[:1]} <= names
