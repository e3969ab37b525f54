"""One question's way through the engine: understand, retrieve, decide, compose.

- understand: the message's question, or a refusal before any search (engine.understanding);
  typo repair and known, unknown, related and named words (engine.question_terms, over
  index.words and index.vocabulary); follow-ups against the conversation
  (engine.conversation);
- retrieve: entries and sentences, dense and keyword (index.retrieval), the sections the
  question asks about first;
- decide (engine.decider): what the words point at (engine.pointers: a kind of entry, one
  entry, the current one), answer, list, compare counts (engine.comparison), pick by time
  (engine.timeline) or by position ("the second one"), or refuse with a named reason
  (engine.abstention, engine.refusals), on the evidence of engine.evidence;
- compose: the sentences quoted (engine.quoting), checked (engine.quote_checks), with
  citations (engine.answer).

Each stage is called from here or from the decider and calls nothing back.
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.engine.answer import (
    Answer,
    choose_sentences,
    compose,
    covering_snippet,
)
from assistant.engine.chronology import Chronology
from assistant.engine.conversation import Resolved, ordinal, resolve
from assistant.engine.decider import Decider, Searched
from assistant.engine.evidence import Evidence
from assistant.engine.ordering import asked_first, prefer
from assistant.engine.parts import join_answers, split_questions
from assistant.engine.pointers import Pointers
from assistant.engine.question_terms import IS_A, analyse
from assistant.engine.replies import Replies
from assistant.engine.understanding import load_language_identifier, understand
from assistant.index.build import SearchIndex
from assistant.index.kinds import ABOUT, kind_of, kind_phrased
from assistant.index.retrieval import Hit, Retriever
from assistant.index.words import words
from assistant.storage.base import Turn


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
        # Entries that never show the owner's own work, one by one (`evidence: none`: his
        # goals): "Has he managed a team of engineers?" is not answered by "... roles where
        # he can mentor teams".
        self._not_evidence_rows = frozenset(
            row
            for row, chunk in enumerate(index.chunks)
            if self.corpus.evidence_kind(self._documents[chunk.uid]) == "none"
        )
        self._evidence = Evidence(
            index,
            retriever,
            self._pointers,
            self._introductions,
            self._not_evidence,
            self._not_evidence_rows,
        )
        self._replies = Replies(self.corpus, retriever, self.compose)
        self._decider = Decider(
            self.corpus,
            retriever,
            self._pointers,
            self._evidence,
            Chronology(self._documents, self._entry_terms, self._pointers.sections_named),
            self._replies,
            self._owner_pronouns,
            self._owner_name,
        )

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
            answer = self._replies.refusal(understood.refusal, 0.0, kind=understood.refusal)
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
        asked = self.retriever.asked_sections(query_vector, named_sections)
        hits = self.retriever.search(query, query_vector, named_sections, named_rows, asked)
        if resolved.prior_ids:
            hits = prefer(hits, resolved.prior_ids)
        pointed = self._pointed_at(question, resolved, hits)
        if pointed is not None:
            # "the second one": that item of the previous answer, quoted from its start.
            ranked = self._evidence.with_passages([pointed], terms.text, query_vector)
            quotes = choose_sentences(ranked, whole_entry=True)
            answer = compose(quotes, self.corpus, max(0.0, pointed.score), self.degraded)
            return self._replies.with_follow_ups(answer, question), resolved
        # A sentence that says what is asked ("run the workshops") outweighs a section the
        # question reads a little like (Projects), unless that section says it too.
        saying = self._evidence.spelled_out(terms, hits, with_verb=True)
        keep_first = bool(saying) and not (
            self._evidence.spelled_out(terms, [h for h in hits if h.chunk.section in asked], True)
        )
        hits = asked_first(hits, asked, keep_first)
        if IS_A.match(question):
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
        searched = Searched(
            question,
            terms,
            resolved,
            query_vector,
            hits,
            named_sections,
            named_rows,
            asked,
            saying,
            heading,
            phrased_sections,
        )
        return self._decider.answer(searched)

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

    def _pointed_at(self, question: str, resolved: Resolved, hits: list[Hit]) -> Hit | None:
        """The entry an ordinal follow-up picks from the previous answer's citations."""
        position = ordinal(question) if resolved.follow_up else None
        listed = resolved.prior_ids
        if position is None or len(listed) < 2 or position > len(listed):
            return None
        uid = listed[position - 1] if position > 0 else listed[-1]
        return next((h for h in hits if h.chunk.uid == uid), None)

    def targets(self) -> dict[str, tuple[str, ...]]:
        """Which entries each starter question leads to, worked out once."""
        return self._replies.targets()

    def preload(self) -> None:
        """Load what only some messages need: spelling repairs, the language identifier."""
        self.retriever.vocabulary.prepare_repairs()
        load_language_identifier()
