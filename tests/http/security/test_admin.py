"""Findings 8-10: the owner's pages throttle guessing, answer fast and never redirect by Host."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Sequence

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assistant.http.state import state
from assistant.index.embedding import Vectors
from assistant.settings import Settings, settings_from_env
from assistant.storage.base import LoggedQuestion

from .conftest import ADMIN_TOKEN, finishes

REPORT = "/admin/report"
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
AS_JSON = {**AUTH, "Accept": "application/json"}


def from_address(address: str) -> dict[str, str]:
    return {"REMOTE_ADDR": address}


def test_failed_logins_are_limited_per_address(admin_client: FlaskClient) -> None:
    wrong = {"Authorization": "Bearer " + "x" * 43}
    statuses = [
        admin_client.get(REPORT, headers=wrong, environ_base=from_address("10.0.0.1")).status_code
        for _ in range(12)
    ]
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]
    throttled = admin_client.get(REPORT, headers=AUTH, environ_base=from_address("10.0.0.1"))
    assert throttled.status_code == 429  # even the right token: no guessing through the limit
    assert int(throttled.headers["Retry-After"]) >= 1
    assert throttled.mimetype == "application/problem+json"
    other = admin_client.get(REPORT, headers=AUTH, environ_base=from_address("10.0.0.2"))
    assert other.status_code == 200


@pytest.mark.parametrize("length", [16, 31])
def test_a_short_admin_token_is_refused_at_start_up(length: int) -> None:
    with pytest.raises(ValueError, match="secrets.token_urlsafe"):
        settings_from_env({"ASSISTANT_ADMIN_TOKEN": "t" * length})


@pytest.mark.parametrize(
    "path", ["/admin//report", "//admin/report", "/admin/report/", "//api/v1/health"]
)
def test_no_redirect_is_built_from_the_host_header(admin_client: FlaskClient, path: str) -> None:
    response = admin_client.get(path, headers={**AUTH, "Host": "evil.example"})
    assert "Location" not in response.headers
    assert response.status_code in (200, 404)
    if response.status_code == 404:
        assert response.mimetype == "application/problem+json"


@pytest.mark.parametrize("days", ["abc", "0", "-1", "1.5", "", "99999999999999999999"])
def test_days_must_be_a_positive_whole_number(admin_client: FlaskClient, days: str) -> None:
    response = admin_client.get(f"{REPORT}?days={days}", headers=AS_JSON)
    assert response.status_code == 400, days
    assert response.mimetype == "application/problem+json"


class GatedEmbedder:
    """Embeds only once the test opens the gate, like a model busy with a long log."""

    fingerprint = "gated"

    def __init__(self, inner: object) -> None:
        self.inner = inner
        self.gate = threading.Event()
        self.calls = 0

    def encode(self, texts: Sequence[str]) -> Vectors:
        self.calls += 1
        self.gate.wait(60)
        return self.inner.encode(texts)  # type: ignore[attr-defined]


@pytest.fixture
def logged_app(admin_app: Flask) -> Flask:
    storage = state(admin_app).storage
    now = time.time()
    storage.questions.record_many(
        [
            LoggedQuestion(f"what is his salary expectation number {n}?", True, 0.1, (), now - n)
            for n in range(300)
        ]
    )
    storage.questions.flush()
    return admin_app


def test_the_report_page_does_not_wait_for_a_slow_grouping(logged_app: Flask) -> None:
    assistant = state(logged_app).assistant()
    gated = GatedEmbedder(assistant.retriever.embedder)
    assistant.retriever.embedder = gated
    client = logged_app.test_client()
    try:
        first = finishes(lambda: client.get(REPORT + "?days=30", headers=AS_JSON), 20)
        assert first.status_code == 200
        assert first.json["grouped_by_meaning"] is False  # grouped by wording meanwhile
        assert first.json["unanswered"] == 300
        again = finishes(lambda: client.get(REPORT + "?days=30", headers=AS_JSON), 20)
        assert again.status_code == 200 and gated.calls == 1  # one grouping at a time
    finally:
        gated.gate.set()
    for _ in range(100):
        done = client.get(REPORT + "?days=30", headers=AS_JSON)
        if done.json["grouped_by_meaning"]:
            break
        threading.Event().wait(0.05)
    assert done.json["grouped_by_meaning"] is True
    calls = gated.calls
    assert client.get(REPORT + "?days=30", headers=AS_JSON).json == done.json
    assert gated.calls == calls  # cached for this index version and day window


def test_settings_keep_a_long_enough_token(built: Settings) -> None:
    assert dataclasses.replace(built, admin_token=ADMIN_TOKEN).admin_token == ADMIN_TOKEN
