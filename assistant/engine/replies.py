"""What every reply carries: refusals worded for the owner, and follow-up questions.

The follow-ups are the portfolio's starter questions whose answers cite other entries than
this one; which entries each leads to is worked out once, by answering them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from assistant.engine.answer import Answer, refuse
from assistant.engine.conversation import Resolved
from assistant.index.corpus import Corpus
from assistant.index.retrieval import Retriever
from assistant.storage.base import Turn

Compose = Callable[[str, list[Turn]], tuple[Answer, Resolved]]


class Replies:
    """Refusals and follow-ups for one loaded portfolio."""

    def __init__(self, corpus: Corpus, retriever: Retriever, compose: Compose) -> None:
        self.corpus = corpus
        self._retriever = retriever
        self._compose = compose
        self._targets: dict[str, tuple[str, ...]] | None = None

    def refusal(
        self,
        reason: str,
        best: float,
        missing: tuple[str, ...] = (),
        only_in: tuple[str, ...] = (),
        kind: str = "",
    ) -> Answer:
        """A refusal giving its reason, with follow-ups to ask instead."""
        answer = refuse(
            self.corpus,
            reason,
            missing,
            only_in,
            confidence=best,
            degraded=self._retriever.degraded,
            kind=kind,
        )
        return self.with_follow_ups(answer)

    def with_follow_ups(self, answer: Answer, question: str = "") -> Answer:
        """The answer with up to three starter questions that lead elsewhere."""
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
        if self._targets is None:
            self._targets = {}  # answering the starters below must not recurse
            # Not through the answer cache: these answers were composed without follow-ups.
            self._targets = {
                s: self._compose(s, [])[0].cited_ids for s in self.corpus.site.suggestions
            }
        return self._targets
