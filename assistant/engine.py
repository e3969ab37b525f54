"""The assistant: question in, grounded answer out. Knows nothing of HTTP or the terminal."""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace

from assistant import refusals, timeline
from assistant.abstention import asks_about_his_own_work, judge
from assistant.analysis import QuestionTerms, analyse, keyword_terms, words
from assistant.answer import Answer, Quote, choose_sentences, compose, list_quotes, refuse
from assistant.characters import fold, has_visible_text
from assistant.conversation import Resolved, Turn, ordinal, resolve
from assistant.embedding import Embedder
from assistant.errors import DeadlineExceeded, QuestionError
from assistant.index import SearchIndex
from assistant.matching import FitReport, Matcher
from assistant.retrieval import Hit, PassageHit, Retriever, Vector
from assistant.storage import AnswerCache, Conversations
from assistant.storage.memory import LocalAnswerCache
from assistant.timeline import AFTER, BEFORE, CURRENT, Order, is_dated, order_asked
from assistant.understanding import understand

log = logging.getLogger(__name__)

MAX_QUESTION_CHARS = 1000
MAX_HISTORY = 10
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_YEAR = re.compile(r"\b((?:19|20)\d\d)\b")
# Entries considered when composing an ordinary answer.
TOP_ENTRIES = 3
# A question of time is answered from dates when the best dated entry scores this close to
# the best entry of all.
TIME_SECTION_MARGIN = 0.1
# Entries of a section the question asks about lead when they score this close to the best.
ASKED_SECTION_MARGIN = 0.1
# Verbs that say nothing about which entries of a listed section are meant.
_LIST_FILLER = frozenset(keyword_terms("work worked works build built builds did done made have"))


@dataclass(frozen=True)
class HistoryItem:
    """An earlier question sent by a stateless client (the answer is not needed)."""

    question: str
    answer: str | None = None


@dataclass(frozen=True)
class Reply:
    """An answer plus the session it belongs to."""

    answer: Answer
    session_id: str
    question: str  # as the engine read it (control characters and lone surrogates cleaned)


_ASCII_CONTROLS_TO_SPACE = {code: " " for code in (*range(0x20), 0x7F)}


def normalise_question(text: str) -> str:
    """Clean a question; reject one that is empty after cleaning or oversized.

    Lone surrogates become U+FFFD and control characters spaces, so no input can fail later
    while encoding or logging it.
    """
    if not isinstance(text, str):
        raise QuestionError("question must be a string")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"question is {len(text)} characters long; the limit is {MAX_QUESTION_CHARS}"
        )
    if text.isascii():
        # Most questions: NFC changes no ASCII text and its only separators are controls.
        cleaned = text.translate(_ASCII_CONTROLS_TO_SPACE)
    else:
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        cleaned = "".join(
            " " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
            for ch in unicodedata.normalize("NFC", text)
        )
    cleaned = " ".join(cleaned.split())
    if not cleaned or (not cleaned.isascii() and not has_visible_text(cleaned)):
        raise QuestionError("question is empty (or only control or invisible characters)")
    return cleaned


def matching_text(question: str) -> str:
    """A cleaned question as the engine matches it (see characters.fold).

    NFKC can lengthen text (one character can become eighteen), so the folded text is bounded.
    """
    if question.isascii():  # most questions: folding changes nothing, spaces are already single
        return question
    return " ".join(fold(question).split())[: 2 * MAX_QUESTION_CHARS]


class Assistant:
    """Answers questions about the portfolio owner from one loaded index."""

    def __init__(
        self,
        index: SearchIndex,
        embedder: Embedder | None,
        store: Conversations | None = None,
        common_words: frozenset[str] = frozenset(),
        history_turns: int = 3,
        answers: AnswerCache | None = None,
    ) -> None:
        self.index = index
        self.corpus = index.corpus
        self.retriever = Retriever(index, embedder, common_words)
        self.store = store
        self.history_turns = history_turns
        self._entry_terms = [set(keyword_terms(c.keyword_text)) for c in index.chunks]
        self._suggestion_targets: dict[str, tuple[str, ...]] | None = None
        # Cache keys name the index version and the model state, so a cached answer never
        # outlives the index it was composed from, nor crosses a model outage.
        self._answers: AnswerCache = answers if answers is not None else LocalAnswerCache(4096)
        self._common_words = common_words
        # Sections that never show the owner's own work (site.yaml `evidence: none`: notes on
        # other companies' systems, contact details): what they mention is not something the
        # owner did.
        self._not_evidence = frozenset(
            name for name, s in self.corpus.site.sections.items() if s.evidence == "none"
        )
        self._matcher: Matcher | None = None
        self._documents = self.corpus.by_uid()
        # Stems of the words naming the sections ("certif", "award"): a question naming one
        # asks for that kind of entry.
        self._section_words = frozenset(
            keyword_terms(
                " ".join(
                    f"{s.label} {' '.join(s.list_words)}"
                    for s in self.corpus.site.sections.values()
                )
            )
        )

    def with_index(self, index: SearchIndex) -> Assistant:
        """A new Assistant on another index, with the same model, store and settings.

        The model is kept only if the index was built with it; otherwise answers degrade to
        keyword search until the index and the model agree again.
        """
        embedder = self.retriever.embedder
        if embedder is not None and embedder.fingerprint != index.manifest.model_fingerprint:
            log.error(
                "index %s was built with another model; answering from keywords",
                index.manifest.version,
            )
            embedder = None
        fresh = Assistant(
            index,
            embedder,
            self.store,
            self._common_words,
            self.history_turns,
            self._answers,
        )
        self._answers.new_index()
        fresh.warm_up()
        return fresh

    @property
    def degraded(self) -> bool:
        """True when answers come from keyword retrieval alone."""
        return self.retriever.degraded

    def warm_up(self) -> None:
        """Do the one-off work (starter questions' targets, first inference) before serving."""
        self._targets()

    def use_embedder(self, embedder: Embedder) -> None:
        """Switch to a (recovered) model; answers composed without it are forgotten."""
        self.retriever.embedder = embedder

    def before_fork(self) -> None:
        """Let the embedder drop what must not cross into forked worker processes."""
        release = getattr(self.retriever.embedder, "before_fork", None)
        if release is not None:
            release()

    def after_fork(self) -> None:
        """Reload what before_fork dropped, in the new worker process."""
        reload = getattr(self.retriever.embedder, "after_fork", None)
        if reload is not None:
            reload()

    def match(self, job_description: str, deadline: float | None = None) -> FitReport:
        """The fit report of a job description against the portfolio (see matching)."""
        if self._matcher is None:
            self._matcher = Matcher(self.corpus, self.retriever)
        return self._matcher.report(job_description, lambda: _check(deadline))

    def suggestions(self) -> list[str]:
        """Starter questions from site.yaml."""
        return list(self.corpus.site.suggestions)

    def ask(
        self,
        question: str,
        session_id: str | None = None,
        history: Sequence[HistoryItem] = (),
        deadline: float | None = None,
    ) -> Reply:
        """Answer a question, resolving follow-ups against the session or the given history.

        `deadline` (a time.monotonic() value) is checked before the model runs and before the
        turn is stored: a late question raises DeadlineExceeded and leaves no turn behind.
        """
        question = normalise_question(question)
        if session_id is not None and not SESSION_ID.match(session_id):
            raise QuestionError("session_id must be 1-64 of A-Z, a-z, 0-9, '_' and '-'")
        if len(history) > MAX_HISTORY:
            raise QuestionError(f"history holds at most {MAX_HISTORY} turns")
        turns = self._turns(session_id, history)
        _check(deadline)
        matched = matching_text(question)
        answer, resolved = self.answer(matched, turns)
        _check(deadline)
        session_id = session_id or uuid.uuid4().hex
        if self.store is not None:
            self.store.append(session_id, Turn(matched, resolved.topic, answer.cited_ids))
        return Reply(answer, session_id, question)

    def answer(self, question: str, turns: list[Turn]) -> tuple[Answer, Resolved]:
        """The answer to one normalised question given earlier turns, cached."""
        # Only the latest turn can change how a question resolves (see conversation.resolve).
        latest = (turns[-1].topic, turns[-1].cited_ids) if turns else None
        key = self._cache_key(" ".join(question.lower().split()), latest)
        cached = self._answers.get(key)
        if cached is None:
            cached = self._compose(question, turns)
            self._answers.put(key, cached)
        return cached

    def _cache_key(self, question: str, latest: tuple[str, tuple[str, ...]] | None) -> str:
        model = "keywords" if self.degraded else "dense"
        text = json.dumps([question, latest], ensure_ascii=False)
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return f"{self.index.manifest.version}:{model}:{digest}"

    def _compose(self, message: str, turns: list[Turn]) -> tuple[Answer, Resolved]:
        vocabulary = self.retriever.vocabulary
        understood = understand(message, self._common_words, vocabulary.words)
        if understood.refusal is not None:
            answer = self._refusal(understood.refusal, 0.0, kind=understood.refusal)
            return answer, Resolved(message, message, False, ())
        question = understood.question
        if understood.names_contact:
            question = f"How can I contact {self.corpus.site.pronouns.object}?"
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
        order = order_asked(question)
        if order is not None and candidates:
            found = self._by_time(order, names, candidates, resolved, terms)
            if found is None:
                found = self._order_in_words(order, terms, candidates)
            if found is not None:
                hit, index = found
                passages = self.retriever.passages(hit, terms.text, query_vector)
                quotes = [Quote(hit, next(p for p in passages if p.passage_index == index))]
                answer = compose(quotes, self.corpus, max(0.0, hit.score), self.degraded)
                return self._with_follow_ups(answer, question), resolved
        listed = None if resolved.follow_up else self._listed_entries(terms, candidates)
        anchored = bool(names) and names <= self._entry_terms[candidates[0].position]
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
            by_meaning = self._asked_by_meaning(asked, terms)
            if top and top[0].chunk.section in by_meaning:
                # The question asks for a kind of entry without naming it ("Where did she
                # study?"): the others are not its answer. One that names it ("years of
                # experience") may ask for a detail found elsewhere.
                top = [h for h in top if h.chunk.section in by_meaning]
            ranked = self._with_passages(top, terms.text, sentence_vector)
            quotes = choose_sentences(
                ranked, follow_up=resolved.follow_up, whole_entry=self._names_entry(terms, top)
            )
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

    def _order_in_words(
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
        for hit in hits[:TOP_ENTRIES]:
            for index, passage in enumerate(hit.chunk.passages):
                if said.search(passage):
                    return hit, index
        return None

    def _asks_inside_entries(self, terms: QuestionTerms, hits: list[Hit]) -> bool:
        """Whether the question asks about something said inside the entries, not which one.

        "How much faster is rostering now?" names what a line of an entry says (rostering);
        "Where does she work now?" names nothing beyond the entries' openings.
        """
        asked = {s for topic in terms.known for s in keyword_terms(topic)[:1]}
        asked -= self._section_words
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

    def _by_time(
        self,
        order: Order,
        names: set[str],
        hits: list[Hit],
        resolved: Resolved,
        terms: QuestionTerms,
    ) -> tuple[Hit, int] | None:
        """The entry a question of time or order asks for, from the entries' dates.

        The section is the one of the best dated entry, when that entry matches nearly as
        well as the best entry of all ("his first job": the jobs, not his first award).
        """
        documents = self._documents
        dated = [h for h in hits if is_dated(documents[h.chunk.uid])]
        if not dated or dated[0].score < hits[0].score - TIME_SECTION_MARGIN:
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
            prior = {h.chunk.uid for h in section} & set(resolved.prior_ids)
            anchor = documents[next(iter(sorted(prior)))] if prior else None
        if anchor is None and order.kind == BEFORE:
            # "his previous job": the one before the current one.
            anchor = timeline.pick(Order(CURRENT), [documents[h.chunk.uid] for h in section], None)
        chosen = timeline.pick(order, [documents[h.chunk.uid] for h in section], anchor)
        hit = next((h for h in section if chosen and h.chunk.uid == chosen.uid), None)
        return (hit, 0) if hit is not None else None  # its opening sentence says when

    def _pointed_at(self, question: str, resolved: Resolved, hits: list[Hit]) -> Hit | None:
        """The entry an ordinal follow-up picks from the previous answer's citations."""
        position = ordinal(question) if resolved.follow_up else None
        listed = resolved.prior_ids
        if position is None or len(listed) < 2 or position > len(listed):
            return None
        uid = listed[position - 1] if position > 0 else listed[-1]
        return next((h for h in hits if h.chunk.uid == uid), None)

    def _asked_by_meaning(self, asked: frozenset[str], terms: QuestionTerms) -> set[str]:
        """The asked sections whose label and list words the question does not use."""
        used = set(keyword_terms(terms.text))
        sections = self.corpus.site.sections
        return {
            name
            for name in asked
            if not used
            & set(keyword_terms(f"{sections[name].label} {' '.join(sections[name].list_words)}"))
        }

    def _names_entry(self, terms: QuestionTerms, hits: list[Hit]) -> bool:
        """Whether the question is about the best entry as a whole: its title holds every topic."""
        if not hits or not terms.known:
            return False
        asked = {stem for topic in terms.known for stem in keyword_terms(topic)[:1]}
        return asked <= set(keyword_terms(hits[0].chunk.title))

    def _names(self, terms: QuestionTerms) -> set[str]:
        """Stems of the names the question asks about that the corpus uses ("figma")."""
        return {stem for name in terms.names for stem in keyword_terms(name)[:1]}

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
        return None

    def _turns(self, session_id: str | None, history: Sequence[HistoryItem]) -> list[Turn]:
        if session_id is not None and self.store is not None:
            stored = self.store.recent(session_id, self.history_turns)
            if stored:
                return stored
        turns: list[Turn] = []
        for item in list(history)[-self.history_turns :]:
            question = matching_text(normalise_question(item.question))
            terms = analyse(question, self.retriever.vocabulary)
            turns.append(Turn(question, resolve(question, terms, turns).topic))
        return turns

    def _with_follow_ups(self, answer: Answer, question: str = "") -> Answer:
        targets = self._targets()
        cited = set(answer.cited_ids)
        picks = tuple(
            s
            for s, ids in targets.items()
            if s.lower() != question.lower() and not cited & set(ids)
        )[:3]
        return replace(answer, follow_ups=picks)

    def _targets(self) -> dict[str, tuple[str, ...]]:
        """Which entries each starter question leads to, worked out once."""
        if self._suggestion_targets is None:
            self._suggestion_targets = {}  # answering the starters below must not recurse
            # Not through the answer cache: these answers were composed without follow-ups.
            self._suggestion_targets = {
                s: self._compose(s, [])[0].cited_ids for s in self.corpus.site.suggestions
            }
        return self._suggestion_targets


def _check(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise DeadlineExceeded("the question could not be answered in time")


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
