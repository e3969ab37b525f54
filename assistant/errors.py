"""The assistant's errors: each message tells the user what went wrong and what to do."""

from __future__ import annotations


class AssistantError(Exception):
    """Base class for every failure the assistant reports to a user."""


class CorpusError(AssistantError):
    """The corpus is invalid; `problems` holds one message per problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        summary = f"the corpus has {count} problem{'s' if count != 1 else ''}"
        super().__init__(summary + ":\n" + "\n".join(f"  {p}" for p in self.problems))


class ModelError(AssistantError):
    """The embedding model cannot be found, verified or loaded."""


class IndexNotReadyError(AssistantError):
    """No usable index exists; the message says which command builds one."""


class QuestionError(AssistantError, ValueError):
    """A question (or its conversation context) is not acceptable."""


class DeadlineExceeded(AssistantError):
    """A question could not be answered before its deadline; the caller may retry."""


class StoreBusy(AssistantError):
    """The shared database stayed locked for too long; the caller may retry."""


class ImportProblem(AssistantError):
    """A source cannot be imported (unreadable, unknown format, invalid); nothing was written."""
