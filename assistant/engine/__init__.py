"""The engine: question in, grounded answer out. Knows nothing of HTTP or the terminal.

- `assistant`: the Assistant, what lasts between questions (model, conversations, cache);
- `pipeline`: one question's way through understand, retrieve, decide, compose;
- `question`: what a question may be (cleaned, bounded).
"""

from assistant.engine.assistant import Assistant, Reply
from assistant.engine.question import (
    MAX_HISTORY,
    MAX_QUESTION_CHARS,
    SESSION_ID,
    HistoryItem,
    matching_text,
    normalise_question,
)

__all__ = [
    "MAX_HISTORY",
    "MAX_QUESTION_CHARS",
    "SESSION_ID",
    "Assistant",
    "HistoryItem",
    "Reply",
    "matching_text",
    "normalise_question",
]
