from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assistant.engine import Assistant

CHAT = "/api/v1/chat"


def ask(client: FlaskClient, body: Any, **kwargs: Any):  # type: ignore[no-untyped-def]
    return client.post(CHAT, json=body, **kwargs)


def assert_problem(response, status: int) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert {"type", "title", "status", "detail", "request_id"} <= set(body)
    assert body["status"] == status
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def test_chat_response_has_the_contract_shape(client: FlaskClient) -> None:
    response = ask(client, {"question": "Tell me about the Split Payment System"})
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == [
        "answer",
        "citations",
        "abstained",
        "confidence",
        "session_id",
        "degraded",
        "follow_ups",
        "request_id",
    ]
    assert isinstance(body["answer"], str) and "[1]" in body["answer"]
    assert body["abstained"] is False and body["degraded"] is False
    assert 0.0 <= body["confidence"] <= 1.0
    assert isinstance(body["follow_ups"], list)
    citation = body["citations"][0]
    assert list(citation) == ["n", "id", "title", "section", "url", "snippet", "score", "updated"]
    assert citation["n"] == 1 and citation["section"] in {
        "about",
        "experience",
        "skills",
        "insights",
        "projects",
        "contact",
    }
    assert citation["url"].startswith("#")
    assert response.headers["X-Request-ID"] == body["request_id"]


def test_session_id_is_returned_and_reused(client: FlaskClient) -> None:
    first = ask(client, {"question": "What is the Split Payment System?"}).get_json()
    assert len(first["session_id"]) >= 16
    second = ask(client, {"question": "What was its impact?", "session_id": first["session_id"]})
    assert second.get_json()["session_id"] == first["session_id"]


def test_request_id_is_taken_when_well_formed(client: FlaskClient) -> None:
    good = ask(client, {"question": "Where did he study?"}, headers={"X-Request-ID": "abc.123-x"})
    assert good.headers["X-Request-ID"] == "abc.123-x"
    bad = ask(client, {"question": "Where did he study?"}, headers={"X-Request-ID": "bad id!"})
    assert bad.headers["X-Request-ID"] != "bad id!"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "question"),
        ({"question": ""}, "question"),
        ({"question": "   "}, "question"),
        ({"question": 42}, "question"),
        ({"question": "x" * 1001}, "question"),
        ({"question": "\u0000\u0001"}, "question"),
        ({"question": "ok?", "session_id": "has space"}, "session_id"),
        ({"question": "ok?", "session_id": "x" * 65}, "session_id"),
        ({"question": "ok?", "history": "nope"}, "history"),
        ({"question": "ok?", "history": [{"question": "q"}] * 11}, "history"),
        ({"question": "ok?", "history": [{"answer": "no question"}]}, "history[0]"),
        ({"question": "ok?", "surprise": 1}, "surprise"),
        ([], ""),
    ],
)
def test_invalid_fields_get_422_naming_the_field(
    client: FlaskClient, body: Any, field: str
) -> None:
    problem = assert_problem(ask(client, body), 422)
    assert field in [e["field"] for e in problem["errors"]]


def test_lone_surrogate_is_rejected_not_a_500(client: FlaskClient) -> None:
    response = client.post(
        CHAT, data='{"question": "hi \\ud800 there"}', content_type="application/json"
    )
    assert_problem(response, 422)


def test_malformed_json_is_400(client: FlaskClient) -> None:
    response = client.post(CHAT, data="{not json", content_type="application/json")
    assert_problem(response, 400)


def test_non_json_body_is_415(client: FlaskClient) -> None:
    assert_problem(client.post(CHAT, data="question=hi", content_type="text/plain"), 415)


def test_oversized_body_is_413(client: FlaskClient) -> None:
    response = client.post(
        CHAT, data='{"question": "' + "x" * 20000 + '"}', content_type="application/json"
    )
    assert_problem(response, 413)


def test_unknown_route_is_404_problem(client: FlaskClient) -> None:
    assert_problem(client.get("/api/v1/nothing"), 404)


def test_wrong_method_is_405_with_allow(client: FlaskClient) -> None:
    response = client.get(CHAT)
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_unexpected_failure_is_a_500_problem_without_internals(
    app: Flask, client: FlaskClient, fake_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(fake_assistant, "ask", explode)
    response = ask(client, {"question": "Where did he study?"})
    body = assert_problem(response, 500)
    assert "secret" not in response.get_data(as_text=True)
    assert body["request_id"] == response.headers["X-Request-ID"]


def test_health_ready_and_suggestions(client: FlaskClient, fake_assistant: Assistant) -> None:
    assert client.get("/api/v1/health").get_json() == {"status": "ok"}
    ready = client.get("/api/v1/ready").get_json()
    assert ready["status"] == "ready" and ready["degraded"] is False
    assert ready["index"]["entries"] == len(fake_assistant.index.chunks)
    suggestions = client.get("/api/v1/suggestions").get_json()["suggestions"]
    assert suggestions == fake_assistant.suggestions() and len(suggestions) >= 3


def test_chat_page_is_served(client: FlaskClient) -> None:
    with client.get("/") as page:
        assert page.status_code == 200 and b"<form" in page.data
    with client.get("/static/page.js") as script:
        assert script.status_code == 200 and script.mimetype == "text/javascript"


def test_engine_modules_do_not_import_flask() -> None:
    code = (
        "import sys, assistant.engine, assistant.retrieval, assistant.startup; "
        "print('flask' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
