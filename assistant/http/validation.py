"""Validation of the chat request body: one error per bad field, never an exception leak."""

from __future__ import annotations

import re
from typing import Any

from assistant.engine.question import MAX_HISTORY, MAX_QUESTION_CHARS, SESSION_ID, HistoryItem
from assistant.index.characters import has_visible_text

# A chat request is small; a fit report's 20,000-character job description (JSON escapes
# included) needs more.
MAX_BODY_BYTES = 16 * 1024
MAX_FIT_BODY_BYTES = 256 * 1024
MAX_ANSWER_CHARS = 4000
# No request body of this API nests deeper than 3 levels; anything past this is refused.
MAX_JSON_DEPTH = 32
# A request id: given in X-Request-ID (else made), and named by a rating of its answer.
REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")


def json_depth(value: Any) -> int:
    """How deeply a parsed JSON value nests (a scalar is 0), without recursion."""
    deepest = 0
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


class Invalid(Exception):
    """A request whose fields fail validation: one message per field."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("invalid request")
        self.errors = errors


def parse_chat_request(payload: Any) -> tuple[str, str | None, list[HistoryItem]]:
    """Check the chat body's fields, collecting one error per bad field."""
    if not isinstance(payload, dict):
        raise Invalid([{"field": "", "message": "the body must be a JSON object"}])
    errors: list[dict[str, str]] = []
    question = payload.get("question")
    if (problem_text := _question_problem(question)) is not None:
        errors.append({"field": "question", "message": problem_text})
    session_id = payload.get("session_id")
    if "session_id" in payload and (
        not isinstance(session_id, str) or not SESSION_ID.match(session_id)
    ):
        errors.append({"field": "session_id", "message": "1-64 of A-Z, a-z, 0-9, '_' and '-'"})
    history: list[HistoryItem] = []
    raw_history = payload.get("history")
    if "history" in payload:
        if not isinstance(raw_history, list) or len(raw_history) > MAX_HISTORY:
            errors.append({"field": "history", "message": f"a list of at most {MAX_HISTORY} turns"})
        else:
            for i, turn in enumerate(raw_history):
                item = _history_item(turn)
                if item is None:
                    errors.append(
                        {
                            "field": f"history[{i}]",
                            "message": 'an object {"question": str (1-1000 chars), '
                            f'"answer": str (at most {MAX_ANSWER_CHARS} chars)?}}',
                        }
                    )
                else:
                    history.append(item)
    for name in sorted(set(payload) - {"question", "session_id", "history"}):
        errors.append({"field": name, "message": "unknown field"})
    if errors:
        raise Invalid(errors)
    return str(question), session_id, history


def _question_problem(question: Any) -> str | None:
    if not isinstance(question, str):
        return "required, a string"
    if _blank(question):
        return "must not be empty (or only spaces, control or invisible characters)"
    if len(question) > MAX_QUESTION_CHARS:
        return f"at most {MAX_QUESTION_CHARS} characters"
    return None


def _blank(text: str) -> bool:
    """Nothing but spaces, control and invisible (format) characters."""
    return not has_visible_text(text)


def _history_item(turn: Any) -> HistoryItem | None:
    if not isinstance(turn, dict) or set(turn) - {"question", "answer"}:
        return None
    answer = turn.get("answer")
    if _question_problem(turn.get("question")) is not None:
        return None
    if "answer" in turn and (not isinstance(answer, str) or len(answer) > MAX_ANSWER_CHARS):
        return None
    return HistoryItem(turn["question"], answer)


MAX_JOB_DESCRIPTION_CHARS = 20_000


def parse_fit_request(payload: Any) -> str:
    """Check the fit-report body: one `job_description` string of visible text."""
    if not isinstance(payload, dict):
        raise Invalid([{"field": "", "message": "the body must be a JSON object"}])
    errors: list[dict[str, str]] = []
    text = payload.get("job_description")
    if not isinstance(text, str):
        errors.append({"field": "job_description", "message": "required, a string"})
    elif _blank(text):
        errors.append(
            {
                "field": "job_description",
                "message": "must not be empty (or only spaces, control or invisible characters)",
            }
        )
    elif len(text) > MAX_JOB_DESCRIPTION_CHARS:
        errors.append(
            {
                "field": "job_description",
                "message": f"at most {MAX_JOB_DESCRIPTION_CHARS:,} characters, got {len(text):,}",
            }
        )
    for name in sorted(set(payload) - {"job_description"}):
        errors.append({"field": name, "message": "unknown field"})
    if errors:
        raise Invalid(errors)
    # A lone surrogate cannot be encoded anywhere later: it becomes U+FFFD here.
    return str(text).encode("utf-16", "surrogatepass").decode("utf-16", "replace")
