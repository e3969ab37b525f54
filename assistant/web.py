"""The HTTP layer: create_app, the v1 API, and problem+json errors. The engine knows no Flask."""

from __future__ import annotations

import logging
import os
import re
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, jsonify, request, send_from_directory
from werkzeug.exceptions import HTTPException

from assistant.engine import MAX_HISTORY, SESSION_ID, Assistant, HistoryItem, Reply
from assistant.errors import AssistantError, QuestionError
from assistant.settings import Settings, settings_from_env

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 16 * 1024
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
WEB_DIR = Path(__file__).resolve().parent.parent / "web"


class Invalid(Exception):
    """A request whose fields fail validation: one message per field."""

    def __init__(self, errors: list[dict[str, str]]) -> None:
        super().__init__("invalid request")
        self.errors = errors


def create_app(settings: Settings | None = None, assistant: Assistant | None = None) -> Flask:
    """Make the Flask app; loads (and if needed builds) the index unless given an assistant."""
    app = Flask(__name__, static_folder=None)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json.sort_keys = False  # type: ignore[attr-defined]
    settings = settings or settings_from_env(os.environ)
    if assistant is None:
        from assistant.startup import open_assistant

        assistant = open_assistant(settings, progress=lambda message: log.info("%s", message))
    app.extensions["assistant"] = assistant

    app.before_request(_assign_request_id)
    app.after_request(_echo_request_id)
    app.register_error_handler(HTTPException, _http_problem)
    app.register_error_handler(Invalid, _invalid_problem)
    app.register_error_handler(Exception, _unexpected_problem)

    app.add_url_rule("/api/v1/chat", view_func=chat, methods=["POST"])
    app.add_url_rule("/api/v1/health", view_func=health)
    app.add_url_rule("/api/v1/ready", view_func=ready)
    app.add_url_rule("/api/v1/suggestions", view_func=suggestions)
    app.add_url_rule("/", view_func=chat_page)
    app.add_url_rule("/static/page.js", view_func=page_script)
    return app


def get_assistant() -> Assistant:
    """The app's assistant."""
    assistant: Assistant = current_app.extensions["assistant"]
    return assistant


def chat() -> Response:
    """POST /api/v1/chat: answer one question."""
    if not request.is_json:
        return problem(415, "Unsupported Media Type", "send the question as application/json")
    payload = request.get_json(silent=True)
    if payload is None:
        return problem(400, "Malformed JSON", "the request body is not valid JSON")
    question, session_id, history = parse_chat_request(payload)
    try:
        reply = get_assistant().ask(question, session_id=session_id, history=history)
    except QuestionError as exc:
        raise Invalid([{"field": "question", "message": str(exc)}]) from exc
    return jsonify(chat_response(reply, g.request_id))


def parse_chat_request(payload: Any) -> tuple[str, str | None, list[HistoryItem]]:
    """Check the chat body's fields, collecting one error per bad field."""
    if not isinstance(payload, dict):
        raise Invalid([{"field": "", "message": "the body must be a JSON object"}])
    errors: list[dict[str, str]] = []
    question = payload.get("question")
    if not isinstance(question, str):
        errors.append({"field": "question", "message": "required, a string"})
    elif not question.strip():
        errors.append({"field": "question", "message": "must not be empty"})
    elif len(question.strip()) > 1000:
        errors.append({"field": "question", "message": "at most 1000 characters"})
    session_id = payload.get("session_id")
    if session_id is not None and (
        not isinstance(session_id, str) or not SESSION_ID.match(session_id)
    ):
        errors.append({"field": "session_id", "message": "1-64 of A-Z, a-z, 0-9, '_' and '-'"})
    history: list[HistoryItem] = []
    raw_history = payload.get("history")
    if raw_history is not None:
        if not isinstance(raw_history, list) or len(raw_history) > MAX_HISTORY:
            errors.append({"field": "history", "message": f"a list of at most {MAX_HISTORY} turns"})
        else:
            for i, turn in enumerate(raw_history):
                if (
                    not isinstance(turn, dict)
                    or not isinstance(turn.get("question"), str)
                    or not turn["question"].strip()
                    or len(turn["question"]) > 1000
                    or not isinstance(turn.get("answer", ""), str)
                ):
                    errors.append(
                        {
                            "field": f"history[{i}]",
                            "message": 'an object {"question": str (1-1000 chars), "answer": str?}',
                        }
                    )
                else:
                    history.append(HistoryItem(turn["question"], turn.get("answer")))
    unknown = sorted(set(payload) - {"question", "session_id", "history"})
    for name in unknown:
        errors.append({"field": name, "message": "unknown field"})
    if errors:
        raise Invalid(errors)
    return str(question), session_id, history


def chat_response(reply: Reply, request_id: str) -> dict[str, Any]:
    """The 200 body of POST /api/v1/chat, in the shape DESIGN.md fixes."""
    answer = reply.answer
    return {
        "answer": answer.answer,
        "citations": [asdict(c) for c in answer.citations],
        "abstained": answer.abstained,
        "confidence": answer.confidence,
        "session_id": reply.session_id,
        "degraded": answer.degraded,
        "follow_ups": list(answer.follow_ups),
        "request_id": request_id,
    }


def health() -> Response:
    """GET /api/v1/health: the process is up (touches nothing else)."""
    return jsonify({"status": "ok"})


def ready() -> Response:
    """GET /api/v1/ready: the index is loaded; says whether answers are degraded."""
    assistant = get_assistant()
    manifest = assistant.index.manifest
    return jsonify(
        {
            "status": "ready",
            "degraded": assistant.degraded,
            "index": {
                "version": manifest.version,
                "entries": manifest.entries,
                "created": manifest.created,
            },
        }
    )


def suggestions() -> Response:
    """GET /api/v1/suggestions: starter questions."""
    return jsonify({"suggestions": get_assistant().suggestions()})


def chat_page() -> Response:
    """GET /: the full-page chat."""
    return send_from_directory(WEB_DIR, "index.html")


def page_script() -> Response:
    """GET /static/page.js: the full-page chat's script."""
    return send_from_directory(WEB_DIR, "page.js", mimetype="text/javascript")


def problem(status: int, title: str, detail: str, **extra: Any) -> Response:
    """An RFC 9457 problem details response."""
    body = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "request_id": getattr(g, "request_id", None),
        **extra,
    }
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def _http_problem(error: HTTPException) -> Response:
    response = problem(error.code or 500, error.name, error.description or error.name)
    valid_methods = getattr(error, "valid_methods", None)
    if valid_methods:
        response.headers["Allow"] = ", ".join(valid_methods)
    return response


def _invalid_problem(error: Invalid) -> Response:
    return problem(422, "Invalid request", "one or more fields are invalid", errors=error.errors)


def _unexpected_problem(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return _http_problem(error)
    if isinstance(error, AssistantError):
        log.error("request failed: %s", error)
        return problem(503, "Service Unavailable", "the assistant is not ready; try again shortly")
    log.exception("unexpected error")
    return problem(500, "Internal Server Error", "something went wrong; the error was logged")


def _assign_request_id() -> None:
    given = request.headers.get("X-Request-ID", "")
    g.request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def _echo_request_id(response: Response) -> Response:
    response.headers["X-Request-ID"] = getattr(g, "request_id", "")
    return response
