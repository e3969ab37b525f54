"""One question's way through the engine: understand, retrieve, decide, compose.

- understand: the message's question, or a refusal before any search (assistant.understanding);
  typo repair and known, unknown, related and named words (assistant.analysis); follow-ups
  against the conversation (assistant.conversation);
- retrieve: entries and sentences, dense and keyword (assistant.retrieval), the sections the
  question asks about first;
- decide: answer, list, pick by time (assistant.timeline) or by position ("the second one"),
  or refuse with a named reason (assistant.abstention, assistant.refusals);
- compose: quoted sentences with citations (assistant.answer).

Each stage is called from here and calls nothing back.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant import comparison, refusals
from assistant.abstention import asks_about_his_own_work, judge
from assistant.analysis import QuestionTerms, analyse, keyword_terms, singular, words
from assistant.answer import Answer, Quote, choose_sentences, compose, list_quotes, refuse
from assistant.conversation import Resolved, Turn, ordinal, resolve
from assistant.corpus import PRESENT
from assistant.engine.chronology import Chronology
from assistant.engine.parts import join_answers, split_questions
from assistant.index import SearchIndex
from assistant.retrieval import Hit, PassageHit, Retriever, Vector
from assistant.timeline import CURRENT, Order, in_present_tense, order_asked
from assistant.understanding import understand

_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
# Entries considered when composing an ordinary answer.
TOP_ENTRIES = 3
# Entries of a section the question asks about lead when they score this close to the best.
ASKED_SECTION_MARGIN = 0.1
# Two words embedded alone this close name the same thing counted ("customers" ~ "users").
SAME_THING_MIN_COSINE = 0.5
# Verbs that say nothing about which entries of a listed section are meant.
_LIST_FILLER = frozenset(keyword_terms("work worked works build built builds did done made have"))


class Pipeline:
    """Answers one question at a time from one loaded index (no state between questions)."""

    def __init__(
        self, index: SearchIndex, retriever: Retriever, common_words: frozenset[str]
    ) -> None:
        self.index = index
        self.corpus = index.corpus
        self.retriever = retriever
        self._common_words = common_words
        self._entry_terms = [set(keyword_terms(c.keyword_text)) for c in index.chunks]
        # Which entries use each stem: a word only one entry uses points at that entry.
        self._rows_using: dict[str, list[int]] = {}
        for row, entry_terms in enumerate(self._entry_terms):
            for term in entry_terms:
                self._rows_using.setdefault(term, []).append(row)
        self._suggestion_targets: dict[str, tuple[str, ...]] | None = None
        # Sections that never show the owner's own work (site.yaml `evidence: none`: notes on
        # other companies' systems, contact details): what they mention is not something the
        # owner did.
        self._not_evidence = frozenset(
            name for name, s in self.corpus.site.sections.items() if s.evidence == "none"
        )
        self._documents = self.corpus.by_uid()
        # Stems of the words naming the sections ("certif", "award"): a question naming one
        # asks for that kind of entry.
        # Stems of each section's naming words, and of all of them together.
        self._section_stems = {
            name: frozenset(keyword_terms(s.naming_text))
            for name, s in self.corpus.site.sections.items()
        }
        self._section_words = frozenset().union(*self._section_stems.values())
        self._chronology = Chronology(self._documents, self._entry_terms, self._names_a_section)

    @property
    def degraded(self) -> bool:
        """True when answers come from keyword retrieval alone."""
        return self.retriever.degraded

    def compose(self, message: str, turns: list[Turn]) -> tuple[Answer, Resolved]:
        """The answer to one message given the conversation's earlier turns.

        With it, how the question resolved: what later follow-ups lean on.
        """
        vocabulary = self.retriever.vocabulary
        understood = understand(message, self._common_words, vocabulary.words)
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
            joined = join_answers([a for a, _ in answered])
            return joined, replace(answered[0][1], topic=question)
        relate = self.retriever.related_word
        terms = analyse(question, vocabulary, relate)
        resolved = resolve(question, terms, turns)
        query = (
            analyse(resolved.query, vocabulary, relate).text if resolved.follow_up else terms.text
        )
        query_vector = self.retriever.query_vector(query)
        named_sections = frozenset(
            name for word in terms.related for name in self.retriever.sections_named_by(word)
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
        hits = _asked_first(hits, asked)
        own_work = asks_about_his_own_work(words(question))
        candidates = (
            [h for h in hits if h.chunk.section not in self._not_evidence] if own_work else hits
        )
        best = candidates[0].score if candidates else 0.0
        only_in = self._only_in_sections_not_evidence(terms) if own_work else ()
        if only_in:
            return self._refusal(refusals.NOT_OWN_WORK, best, only_in=only_in), resolved
        names = self._names(terms)
        if names:
            # The entries holding every name asked about ("Flink", "Koszyk") answer first.
            naming = [h for h in candidates if names <= self._entry_terms[h.position]]
            candidates = naming + [h for h in candidates if h not in naming]
            if terms.predicate is not None and not self._one_entry_holds_all(terms, naming):
                # "Has he worked at Google?" when Google is only his certificate's issuer.
                return self._refusal(refusals.NOT_TOGETHER, best), resolved
        only_entry = None if names else self._only_entry_using(terms, candidates, asked)
        if only_entry is not None:
            # "What was her thesis about?": the one entry that mentions a thesis.
            candidates = [only_entry] + [h for h in candidates if h is not only_entry]
        order = order_asked(question)
        now_in = None if order is not None else self._asked_now(question, terms)
        if now_in is not None:
            order = Order(CURRENT)
            candidates = [h for h in candidates if h.chunk.section == now_in] + [
                h for h in candidates if h.chunk.section != now_in
            ]
        if order is not None and candidates:
            found = self._chronology.answer(order, names, candidates, resolved, terms)
            if found is not None:
                hit, index = found
                passages = self.retriever.passages(hit, terms.text, query_vector)
                quotes = [Quote(hit, next(p for p in passages if p.passage_index == index))]
                answer = compose(quotes, self.corpus, max(0.0, hit.score), self.degraded)
                return self._with_follow_ups(answer, question), resolved
        compared = None if resolved.follow_up else comparison.comparison_asked(question)
        if compared is not None and candidates:
            named = frozenset().union(*(self._sections_named(t) for t in terms.known))
            # "Which of his projects ...": the projects; else every entry.
            pool = [h for h in candidates if h.chunk.section in named] or candidates
            compared_answer = self._compare(compared, pool, terms, query_vector, best)
            if compared_answer is not None:
                return compared_answer, resolved
        # "How many citations does CellDrift have?" asks for a number about one thing, not for
        # the list of its kind of entry ("How many projects has he built?").
        counts_a_named_thing = bool(names) and comparison.asks_how_many(question)
        listed = (
            None
            if resolved.follow_up or counts_a_named_thing
            else self._listed_entries(terms, candidates)
        )
        anchored = only_entry is not None or (
            bool(names) and names <= self._entry_terms[candidates[0].position]
        )
        verdict = judge(
            terms, candidates, self.degraded, matched_fields=bool(listed), anchored=anchored
        )
        if not verdict.answerable:
            refusal = self._refusal(verdict.reason, best, missing=verdict.missing)
            return replace(refusal, detail=verdict.detail or refusal.detail), resolved

        # Entries come from the resolved query; sentences are chosen by the question as asked.
        sentence_vector = (
            self.retriever.query_vector(terms.text) if resolved.follow_up else query_vector
        )
        if listed:
            quotes = list_quotes(self._with_passages(listed, terms.text, sentence_vector))
        else:
            top = candidates[:1] if resolved.follow_up else candidates[:TOP_ENTRIES]
            numbered = self._numbered(question, top, terms.text, sentence_vector)
            by_meaning = self._asked_by_meaning(asked, terms)
            if numbered:
                # "How many citations ...": the sentences that state a number answer it.
                ranked, whole_entry = numbered, False
            else:
                if top and top[0].chunk.section in by_meaning:
                    # The question asks for a kind of entry without naming it ("Where did she
                    # study?"): the others are not its answer. One that names it ("years of
                    # experience") may ask for a detail found elsewhere.
                    top = [h for h in top if h.chunk.section in by_meaning]
                ranked = self._with_passages(top, terms.text, sentence_vector)
                whole_entry = self._names_entry(terms, top)
            quotes = choose_sentences(ranked, follow_up=resolved.follow_up, whole_entry=whole_entry)
        if terms.unknown and not any(
            q.passage.overlap > 0
            or q.hit.chunk.section in named_sections
            or q.hit.position in named_rows
            for q in quotes
        ):
            # With words the corpus never uses in the question, the quoted sentences must at
            # least name what it asks about ("undergraduate degree" is not the MS sentence).
            return self._refusal(refusals.OFF_THE_POINT, best), resolved
        answer = compose(quotes, self.corpus, min(1.0, max(0.0, best)), self.degraded)
        return self._with_follow_ups(answer, question), resolved

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

    def _with_passages(
        self, hits: list[Hit], text: str, vector: Vector | None
    ) -> list[tuple[Hit, list[PassageHit]]]:
        return [(h, self.retriever.passages(h, text, vector)) for h in hits]

    def _only_in_sections_not_evidence(self, terms: QuestionTerms) -> tuple[str, ...]:
        """Where a topic of the question appears, if only in sections that are not evidence.

        The names of those sections, or () when every topic appears in some evidence section.
        """
        for term in terms.known:
            stems = set(keyword_terms(term))
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

    def _names_a_section(self, word: str) -> bool:
        """Whether a word names a kind of entry (see `_sections_named`)."""
        return bool(self._sections_named(word))

    def _sections_named(self, word: str) -> frozenset[str]:
        """The sections a word names.

        By their label or list words, or by a word close in meaning ("work" ~ "jobs",
        "studied" ~ "education"); a name ("Rutalia") names none.
        """
        stems = set(keyword_terms(word)[:1])
        direct = frozenset(n for n, named in self._section_stems.items() if stems & named)
        if direct or not self.retriever.vocabulary.is_common(word):
            return direct
        near = self.retriever.related_word(word)
        if near is None:
            return frozenset()
        near_stems = set(keyword_terms(near)[:1])
        return frozenset(n for n, named in self._section_stems.items() if near_stems & named)

    def _asked_by_meaning(self, asked: frozenset[str], terms: QuestionTerms) -> set[str]:
        """The asked sections whose label and list words the question does not use."""
        used = set(keyword_terms(terms.text))
        return {name for name in asked if not used & self._section_stems[name]}

    def _names_entry(self, terms: QuestionTerms, hits: list[Hit]) -> bool:
        """Whether the question is about the best entry as a whole: its title holds every topic.

        Never a yes/no question about the owner: "Does he manage anyone?" asks for the line
        that says so, not for the job whose title says "Manager".
        """
        if not hits or not terms.known or terms.predicate is not None:
            return False
        asked = {stem for topic in terms.known for stem in keyword_terms(topic)[:1]}
        return asked <= set(keyword_terms(hits[0].chunk.title))

    def _names(self, terms: QuestionTerms) -> set[str]:
        """Stems of the names the question asks about that the corpus uses ("figma")."""
        return {stem for name in terms.names for stem in keyword_terms(name)[:1]}

    def _asked_now(self, question: str, terms: QuestionTerms) -> str | None:
        """The section whose current entry a question in the present tense asks for.

        "What is her job?", "Which company does he work for?": one job, now, of a section
        that has an ongoing one. Not "What is her experience?" (the section's own name) nor
        "What are her projects?" (several).
        """
        if terms.unknown or terms.predicate is not None or not in_present_tense(question):
            # Nor a yes/no question ("Is she looking for an industry job?").
            return None
        vocabulary = self.retriever.vocabulary
        # The words as asked: "job", not the section word it stands for ("jobs").
        for topic in words(terms.text):
            if not vocabulary.is_topic(topic) or singular(topic) != topic:
                continue
            for name in self._sections_named(topic):
                label = set(keyword_terms(self.corpus.site.sections[name].label))
                if set(keyword_terms(topic)) & label:
                    continue
                if any(d.end == PRESENT for d in self._documents.values() if d.section == name):
                    return name
        return None

    def _numbered(
        self, question: str, top: list[Hit], text: str, vector: Vector | None
    ) -> list[tuple[Hit, list[PassageHit]]]:
        """For "how many ..." questions, the top entries' sentences that state a number."""
        if not comparison.asks_how_many(question):
            return []
        numbered = [
            (h, [p for p in ps if comparison.states_a_number(p.text)])
            for h, ps in self._with_passages(top, text, vector)
        ]
        return [(h, ps) for h, ps in numbered if ps]

    def _only_entry_using(
        self, terms: QuestionTerms, hits: list[Hit], asked: frozenset[str]
    ) -> Hit | None:
        """The entry that alone uses a word of the question and holds all its other words.

        Only for a question whose every word the portfolio uses: a word one entry alone uses
        ("thesis", "funded") points at it as surely as a name does, however loosely the rest of
        the entry matches the question. Not when the question reads like another section and
        the entry has the word only in another form ("Where did she study?" is Education, not
        her "diary studies").
        """
        if terms.unknown or not terms.known:
            return None
        # A word naming a kind of entry ("study" ~ Education) asks for that kind, wherever
        # else the word is used ("diary studies").
        words_asked = {
            s
            for topic in terms.known
            if not self._names_a_section(topic)
            for s in keyword_terms(topic)[:1]
        }
        rows = {
            self._rows_using[s][0] for s in words_asked if len(self._rows_using.get(s, ())) == 1
        }
        if len(rows) != 1:
            return None
        row = rows.pop()
        if not words_asked <= self._entry_terms[row]:
            return None
        hit = next((h for h in hits if h.position == row), None)
        if hit is None:
            return None
        if asked and hit.chunk.section not in asked:
            # Another form of the word ("studies") does not outweigh the section the question
            # reads like; the word itself ("thesis", "years") does.
            written = set(words(hit.chunk.keyword_text))
            if not any(topic in written for topic in terms.known):
                return None
        return hit

    def _one_entry_holds_all(self, terms: QuestionTerms, hits: list[Hit]) -> bool:
        """Whether one entry holds every name of the question and every kind of entry it names.

        "Kubernetes certification" needs an entry of the certificates with Kubernetes in it;
        "real-time pipelines with Flink" only needs Flink (the rest may be worded otherwise).
        """
        wanted = self._names(terms) | {
            stem
            for topic in terms.known
            for stem in keyword_terms(topic)[:1]
            if stem in self._section_words
        }
        return any(wanted <= self._entry_terms[h.position] for h in hits)

    def _listed_entries(self, terms: QuestionTerms, hits: list[Hit]) -> list[Hit] | None:
        """Entries the question picks as a group, or None.

        By year ("in 2023"), or every entry of a section ("which companies...", "his projects")
        narrowed by the other topic words ("projects ... at Amazon").
        """
        years = {int(y) for y in _YEAR.findall(terms.text)}
        if years:
            documents = self.corpus.by_uid()
            dated = [h for h in hits if documents[h.chunk.uid].year in years]
            if dated:
                return sorted(dated, key=lambda h: h.position)
        asked = set(words(terms.text))
        for name, section in self.corpus.site.sections.items():
            list_words = {w.lower() for w in section.list_words}
            if not asked & list_words:
                continue
            # Other topic words narrow the list ("projects ... at Amazon").
            narrowing = {keyword_terms(t)[0] for t in terms.known if keyword_terms(t)}
            narrowing -= {keyword_terms(w)[0] for w in list_words} | _LIST_FILLER
            chosen = [
                h
                for h in hits
                if h.chunk.section == name and narrowing <= self._entry_terms[h.position]
            ]
            if chosen:
                return sorted(chosen, key=lambda h: h.position)
        return self._section_named_alone(terms, hits)

    def _section_named_alone(self, terms: QuestionTerms, hits: list[Hit]) -> list[Hit] | None:
        """Every entry of the one section the question's words all name, or None.

        "Where has he worked?": his jobs.
        """
        if not terms.known or terms.unknown:
            return None
        named = [self._sections_named(topic) for topic in terms.known]
        if not all(named):
            return None
        common = frozenset.intersection(*named)
        if len(common) != 1:
            return None
        chosen = [h for h in hits if h.chunk.section in common]
        return sorted(chosen, key=lambda h: h.position) or None

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


def _asked_first(hits: list[Hit], sections: frozenset[str]) -> list[Hit]:
    """Entries of the sections the question asks about come first.

    Only when they match nearly as well as the best ("Where did she study?": her degrees, not
    her "diary studies").
    """
    asked = [h for h in hits if h.chunk.section in sections]
    if not asked or asked[0].score < hits[0].score - ASKED_SECTION_MARGIN:
        return hits
    return asked + [h for h in hits if h.chunk.section not in sections]


def _prefer(hits: list[Hit], prior_ids: tuple[str, ...]) -> list[Hit]:
    """A follow-up keeps to the entries the previous answer cited when they still match."""
    prior = [h for h in hits if h.chunk.uid in prior_ids]
    if not prior or prior[0].score < hits[0].score - 0.15:
        return hits
    return prior + [h for h in hits if h.chunk.uid not in prior_ids]
