"""POST /api/v1/leads and POST /api/v1/feedback through the app."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assistant.engine import Assistant
from assistant.http.state import state
from assistant.settings import Settings
from assistant.startup import web_app

LEAD = {
    "name": "Dana Recruiter",
    "email": "Dana@Example.com",
    "company": "Acme",
    "message": "We have a backend role.\nCan we talk?",
    "consent": True,
}


def errors_of(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    return {e["field"]: e["message"] for e in response.get_json()["errors"]}


def test_a_lead_is_kept_and_answered_201(app: Flask, client: FlaskClient) -> None:
    response = client.post("/api/v1/leads", json={**LEAD, "session_id": "abc-123"})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id", "request_id"}
    lead = state(app).storage.leads.get(body["id"])
    assert lead is not None
    assert (lead.name, lead.email, lead.company, lead.session_id) == (
        "Dana Recruiter",
        "Dana@example.com",  # the domain normalised, the local part as typed
        "Acme",
        "abc-123",
    )
    assert lead.message == LEAD["message"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": " \u200b "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "Dana\r\nBcc: victim@example.com"}, "name"),
        ({"email": "not an address"}, "email"),
        ({"email": "dana@localhost"}, "email"),
        ({"email": "a" * 250 + "@example.com"}, "email"),
        ({"company": "Acme\u2028Corp"}, "company"),
        ({"company": "x" * 101}, "company"),
        ({"message": ""}, "message"),
        ({"message": "x" * 2001}, "message"),
        ({"message": "bell\x07"}, "message"),
        ({"consent": False}, "consent"),
        ({"consent": "yes"}, "consent"),
        ({"session_id": "no spaces"}, "session_id"),
        ({"website": 3}, "website"),
        ({"phone": "123"}, "phone"),
    ],
)
def test_each_bad_lead_field_is_named(
    client: FlaskClient, change: dict[str, Any], field: str
) -> None:
    assert field in errors_of(client.post("/api/v1/leads", json={**LEAD, **change}))


def test_missing_lead_fields_are_each_named(client: FlaskClient) -> None:
    assert set(errors_of(client.post("/api/v1/leads", json={}))) == {
        "name",
        "email",
        "message",
        "consent",
    }


def test_a_filled_honeypot_looks_kept_but_is_not(app: Flask, client: FlaskClient) -> None:
    response = client.post("/api/v1/leads", json={**LEAD, "website": "http://spam.example"})
    assert response.status_code == 201
    assert state(app).storage.leads.get(response.get_json()["id"]) is None
    assert state(app).storage.leads.newest(10) == []


def test_leads_have_their_own_rate_limit(built: Settings, fake_assistant: Assistant) -> None:
    limited = dataclasses.replace(built, leads_per_hour=2, rate_limit_per_minute=100)
    client = web_app(limited, assistant=fake_assistant).test_client()
    statuses = [client.post("/api/v1/leads", json=LEAD).status_code for _ in range(3)]
    assert statuses == [201, 201, 429]
    refused = client.post("/api/v1/leads", json=LEAD)
    assert refused.mimetype == "application/problem+json"
    assert int(refused.headers["Retry-After"]) > 0
    # Questions are counted apart: the client can still ask.
    assert client.post("/api/v1/chat", json={"question": "Where does he work?"}).status_code == 200


def test_a_lead_with_no_store_is_a_503_not_a_loss(
    built: Settings, fake_assistant: Assistant
) -> None:
    on_redis = dataclasses.replace(built, redis_url="redis://127.0.0.1:9/0")
    client = web_app(on_redis, assistant=fake_assistant).test_client()
    response = client.post("/api/v1/leads", json=LEAD)
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"


def ask(client: FlaskClient, question: str) -> dict[str, Any]:
    response = client.post("/api/v1/chat", json={"question": question})
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def test_a_rating_is_kept_with_what_was_rated(app: Flask, client: FlaskClient) -> None:
    answer = ask(client, "Where did he study?")
    response = client.post(
        "/api/v1/feedback",
        json={"request_id": answer["request_id"], "helpful": False, "comment": "Too short."},
    )
    assert response.status_code == 202, response.get_data(as_text=True)
    assert response.get_json()["rated"] == answer["request_id"]
    (rating,) = state(app).storage.ratings.newest(10)
    assert (rating.helpful, rating.comment, rating.question, rating.answer) == (
        False,
        "Too short.",
        "Where did he study?",
        answer["answer"],
    )
    assert [s.title for s in rating.sources] == [c["title"] for c in answer["citations"]]


def test_rating_again_replaces_the_rating(app: Flask, client: FlaskClient) -> None:
    rid = ask(client, "Where did he study?")["request_id"]
    for helpful in (True, False, True):
        response = client.post("/api/v1/feedback", json={"request_id": rid, "helpful": helpful})
        assert response.status_code == 202
    assert [r.helpful for r in state(app).storage.ratings.newest(10)] == [True]


def test_rating_an_unknown_answer_is_404(client: FlaskClient) -> None:
    response = client.post("/api/v1/feedback", json={"request_id": "nope", "helpful": True})
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_without_a_question_log_ratings_are_off(built: Settings, fake_assistant: Assistant) -> None:
    client = web_app(
        dataclasses.replace(built, question_log=False), assistant=fake_assistant
    ).test_client()
    rid = ask(client, "Where did he study?")["request_id"]
    response = client.post("/api/v1/feedback", json={"request_id": rid, "helpful": True})
    assert response.status_code == 404
    assert "QUESTION_LOG" in response.get_json()["detail"]


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"request_id", "helpful"}),
        ({"request_id": "a b", "helpful": True}, {"request_id"}),
        ({"request_id": "x" * 129, "helpful": True}, {"request_id"}),
        ({"request_id": "abc", "helpful": "yes"}, {"helpful"}),
        ({"request_id": "abc", "helpful": True, "comment": "x" * 501}, {"comment"}),
        ({"request_id": "abc", "helpful": True, "comment": 5}, {"comment"}),
        ({"request_id": "abc", "helpful": True, "stars": 5}, {"stars"}),
    ],
)
def test_each_bad_feedback_field_is_named(
    client: FlaskClient, body: dict[str, Any], fields: set[str]
) -> None:
    assert set(errors_of(client.post("/api/v1/feedback", json=body))) == fields
