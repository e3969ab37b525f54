"""The assistant: question in, grounded answer out. Knows nothing of HTTP or the terminal.

It keeps what lasts between questions (the model, the conversation store, the answer cache)
and hands each question to the pipeline.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.engine.answer import Answer
from assistant.engine.conversation import Resolved, resolve
from assistant.engine.pipeline import Pipeline
from assistant.engine.question import (
    MAX_HISTORY,
    SESSION_ID,
    HistoryItem,
    matching_text,
    normalise_question,
)
from assistant.engine.question_terms import analyse
from assistant.errors import DeadlineExceeded, QuestionError
from assistant.fit.report import FitReport, FitReporter
from assistant.index.build import SearchIndex
from assistant.index.embedding import Embedder
from assistant.index.retrieval import Retriever
from assistant.storage.base import AnswerCache, Conversations, Turn

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Reply:
    """An answer plus the session it belongs to."""

    answer: Answer
    session_id: str
    question: str  # as the engine read it (control characters and lone surrogates cleaned)
    # The answer cache's key: the same key, the same answer (index, model state, question and
    # the conversation's latest turn), so a client may keep what it derives from the answer.
    answer_key: str = ""
    repeated: bool = False  # the answer came from the cache: the question was asked before


class Assistant:
    """Answers questions about the portfolio owner from one loaded index."""

    def __init__(
        self,
        index: SearchIndex,
        embedder: Embedder | None,
        store: Conversations | None = None,
        common_words: frozenset[str] = frozenset(),
        history_turns: int = 3,
        *,
        answers: AnswerCache,
    ) -> None:
        self.index = index
        self.corpus = index.corpus
        self.retriever = Retriever(index, embedder, common_words)
        self.store = store
        self.history_turns = history_turns
        # Cache keys name the index version and the model state, so a cached answer never
        # outlives the index it was composed from, nor crosses a model outage.
        self._answers = answers
        self._common_words = common_words
        self._fit_reporter: FitReporter | None = None
        self.pipeline = Pipeline(index, self.retriever, common_words)

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
            answers=self._answers,
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
        self.pipeline.targets()

    def preload(self) -> None:
        """Load what only some questions need (~0.6 s), on a thread once serving.

        Left to the first question needing them, each load held up that question and every
        other on its worker: the first misspelt or foreign question after a start took
        0.1-0.7 s.
        """
        self.pipeline.preload()

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

    def fit_report(self, job_description: str, deadline: float | None = None) -> FitReport:
        """The fit report of a job description against the portfolio (see fit.report)."""
        if self._fit_reporter is None:
            self._fit_reporter = FitReporter(self.corpus, self.retriever)
        return self._fit_reporter.report(job_description, lambda: _check(deadline))

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
        key = self._answer_key(matched, turns)
        cached = self._answers.get(key)
        answer, resolved = cached or self._compose(key, matched, turns)
        _check(deadline)
        session_id = session_id or uuid.uuid4().hex
        if self.store is not None:
            self.store.append(session_id, Turn(matched, resolved.topic, answer.cited_ids))
        return Reply(answer, session_id, question, key, repeated=cached is not None)

    def _answer_key(self, question: str, turns: list[Turn]) -> str:
        # Only the latest turn can change how a question resolves (see conversation.resolve).
        latest = (turns[-1].topic, turns[-1].cited_ids) if turns else None
        return self._cache_key(" ".join(question.lower().split()), latest)

    def _compose(self, key: str, question: str, turns: list[Turn]) -> tuple[Answer, Resolved]:
        composed = self.pipeline.compose(question, turns)
        self._answers.put(key, composed)
        return composed

    def _cache_key(self, question: str, latest: tuple[str, tuple[str, ...]] | None) -> str:
        model = "keywords" if self.degraded else "dense"
        text = json.dumps([question, latest], ensure_ascii=False)
        digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return f"{self.index.manifest.version}:{model}:{digest}"

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


def _check(deadline: float | None) -> None:
    if deadline is not None and time.monotonic() > deadline:
        raise DeadlineExceeded("the question could not be answered in time")
