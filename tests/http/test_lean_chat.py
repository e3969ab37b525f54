"""Plain chat questions, answered in front of the app (http.lean_chat), answer as the app would."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assistant.engine import Assistant
from assistant.settings import Settings
from assistant.startup import web_app

CHAT = "/api/v1/chat"
ALLOWED = "https://akshay.example"
QUESTION = "Where did he study?"


@pytest.fixture
def app(built: Settings, fake_assistant: Assistant) -> Flask:
    settings = dataclasses.replace(
        built, allowed_origins=(ALLOWED,), rate_limit_per_minute=100, question_log=True
    )
    return web_app(settings, assistant=fake_assistant)


def _refuse_in_the_app(app: Flask) -> None:
    """From now on the app's chat view fails: only the lean path can answer."""

    def refuse() -> Any:
        raise AssertionError("answered by the app")

    app.view_functions["api.chat"] = refuse


def test_plain_questions_are_answered_in_front_of_the_app(app: Flask) -> None:
    client = app.test_client()
    _refuse_in_the_app(app)
    first = client.post(CHAT, json={"question": QUESTION})
    again = client.post(CHAT, json={"question": QUESTION})
    assert first.status_code == again.status_code == 200
    assert again.json["answer"] == first.json["answer"]
    assert again.json["session_id"] != first.json["session_id"]
    follow_up = client.post(
        CHAT, json={"question": "When did he graduate?", "session_id": first.json["session_id"]}
    )
    assert follow_up.status_code == 200
    # A request with an Idempotency-Key still goes to the app.
    keyed = client.post(CHAT, json={"question": QUESTION}, headers={"Idempotency-Key": "k-1"})
    assert keyed.status_code == 500


def _comparable(response: Any) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    # The rate limit's remaining count and reset time move on; the ids are per request.
    headers = [
        (name, re.sub(r"([rt])=\d+", r"\1=N", value) if name == "RateLimit" else value)
        for name, value in response.headers
    ]
    body = {k: v for k, v in response.json.items() if k not in ("session_id", "request_id")}
    return headers, body


@pytest.mark.parametrize("origin", [ALLOWED, "https://evil.example", None])
@pytest.mark.parametrize("question", [QUESTION, "Does he know Rust?"])
def test_the_lean_answer_carries_what_the_apps_would(
    app: Flask, origin: str | None, question: str
) -> None:
    client = app.test_client()
    headers = {"X-Request-ID": "trace-1"} | ({"Origin": origin} if origin else {})
    # An Idempotency-Key sends the request to the app (its first run adds no header of its own).
    by_app = client.post(
        CHAT, json={"question": question}, headers=headers | {"Idempotency-Key": "k-1"}
    )
    _refuse_in_the_app(app)
    lean = client.post(CHAT, json={"question": question}, headers=headers)
    assert lean.status_code == 200
    assert _comparable(lean) == _comparable(by_app)
    assert lean.headers["X-Request-ID"] == lean.json["request_id"] == "trace-1"
    assert (lean.headers.get("Access-Control-Allow-Origin") == ALLOWED) is (origin == ALLOWED)


def test_a_request_is_counted_once_against_the_rate_limit(
    built: Settings, fake_assistant: Assistant
) -> None:
    settings = dataclasses.replace(built, rate_limit_per_minute=3, rate_limit_per_day=0)
    client = web_app(settings, assistant=fake_assistant).test_client()
    # A question, a body the app refuses (the lean path counted it and handed it on), another.
    for body, status, remaining in (
        ({"question": QUESTION}, 200, 2),
        ({"question": ""}, 422, 1),
        ({"question": "What does he do?"}, 200, 0),
    ):
        response = client.post(CHAT, json=body)
        assert response.status_code == status
        assert f"r={remaining}" in response.headers["RateLimit"]
    refused = client.post(CHAT, json={"question": QUESTION})
    assert refused.status_code == 429
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 0


def test_lean_answers_are_remembered_logged_and_counted(app: Flask) -> None:
    client = app.test_client()

    def answered() -> float:
        metrics = client.get("/metrics").get_data(as_text=True)
        found = re.search(
            r'assistant_http_requests_total\{method="POST",route="/api/v1/chat",status="2xx"\} '
            r"([\d.]+)",
            metrics,
        )
        return float(found.group(1)) if found else 0.0

    before = answered()
    _refuse_in_the_app(app)
    client.post(CHAT, json={"question": QUESTION})
    lean = client.post(CHAT, json={"question": QUESTION}, headers={"X-Request-ID": "lean-1"})
    assert answered() == before + 2
    stored = app.extensions["assistant"]
    logged = stored.storage.questions.since(0)
    assert [q.request_id for q in logged][-1] == "lean-1"
    assert logged[-1].answer == lean.json["answer"]
    # The turn is kept: a follow-up in the session reads it.
    assistant = stored.reloader.current()
    assert assistant.store.recent(lean.json["session_id"], 3)[0].question == QUESTION


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b'{"question": ""}', {"Content-Type": "application/json"}, 422),
        (b'{"question": "Where did he study?"', {"Content-Type": "application/json"}, 400),
        (b'{"question": "Where did he study?"}', {"Content-Type": "text/plain"}, 415),
        (b'{"question": "Where did he study?", "session_id": "a b"}', {}, 422),
    ],
)
def test_what_it_cannot_answer_gets_the_apps_answer(
    client: FlaskClient, body: bytes, headers: dict[str, str], status: int
) -> None:
    headers = {"Content-Type": "application/json"} | headers
    response = client.post(CHAT, data=body, headers=headers)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
