from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from assistant.engine import Assistant
from assistant.errors import IndexNotReadyError
from assistant.settings import Settings
from assistant.startup import web_app

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
        "items",
        "request_id",
        "debug",
    ]
    assert isinstance(body["answer"], str) and "[1]" in body["answer"]
    assert body["abstained"] is False and body["degraded"] is False
    assert body["debug"] == {"reason": None, "detail": ""}

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


def test_a_refusal_says_why(client: FlaskClient) -> None:
    body = ask(client, {"question": "Does he know Kubernetes?"}).get_json()
    assert body["abstained"] is True
    assert body["debug"] == {"reason": "unknown_name", "detail": "Kubernetes"}
    body = ask(client, {"question": "How old is he?"}).get_json()
    assert body["debug"]["reason"] == "personal"


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


def test_lone_surrogate_is_cleaned_not_a_500(client: FlaskClient) -> None:
    response = client.post(
        CHAT, data='{"question": "QSR \\ud800 platform"}', content_type="application/json"
    )
    assert response.status_code == 200
    assert response.get_json()["citations"][0]["id"] == "projects/qsr-integration-platform"


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
        assert page.status_code == 200
        assert b"<assistant-chat inline" in page.data and b'src="/widget.js"' in page.data
    with client.get("/static/page.css") as styles:
        assert styles.status_code == 200 and styles.mimetype == "text/css"


@pytest.mark.parametrize(
    ("path", "mimetype"), [("/widget.js", "text/javascript"), ("/widget.css", "text/css")]
)
def test_widget_files_are_cached_with_validators(
    client: FlaskClient, path: str, mimetype: str
) -> None:
    with client.get(path) as first:
        assert first.status_code == 200 and first.mimetype == mimetype
        assert first.cache_control.max_age == 86400
        etag = first.headers["ETag"]
    with client.get(path, headers={"If-None-Match": etag}) as again:
        assert again.status_code == 304


def test_versioned_widget_is_immutable_and_others_404(client: FlaskClient) -> None:
    from assistant.http.assets import widget_version

    with client.get(f"/widget.{widget_version('js')}.js") as versioned:
        assert versioned.status_code == 200
        assert versioned.cache_control.max_age == 365 * 24 * 3600
        assert versioned.cache_control.immutable
    assert_problem(client.get("/widget.0123456789ab.js"), 404)


def test_allowed_sites_may_load_the_widget_with_cors(strict_client: FlaskClient) -> None:
    with strict_client.get("/widget.js", headers={"Origin": ALLOWED}) as allowed:
        assert allowed.headers["Access-Control-Allow-Origin"] == ALLOWED
    with strict_client.get("/widget.js", headers={"Origin": "https://evil.example"}) as other:
        assert "Access-Control-Allow-Origin" not in other.headers


def test_embed_prints_a_pinned_script_tag(runner: CliRunner) -> None:
    import base64
    import hashlib

    from assistant.cli import cli
    from assistant.http.assets import WEB_DIR, widget_version

    result = runner.invoke(cli, ["embed", "https://assistant.example.com/"])
    digest = base64.b64encode(hashlib.sha384((WEB_DIR / "widget.js").read_bytes()).digest())
    assert result.exit_code == 0
    assert f'src="https://assistant.example.com/widget.{widget_version("js")}.js"' in result.output
    assert f'integrity="sha384-{digest.decode()}"' in result.output
    assert 'crossorigin="anonymous"' in result.output


ALLOWED = "https://akshay.example"


@pytest.fixture
def strict_client(built: Settings, fake_assistant: Assistant) -> FlaskClient:
    settings = dataclasses.replace(built, allowed_origins=(ALLOWED,))
    return web_app(settings, assistant=fake_assistant).test_client()


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (ALLOWED, True),
        ("https://evil.example", False),
        ("http://akshay.example", False),  # another scheme
        ("https://akshay.example.evil.example", False),  # the allowed host as a prefix
        ("https://evilakshay.example", False),  # ... as a suffix
        ("https://akshay.example:8443", False),  # another port
        ("null", False),
        ("http://localhost:3000", False),  # local origins only when no list is configured
    ],
)
def test_cors_allows_exactly_the_listed_origins(
    strict_client: FlaskClient, origin: str, allowed: bool
) -> None:
    response = strict_client.get("/api/v1/suggestions", headers={"Origin": origin})
    assert response.status_code == 200
    if allowed:
        assert response.headers["Access-Control-Allow-Origin"] == origin
        assert "Origin" in response.headers["Vary"]
        exposed = response.headers["Access-Control-Expose-Headers"]
        assert {"X-Request-ID", "Retry-After", "RateLimit"} <= set(exposed.split(", "))
    else:
        assert "Access-Control-Allow-Origin" not in response.headers
    assert "Access-Control-Allow-Credentials" not in response.headers


def test_cors_preflight_is_cached_and_without_credentials(strict_client: FlaskClient) -> None:
    response = strict_client.options(
        CHAT,
        headers={
            "Origin": ALLOWED,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == ALLOWED
    assert int(response.headers["Access-Control-Max-Age"]) >= 600
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()
    assert "Access-Control-Allow-Credentials" not in response.headers


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("http://localhost:5173", True),
        ("http://127.0.0.1:8000", True),
        ("http://localhost", True),
        ("http://localhost.evil.example", False),
        ("https://localhost:3000", False),
        ("http://127.0.0.1.evil.example", False),
    ],
)
def test_default_origins_are_local_pages(client: FlaskClient, origin: str, allowed: bool) -> None:
    response = client.get("/api/v1/health", headers={"Origin": origin})
    assert (response.headers.get("Access-Control-Allow-Origin") == origin) is allowed


def test_cors_stays_off_pages(client: FlaskClient) -> None:
    with client.get("/", headers={"Origin": "http://localhost:5173"}) as page:
        assert "Access-Control-Allow-Origin" not in page.headers


def test_security_headers(client: FlaskClient) -> None:
    with client.get("/") as page:
        csp = page.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert page.headers["X-Content-Type-Options"] == "nosniff"
        assert page.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    api = client.get("/api/v1/health")
    assert api.headers["Content-Security-Policy"].startswith("default-src 'none'")
    assert api.headers["X-Content-Type-Options"] == "nosniff"


def test_metrics_count_requests_and_questions(client: FlaskClient) -> None:
    def sample(text: str, name: str) -> float:
        for line in text.splitlines():
            if line.startswith(name + " "):
                return float(line.split()[-1])
        return 0.0

    chat_ok = 'assistant_http_requests_total{method="POST",route="/api/v1/chat",status="2xx"}'
    abstained = 'assistant_questions_total{outcome="abstained"}'
    answered = 'assistant_questions_total{outcome="answered"}'
    before = client.get("/metrics").get_data(as_text=True)
    assert not ask(client, {"question": "What is the Split Payment System?"}).json["abstained"]
    assert ask(client, {"question": "What is his salary expectation?"}).json["abstained"]
    ask(client, {"question": ""})
    after = client.get("/metrics").get_data(as_text=True)
    assert sample(after, chat_ok) - sample(before, chat_ok) == 2
    assert sample(after, abstained) - sample(before, abstained) == 1
    assert sample(after, answered) - sample(before, answered) == 1
    assert "assistant_http_request_duration_seconds_bucket" in after
    assert sample(after, "assistant_index_entries") == 23


def test_ready_is_503_when_the_index_cannot_be_loaded(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    import assistant.startup

    def fail(*args: Any, **kwargs: Any) -> None:
        raise IndexNotReadyError("no index in instance/index; run `assistant build`")

    monkeypatch.setattr(assistant.startup, "open_assistant", fail)
    client = web_app(settings).test_client()
    assert client.get("/api/v1/health").status_code == 200
    problem = assert_problem(client.get("/api/v1/ready"), 503)
    assert "assistant build" in problem["detail"]
    assert_problem(ask(client, {"question": "Where did he study?"}), 503)


def test_openapi_document_is_served(client: FlaskClient) -> None:
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert "/api/v1/chat" in document["paths"]


def test_a_question_past_its_deadline_is_a_503_with_retry_after(
    built: Settings, fake_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    embedder = fake_assistant.retriever.embedder
    assert embedder is not None
    slow_encode = embedder.encode

    def slow(texts):  # type: ignore[no-untyped-def]
        time.sleep(0.3)
        return slow_encode(texts)

    monkeypatch.setattr(embedder, "encode", slow)
    settings = dataclasses.replace(built, request_deadline_seconds=0.1)
    client = web_app(settings, assistant=fake_assistant).test_client()
    response = client.post(
        CHAT, json={"question": "A question nobody asked before?", "session_id": "late"}
    )
    body = assert_problem(response, 503)
    assert response.headers["Retry-After"] == "1"
    assert "in time" in body["detail"]
    assert fake_assistant.store is not None
    assert fake_assistant.store.recent("late", 5) == []  # a late question leaves no turn
