"""Finding 6: look-alike and invisible characters are folded for matching, never shown raw."""

from __future__ import annotations

import dataclasses
import json

import pytest
from flask.testing import FlaskClient

from assistant.engine import Assistant
from assistant.http.state import state
from assistant.settings import Settings
from assistant.startup import web_app

from .conftest import ADMIN_TOKEN

INVISIBLE = ["\u200b", "\u200d\u200b\ufeff", " \u2060 \u200e ", "\u202e\u202c"]


@pytest.mark.parametrize("question", INVISIBLE, ids=repr)
def test_a_question_of_only_invisible_characters_is_422(client: FlaskClient, question: str) -> None:
    response = client.post("/api/v1/chat", json={"question": question})
    assert response.status_code == 422, response.json
    assert response.json["errors"][0]["field"] == "question"


@pytest.mark.parametrize("text", INVISIBLE, ids=repr)
def test_a_job_description_of_only_invisible_characters_is_422(
    client: FlaskClient, text: str
) -> None:
    response = client.post("/api/v1/match", json={"job_description": text * 10})
    assert response.status_code == 422, response.json


@pytest.mark.parametrize(
    ("plain", "lookalike"),
    [
        ("Is he certified in Kubernetes?", "Is he certified in Ｋｕｂｅｒｎｅｔｅｓ?"),
        ("What is the Split Payment System?", "What is the Ｓｐｌｉｔ Payment System?"),
        ("Where did he study?", "Where did he st\u200bu\u00addy?"),
    ],
)
def test_lookalike_letters_get_the_plain_spelling_s_answer(
    client: FlaskClient, plain: str, lookalike: str
) -> None:
    expected = client.post("/api/v1/chat", json={"question": plain}).json
    got = client.post("/api/v1/chat", json={"question": lookalike}).json
    assert got["abstained"] == expected["abstained"]
    assert got["answer"] == expected["answer"]


def test_the_verbatim_question_is_what_is_logged(
    built: Settings, fake_assistant: Assistant
) -> None:
    app = web_app(dataclasses.replace(built, admin_token=ADMIN_TOKEN), assistant=fake_assistant)
    client = app.test_client()
    client.post("/api/v1/chat", json={"question": "Is he certified in Ｋｕｂｅｒｎｅｔｅｓ?"})
    state(app).storage.questions.flush()
    logged = [e.question for e in state(app).storage.questions.since(0)]
    assert logged == ["Is he certified in Ｋｕｂｅｒｎｅｔｅｓ?"]


def test_bidi_controls_never_reach_the_admin_page_raw(
    built: Settings, fake_assistant: Assistant
) -> None:
    app = web_app(dataclasses.replace(built, admin_token=ADMIN_TOKEN), assistant=fake_assistant)
    client = app.test_client()
    trick = "what is his salary \u202egnp.exe\u202c expectation?"
    assert client.post("/api/v1/chat", json={"question": trick}).status_code == 200
    state(app).storage.questions.flush()
    auth = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    page = client.get("/admin/report", headers=auth).get_data(as_text=True)
    assert "gnp.exe" in page
    assert not any(c in page for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
    as_json = client.get("/admin/report", headers={**auth, "Accept": "application/json"})
    assert "\u202e" not in as_json.get_data(as_text=True)  # escaped as \u202e in JSON
    assert "\u202e" in json.dumps(as_json.json, ensure_ascii=False)  # the data is kept


def test_log_lines_escape_bidi_controls() -> None:
    import io
    import logging

    from assistant.http.observability import json_log_handler

    handler = json_log_handler()
    stream = io.StringIO()
    handler.setStream(stream)
    logger = logging.getLogger("tests.security.bidi")
    logger.addHandler(handler)
    try:
        logger.warning("question %s", "salary \u202egnp.exe")
    finally:
        logger.removeHandler(handler)
    line = stream.getvalue()
    assert "\u202e" not in line and "\\u202e" in line


def test_the_openapi_pattern_says_what_the_validation_does() -> None:
    # A question (or a job description) must hold a visible character: the OpenAPI pattern
    # given to clients and the server's rule (characters.has_visible_text) agree on every
    # code point.
    import re
    import sys

    from assistant.http.api import _openapi
    from assistant.index.characters import has_visible_text

    schemas = _openapi()["components"]["schemas"]
    patterns = [
        schemas["Question"]["pattern"],
        schemas["MatchRequest"]["properties"]["job_description"]["pattern"],
    ]
    every = [chr(code) for code in range(sys.maxunicode + 1)]
    visible = [has_visible_text(c) for c in every]
    for pattern in patterns:
        compiled = re.compile(pattern)
        disagree = [
            hex(ord(c)) for c, shown in zip(every, visible, strict=True)
            if bool(compiled.search(c)) != shown
        ]  # fmt: skip
        assert disagree == []
