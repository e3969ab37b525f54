"""One question's way through the engine: understand, retrieve, decide, compose.

- understand: the message's question, or a refusal before any search (engine.understanding);
  typo repair and known, unknown, related and named words (engine.question_terms, over
  index.words and index.vocabulary); follow-ups against the conversation
  (engine.conversation);
- retrieve: entries and sentences, dense and keyword (index.retrieval), the sections the
  question asks about first;
- decide: what the words point at (engine.pointers: a kind of entry, one entry, the current
  one), answer, list, compare counts (engine.comparison), pick by time (engine.timeline) or
  by position ("the second one"), or refuse with a named reason (engine.abstention,
  engine.refusals);
- compose: quoted sentences with citations (engine.answer).

Each stage is called from here and calls nothing back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from urllib.parse import urlsplit

from assistant.engine import comparison, refusals
from assistant.engine.abstention import SPELLED_OUT_MIN_TOPICS, asks_about_his_own_work, judge
from assistant.engine.answer import (
    MAX_SENTENCES,
    Answer,
    Quote,
    choose_sentences,
    compose,
    covering_snippet,
    list_quotes,
    refuse,
)
from assistant.engine.chronology import Chronology
from assistant.engine.conversation import Resolved, ordinal, resolve
from assistant.engine.parts import join_answers, split_questions
from assistant.engine.pointers import Pointers, things_asked
from assistant.engine.question_terms import QuestionTerms, analyse, owner_verbs
from assistant.engine.timeline import CURRENT, Order, is_dated, order_asked
from assistant.engine.understanding import understand
from assistant.index.build import SearchIndex
from assistant.index.corpus import Document
from assistant.index.kinds import ABOUT, KIND_VERBS, KINDS, SKILLS, WORK, kind_of, kind_phrased
from assistant.index.retrieval import Hit, PassageHit, Retriever, Vector
from assistant.index.words import (
    PLACE_WORDS,
    keyword_terms,
    may_name_a_thing,
    sentence_terms,
    sentence_verbs,
    singular,
    term,
    verb_lemmas,
    words,
)
from assistant.storage.base import Turn

# Entries considered when composing an ordinary answer.
TOP_ENTRIES = 3
# An open question ("What's her title?", "Who is he?").
_OPEN_QUESTION = re.compile(r"^\W*(?:what|who)\b", re.IGNORECASE)
# "When did she start at X?": asks the time of something.
_WHEN = re.compile(r"^\W*when\b", re.IGNORECASE)
# "Is she a nurse prescriber?": asks whether the owner is some kind of person.
_IS_A = re.compile(r"^\W*(?:is|was)\s+\w+\s+(?:a|an)\s", re.IGNORECASE)
# Entries of a section the question asks about lead when they score this close to the best.
ASKED_SECTION_MARGIN = 0.1
# Two words embedded alone this close name the same thing counted ("customers" ~ "users").
SAME_THING_MIN_COSINE = 0.5
# The best entries searched for such a sentence.
SPELLED_OUT_ENTRIES = 5


class Pipeline:
    """Answers one question at a time from one loaded index (no state between questions)."""

    def __init__(
        self, index: SearchIndex, retriever: Retriever, common_words: frozenset[str]
    ) -> None:
        self.index = index
        self.corpus = index.corpus
        self.retriever = retriever
        self._common_words = common_words
        self._pointers = Pointers(index, retriever)
        self._entry_terms = self._pointers.entry_terms
        self._suggestion_targets: dict[str, tuple[str, ...]] | None = None
        pronouns = self.corpus.site.pronouns
        self._owner_pronouns = frozenset(
            w.lower() for w in (pronouns.subject, pronouns.object, pronouns.possessive)
        )
        # The owner's name, searched as a pronoun (`_as_pronoun`); one-letter initials are left.
        names = [re.escape(w) for w in self.corpus.site.owner.split() if len(w) > 1]
        self._owner_name = (
            re.compile(rf"\b(?:{'|'.join(names)})\b('s)?", re.IGNORECASE) if names else None
        )
        self._subject, self._possessive = pronouns.subject, pronouns.possessive
        # Sections that never show the owner's own work (site.yaml `evidence: none`: notes on
        # other companies' systems, contact details): what they mention is not something the
        # owner did.
        self._not_evidence = frozenset(
            name for name, s in self.corpus.site.sections.items() if s.evidence == "none"
        )
        self._documents = self._pointers.documents
        # Introductions sum up the other entries in general words ("dashboards that store
        # managers actually use"): the entry that did it says where and how much.
        self._introductions = frozenset(
            name for name, s in self.corpus.site.sections.items() if kind_of(s.label) is ABOUT
        )
        # The owner's introduction: the first entry of an introduction section.
        self._introduction = next(
            (row for row, c in enumerate(index.chunks) if c.section in self._introductions), None
        )
        # Entries that never show the owner's own work, one by one (`evidence: none`: his
        # goals): "Has he managed a team of engineers?" is not answered by "... roles where
        # he can mentor teams".
        self._not_evidence_rows = frozenset(
            row
            for row, chunk in enumerate(index.chunks)
            if self.corpus.evidence_kind(self._documents[chunk.uid]) == "none"
        )
        self._chronology = Chronology(
            self._documents,
            self._entry_terms,
            self._pointers.sections_named,
        )

    @staticmethod
    def _asks_only(names: set[str], terms: QuestionTerms) -> bool:
        """Whether every word of the question the portfolio uses is one of the names."""
        return {s for t in terms.known for s in keyword_terms(t)[:1]} <= names

    @property
    def degraded(self) -> bool:
        """True when answers come from keyword retrieval alone."""
        return self.retriever.degraded

    def compose(self, message: str, turns: list[Turn]) -> tuple[Answer, Resolved]:
        """The answer to one message given the conversation's earlier turns.

        With it, how the question resolved: what later follow-ups lean on.
        """
        vocabulary = self.retriever.vocabulary
        understood = understand(
            message, self._common_words, vocabulary.words, vocabulary.owner_words
        )
        if understood.refusal is not None:
            answer = self._refusal(understood.refusal, 0.0, kind=understood.refusal)
            return answer, Resolved(message, message, False, ())
        question = understood.question
        if understood.names_contact:
            question = f"How can I contact {self.corpus.site.pronouns.object}?"
        parts = split_questions(question)
        if len(parts) > 1:
            # Each part alone (a part never splits again), each later one after the earlier.
            answered: list[tuple[Answer, Resolved]] = []
            for part in parts:
                answer, resolved = self.compose(part, turns)
                answered.append((answer, resolved))
                turns = [*turns, Turn(part, resolved.topic, answer.cited_ids)]
            documents = self._documents
            joined = join_answers(
                [a for a, _ in answered],
                lambda uid, snippets: covering_snippet(documents[uid], snippets),
            )
            return joined, replace(answered[0][1], topic=question)
        relate, same_sense = self.retriever.related_word, self.retriever.same_sense
        terms = analyse(question, vocabulary, relate, same_sense)
        # The words of a heading ("outside work") name a kind of entry, not a topic the
        # portfolio must use nor his own work.
        phrased = kind_phrased(question)
        heading: set[str] = set()
        phrased_sections: frozenset[str] = frozenset()
        if phrased is not None:
            heading = set(words(phrased[1]))
            phrased_sections = self._pointers.sections_of(phrased[0])
            terms = replace(terms, unknown=tuple(u for u in terms.unknown if u not in heading))
        resolved = resolve(question, terms, turns, self._owner_pronouns)
        query = self._as_pronoun(
            analyse(resolved.query, vocabulary, relate, same_sense).text
            if resolved.follow_up
            else terms.text
        )
        query_vector = self.retriever.query_vector(query)
        named_sections = (
            frozenset(
                name for word in terms.related for name in self.retriever.sections_named_by(word)
            )
            | phrased_sections
        )
        named_rows = frozenset(
            row for word in terms.related for row in self.retriever.entries_named_by(word)
        )
        hits = self.retriever.search(query, query_vector, named_sections, named_rows)
        if resolved.prior_ids:
            hits = _prefer(hits, resolved.prior_ids)
        pointed = self._pointed_at(question, resolved, hits)
        if pointed is not None:
            # "the second one": that item of the previous answer, quoted from its start.
            ranked = self._with_passages([pointed], terms.text, query_vector)
            quotes = choose_sentences(ranked, whole_entry=True)
            answer = compose(quotes, self.corpus, max(0.0, pointed.score), self.degraded)
            return self._with_follow_ups(answer, question), resolved
        asked = self.retriever.asked_sections(query_vector, named_sections)
        # A sentence that says what is asked ("run the workshops") outweighs a section the
        # question reads a little like (Projects), unless that section says it too.
        saying = self._spelled_out(terms, hits, with_verb=True)
        keep_first = bool(saying) and not (
            self._spelled_out(terms, [h for h in hits if h.chunk.section in asked], True)
        )
        hits = _asked_first(hits, asked, keep_first)
        if _IS_A.match(question):
            # "Was she a teacher?": the job titled "Physics Teacher" says she was, whatever
            # section the word reads like (her "teaching track" degree, under Education).
            in_title = [h for h in hits if self._pointers.title_holds(terms, h)]
            hits = in_title + [h for h in hits if h not in in_title]
        if (
            saying
            and terms.predicate_is_verb
            and (set(terms.topics) == {terms.predicate} or hits[0] not in saying)
        ):
            hits = saying + [h for h in hits if h not in saying]
        verbs = owner_verbs(question, vocabulary)  # what the question says the owner did
        own_work = asks_about_his_own_work([w for w in words(question) if w not in heading])
        candidates = (
            [h for h in hits if h.chunk.section not in self._not_evidence] if own_work else hits
        )
        best = candidates[0].score if candidates else 0.0
        only_in = self._only_in_sections_not_evidence(verbs, terms) if own_work else ()
        if only_in:
            return self._refusal(refusals.NOT_OWN_WORK, best, only_in=only_in), resolved
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
                return self._refusal(refusals.NOT_TOGETHER, best), resolved
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
                answer = compose(quotes, self.corpus, max(0.0, hit.score), self.degraded)
                return self._with_follow_ups(answer, question), resolved
        compared = None if resolved.follow_up else comparison.comparison_asked(question)
        if compared is not None and candidates:
            # The thing compared ("members") is counted, not a kind of entry.
            named = frozenset().union(
                *(self._pointers.sections_named(t) for t in terms.known if t != compared.thing)
            )
            # "Which of his projects ...": the projects; else every entry.
            pool = [h for h in candidates if h.chunk.section in named] or candidates
            compared_answer = self._compare(compared, pool, terms, query_vector, best)
            if compared_answer is not None:
                return compared_answer, resolved
        # "How many citations does CellDrift have?" asks for a number about one thing, not for
        # the list of its kind of entry ("How many projects has he built?"); so does one a
        # sentence states ("How many people has he hired?": "... hiring 11 people").
        # The thing counted, not what the owner did ("How many banks does she work with?").
        thing = comparison.counted_thing(terms.text)
        counted = replace(terms, topics=(thing,)) if thing in terms.topics else terms
        counts_one_thing = comparison.asks_how_many(question) and bool(
            names or self._spelled_out(counted, candidates)
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
                linking = [h for h in naming if _links_to(self._documents[h.chunk.uid], names)]
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
        stand_ins = {relate(v) for v in verbs} & set(terms.related)
        done_things = (
            list(terms.done_to)
            if terms.predicate_is_verb
            else [t for t in things_asked(verbs, terms) if t not in stand_ins]
        )
        verb_unused = terms.predicate in terms.unknown if terms.predicate_is_verb else bool(unshown)
        changes = self._stated_changes(terms, done_things, candidates) if verb_unused else []
        if verb_unused and unshown and not changes and comparison.asks_how_many(question):
            # "How much fraud did he stop?" asks an amount: "... blocked USD 4 million of
            # chargebacks" states one of the thing, in another verb.
            changes = self._stated_changes(
                terms, done_things, candidates, comparison.states_a_number
            )
        if unshown and changes:
            # "How much did he reduce the word error rate?": "cut the word error rate ... from
            # 18% to 11%" says what he did, in another verb.
            unshown = frozenset()
        spelling_out = self._spelled_out(terms, candidates) or changes
        stood_for = dict(zip(terms.related, terms.stood_for, strict=True))
        stand_ins_of_kind = [
            stood_for[thing]
            for thing in terms.done_to
            if thing in stood_for
            and terms.predicate is not None
            and self._pointers.names_kind_done(terms.predicate, thing)
            and not _names_a_kind(stood_for[thing])
        ]
        if (
            terms.predicate_is_verb
            and terms.done_to
            and len(stand_ins_of_kind) == len(terms.done_to)
        ):
            # "Has he worked in pharmaceuticals?": read as "in companies", the kind of entry
            # working is done with, it asks no more than whether he worked; what was asked
            # is no word of his, nor a kind of entry ("papers" are publications).
            return self._refusal(
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
            return self._refusal(refusals.NOT_DONE, best, missing=(asked_verb,)), resolved
        if _IS_A.match(question) and terms.topics and terms.topics[-1] in terms.unknown:
            # What she is, named last, is no word of hers ("prescriber"): the words before it
            # ("nurse") say nothing of it.
            return self._refusal(refusals.UNKNOWN_TOPICS, best, missing=terms.unknown), resolved
        verdict = judge(
            terms,
            candidates,
            self.degraded,
            matched_fields=bool(listed),
            anchored=anchored,
            # A sentence saying what the owner did with the thing is evidence too ("Leads a
            # docs team" for "Has she led a team?").
            spelled_out=bool(spelling_out) or any(h in candidates for h in saying),
            fitting_verbs=fitting,
            unshown_verbs=unshown,
        )
        if not verdict.answerable:
            refusal = self._refusal(verdict.reason, best, missing=verdict.missing)
            return replace(refusal, detail=verdict.detail or refusal.detail), resolved

        # Entries come from the resolved query; sentences are chosen by the question as asked.
        sentence_vector = (
            self.retriever.query_vector(terms.text) if resolved.follow_up else query_vector
        )
        if listed and len(listed) > 1:
            quotes = list_quotes(
                self._with_passages(listed, terms.text, sentence_vector),
                self._pointers.says_year_asked(terms),
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
                detailed = [h for h in spelling_out if h.chunk.section not in self._introductions]
                if detailed:
                    candidates = [
                        h for h in candidates if h.chunk.section not in self._introductions
                    ]
                    spelling_out = detailed
                if terms.predicate_is_verb and terms.predicate is not None:
                    # "Has she built a research repository?": the line of her work doing it,
                    # not a talk titled with it, when both say it.
                    predicate = terms.predicate
                    doing = [h for h in spelling_out if self._pointers.shows_doing(predicate, h)]
                    if doing:
                        candidates = [
                            h
                            for h in candidates
                            if h in doing or self._pointers.shows_doing(predicate, h)
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
            ranked = self._with_passages(top, terms.text, sentence_vector, asked_verbs)
            numbered = _numbered(question, ranked)
            if numbered:
                # "How many citations ...": the sentences that state a number answer it.
                ranked, whole_entry = numbered, False
            else:
                by_meaning = self._pointers.asked_by_meaning(asked, terms)
                if top and top[0].chunk.section in by_meaning:
                    # The question asks for a kind of entry without naming it ("Where did she
                    # study?"): the others are not its answer. One that names it ("years of
                    # experience") may ask for a detail found elsewhere.
                    top = [h for h in top if h.chunk.section in by_meaning]
                    ranked = [(h, ps) for h, ps in ranked if h in top]
                whole_entry = self._pointers.names_entry(terms, top)
            quotes = choose_sentences(ranked, follow_up=resolved.follow_up, whole_entry=whole_entry)
            if terms.predicate is None and not resolved.follow_up:
                things = things_asked(verbs, terms)
                quotes += self._used_in_work(quotes, things, candidates, terms.text, query_vector)
            elif terms.predicate_is_verb and terms.predicate is not None:
                quotes += self._done_in_work(quotes, terms, candidates, terms.text, query_vector)
        # What one does with the kind of entry quoted is no word it must use ("What
        # software does she use?": her software).
        unused = [
            u for u in terms.unknown if not all(self._pointers.verb_fits(u, q.hit) for q in quotes)
        ]
        if unused and not any(
            q.passage.overlap > 0
            or q.hit.chunk.section in named_sections
            or q.hit.position in named_rows
            for q in quotes
        ):
            # With words the corpus never uses in the question, the quoted sentences must at
            # least name what it asks about ("undergraduate degree" is not the MS sentence).
            return self._refusal(refusals.OFF_THE_POINT, best), resolved
        done_known = {term(t) for t in terms.done_to if t not in terms.unknown}
        if (
            done_known
            and len(done_known) < len(terms.done_to)
            and not any(done_known & sentence_terms(q.passage.text) for q in quotes)
        ):
            # "Has he worked on computer vision?": "vision" is no word of his, and his jobs,
            # quoted for "worked", say nothing of computers either (his degree does).
            return self._refusal(refusals.OFF_THE_POINT, best), resolved
        done = _deeds(terms.predicate)
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
            and not any(self._names_thing(q.hit, things) for q in quotes)
        ):
            # "Has she taught at a university?": "Taught physics to students aged 15 to 18"
            # says the deed, done at a lycée; no entry quoted names what it was done to (the
            # université is where she studied).
            return self._refusal(refusals.OFF_THE_POINT, best), resolved
        if (
            done_known
            and len(done_known) < len(terms.done_to)
            and terms.predicate not in terms.unknown
            and done
            and not any(done & sentence_verbs(q.passage.text) for q in quotes)
        ):
            # "Has she managed a support team?": "Manages" is her word and "team" is not; a
            # support job that never says she managed is no answer.
            return self._refusal(refusals.OFF_THE_POINT, best), resolved
        if (
            terms.predicate is not None
            and comparison.gives_an_amount(question)
            and not any(comparison.states_a_number(q.passage.text) for q in quotes)
        ):
            # "Has he managed a budget of over a million pounds?" is not answered by a talk on
            # error budgets: a yes/no question giving an amount needs a sentence stating one.
            refusal = self._refusal(refusals.NO_COUNT, best)
            return replace(refusal, detail="no quoted sentence states an amount"), resolved
        given = comparison.numbers_given(question) if terms.predicate is not None else set()
        if given and not any(given <= comparison.numbers_given(q.passage.text) for q in quotes):
            # "Has she run phase 3 trials?" is not answered by "... entered phase 1 trials":
            # a number given exactly is a fact the sentence must state.
            refusal = self._refusal(refusals.NO_COUNT, best)
            return replace(refusal, detail="no quoted sentence states the number given"), resolved
        answer = compose(quotes, self.corpus, min(1.0, max(0.0, best)), self.degraded)
        return self._with_follow_ups(answer, question), resolved

    def _names_thing(self, hit: Hit, things: Iterable[str]) -> bool:
        """Whether the hit's entry names one of the things, in its words or by its kind.

        "papers" is a publication's kind, though "Lucas published ... with Interspeech"
        never says "paper".
        """
        known = {term(t) for t in things}
        return bool(known & sentence_terms(hit.chunk.keyword_text)) or any(
            hit.chunk.section in self._pointers.sections_named(t) for t in things
        )

    def _as_pronoun(self, text: str) -> str:
        """The text searched with the owner named by pronoun, as the entries mostly are.

        "Has Emeka worked on booking systems?": his name would pull up the few entries that
        write it (his introduction, his contact details) over the job that answers.
        """
        if self._owner_name is None:
            return text
        return self._owner_name.sub(
            lambda m: self._possessive if m.group(1) else self._subject, text
        )

    def _compare(
        self,
        compared: comparison.Comparison,
        pool: list[Hit],
        terms: QuestionTerms,
        query_vector: Vector | None,
        best: float,
    ) -> Answer | None:
        """The answer to "which ... the most users", from the counts the entries state.

        None when the question does not compare counts ("the most recent", "most proud"); a
        refusal when it does and no entry counts the thing asked.
        """
        stated = [(n, comparison.counts(h.chunk.passages)) for n, h in enumerate(pool)]
        found = comparison.pick(compared, stated, self._same_thing)
        if found is None:
            thing = compared.thing
            if singular(thing) != thing or thing in comparison.SCALE_WORDS:
                refusal = self._refusal(refusals.NO_COUNT, best)
                return replace(refusal, detail=f"no entry counts {thing}")
            return None
        position, count = found
        hit = pool[position]
        passages = {
            p.passage_index: p for p in self.retriever.passages(hit, terms.text, query_vector)
        }
        indexes = sorted({0, count.passage_index})
        quotes = [Quote(hit, passages[i]) for i in indexes if i in passages]
        owner = self.corpus.site.first_name
        lead = (
            f"Of the numbers {owner}'s portfolio states, the {compared.direction} is {count.text}."
        )
        answer = compose(quotes, self.corpus, max(0.0, hit.score), self.degraded, lead=lead)
        return self._with_follow_ups(answer)

    def _same_thing(self, asked: str, counted: str) -> bool:
        return self.retriever.word_similarity(asked, counted) >= SAME_THING_MIN_COSINE

    def _refusal(
        self,
        reason: str,
        best: float,
        missing: tuple[str, ...] = (),
        only_in: tuple[str, ...] = (),
        kind: str = "",
    ) -> Answer:
        answer = refuse(
            self.corpus,
            reason,
            missing,
            only_in,
            confidence=best,
            degraded=self.degraded,
            kind=kind,
        )
        return self._with_follow_ups(answer)

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

    def _used_in_work(
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
        skills = self._pointers.sections_of(SKILLS)
        if not quotes or not things or any(q.hit.chunk.section not in skills for q in quotes):
            return []
        asked = {term(t) for t in things}
        for hit in candidates:
            if (
                hit.chunk.section in skills
                or hit.position in self._not_evidence_rows
                or not any(asked <= sentence_terms(p) for p in hit.chunk.passages)
            ):
                continue
            # The entry's sentences are scored only once one of them says it.
            for passage in self.retriever.passages(hit, text, vector):
                if asked <= sentence_terms(passage.text):
                    return [Quote(hit, passage)][: MAX_SENTENCES - len(quotes)]
        return []

    def _done_in_work(
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
        summaries = self._introductions | self._pointers.sections_of(SKILLS)
        if not quotes or any(q.hit.chunk.section not in summaries for q in quotes):
            return []
        asked = {term(t) for t in terms.done_to if t not in terms.unknown}
        if not asked:
            return []
        predicate = terms.predicate or ""
        done = _deeds(predicate)
        lines = [
            (hit, sentence)
            for hit in candidates
            if hit.chunk.section not in summaries
            and hit.position not in self._not_evidence_rows
            and self._pointers.shows_doing(predicate, hit)
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

    def _with_passages(
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

    def _spelled_out(
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
                and hit.position not in self._not_evidence_rows
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
            if (terms.predicate is None or hit.position not in self._not_evidence_rows)
            and (deed is None or self._pointers.shows_doing(deed, hit))
            and any(
                (len(topics) >= SPELLED_OUT_MIN_TOPICS or comparison.states_a_number(sentence))
                and (not done_to or asked <= sentence_terms(sentence))
                for sentence in self.retriever.sentences_holding(hit, topics)
            )
        ]

    def _stated_changes(
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
            if hit.position not in self._not_evidence_rows
            and any(
                asked <= sentence_terms(sentence) and states(sentence)
                for sentence in hit.chunk.passages
            )
        ]

    def _only_in_sections_not_evidence(
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
            if sections and sections <= self._not_evidence:
                return tuple(sorted(sections))
        return ()

    def _pointed_at(self, question: str, resolved: Resolved, hits: list[Hit]) -> Hit | None:
        """The entry an ordinal follow-up picks from the previous answer's citations."""
        position = ordinal(question) if resolved.follow_up else None
        listed = resolved.prior_ids
        if position is None or len(listed) < 2 or position > len(listed):
            return None
        uid = listed[position - 1] if position > 0 else listed[-1]
        return next((h for h in hits if h.chunk.uid == uid), None)

    def _with_follow_ups(self, answer: Answer, question: str = "") -> Answer:
        targets = self.targets()
        cited = set(answer.cited_ids)
        picks = tuple(
            s
            for s, ids in targets.items()
            if s.lower() != question.lower() and not cited & set(ids)
        )[:3]
        return replace(answer, follow_ups=picks)

    def targets(self) -> dict[str, tuple[str, ...]]:
        """Which entries each starter question leads to, worked out once."""
        if self._suggestion_targets is None:
            self._suggestion_targets = {}  # answering the starters below must not recurse
            # Not through the answer cache: these answers were composed without follow-ups.
            self._suggestion_targets = {
                s: self.compose(s, [])[0].cited_ids for s in self.corpus.site.suggestions
            }
        return self._suggestion_targets


# Every kind's list words, singular ("paper", "employer").
_KIND_WORDS = frozenset(singular(w) for kind in KINDS for w in kind.list_words)


def _links_to(document: Document, names: set[str]) -> bool:
    """Whether the entry links to a site the names are: "github" to https://github.com/...."""
    hosts = (urlsplit(link).hostname or "" for link in document.links)
    return any(names <= set(keyword_terms(host.replace(".", " "))) for host in hosts)


def _names_a_kind(word: str) -> bool:
    """Whether a word names a kind of entry in any of its list words ("paper", "employers")."""
    return singular(word) in _KIND_WORDS


def _deeds(predicate: str | None) -> frozenset[str]:
    """The verbs a yes/no question's verb may be, less working: every job's line is work."""
    return verb_lemmas(predicate or "") - _WORKING


_WORKING = frozenset(term(v) for v in WORK.verbs)


def _numbered(
    question: str, ranked: list[tuple[Hit, list[PassageHit]]]
) -> list[tuple[Hit, list[PassageHit]]]:
    """For "how many ..." questions, the entries' sentences that state a number."""
    if not comparison.asks_how_many(question):
        return []
    numbered = [(h, [p for p in ps if comparison.states_a_number(p.text)]) for h, ps in ranked]
    return [(h, ps) for h, ps in numbered if ps]


def _asked_first(hits: list[Hit], sections: frozenset[str], keep_first: bool = False) -> list[Hit]:
    """Entries of the sections the question asks about come first.

    Only when they match nearly as well as the best ("Where did she study?": her degrees, not
    her "diary studies"), and not when `keep_first` says the best entries hold the question.
    """
    asked = [h for h in hits if h.chunk.section in sections]
    if keep_first or not asked or asked[0].score < hits[0].score - ASKED_SECTION_MARGIN:
        return hits
    return asked + [h for h in hits if h.chunk.section not in sections]


def _prefer(hits: list[Hit], prior_ids: tuple[str, ...]) -> list[Hit]:
    """A follow-up keeps to the entries the previous answer cited when they still match."""
    prior = [h for h in hits if h.chunk.uid in prior_ids]
    if not prior or prior[0].score < hits[0].score - 0.15:
        return hits
    return prior + [h for h in hits if h.chunk.uid not in prior_ids]
