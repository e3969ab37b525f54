"""A question as the engine accepts it: cleaned, bounded, ready to match."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from assistant.errors import QuestionError
from assistant.index.characters import fold, has_visible_text

MAX_QUESTION_CHARS = 1000
MAX_HISTORY = 10
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class HistoryItem:
    """An earlier question sent by a stateless client (the answer is not needed)."""

    question: str
    answer: str | None = None


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
