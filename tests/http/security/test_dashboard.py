"""The owner's dashboard: form login, session cookie, CSRF, lockout, escaping, JSON for scripts."""

from __future__ import annotations

import csv
import io
import re
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from assistant.http.state import state
from assistant.storage.base import Lead, LoggedQuestion, Rating, Source

from .conftest import ADMIN_TOKEN

BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
AS_JSON = {**AUTH, "Accept": "application/json"}


def form_token(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, html
    return found.group(1)


def log_in(
    client: FlaskClient, token: str = ADMIN_TOKEN, address: str = "10.1.1.1"
) -> TestResponse:
    page = client.get("/admin/login", headers=BROWSER, environ_base={"REMOTE_ADDR": address})
    return client.post(
        "/admin/login",
        data={"csrf_token": form_token(page.get_data(as_text=True)), "token": token},
        headers=BROWSER,
        environ_base={"REMOTE_ADDR": address},
    )


def add_lead(app: Flask, name: str = "Dana Lee", lead_id: str = "a1b2c3d4e5f6a7b8") -> Lead:
    lead = Lead(
        lead_id, name, "dana@example.com", "=HYPERLINK(1)", "Hi <b>there</b>", None, time.time()
    )
    state(app).storage.leads.add(lead, [])
    return lead


def test_a_browser_is_sent_to_the_login_and_back(admin_client: FlaskClient) -> None:
    first = admin_client.get("/admin", headers=BROWSER)
    assert first.status_code == 303 and first.headers["Location"] == "/admin/login"
    response = log_in(admin_client)
    assert response.status_code == 303 and response.headers["Location"] == "/admin"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/admin" in cookie
    assert "Secure" not in cookie  # plain http here; see the https test
    assert ADMIN_TOKEN not in cookie
    page = admin_client.get("/admin", headers=BROWSER)
    assert page.status_code == 200 and "<svg" in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"


def test_over_https_the_cookie_is_secure(admin_app: Flask) -> None:
    client = admin_app.test_client()
    page = client.get("/admin/login", base_url="https://localhost", headers=BROWSER)
    response = client.post(
        "/admin/login",
        base_url="https://localhost",
        data={"csrf_token": form_token(page.get_data(as_text=True)), "token": ADMIN_TOKEN},
    )
    assert response.status_code == 303 and "Secure" in response.headers["Set-Cookie"]


def test_a_wrong_token_is_refused_on_the_form(admin_client: FlaskClient) -> None:
    response = log_in(admin_client, token="not-the-token")
    assert response.status_code == 401
    assert "That is not the admin token." in response.get_data(as_text=True)
    assert admin_client.get("/admin", headers=BROWSER).status_code == 303


def test_the_login_form_needs_its_csrf_token(admin_client: FlaskClient) -> None:
    response = admin_client.post("/admin/login", data={"token": ADMIN_TOKEN}, headers=BROWSER)
    assert response.status_code == 403


def test_repeated_bad_logins_lock_the_address_out(admin_client: FlaskClient) -> None:
    statuses = [log_in(admin_client, "wrong", "10.9.9.9").status_code for _ in range(11)]
    assert statuses[:10] == [401] * 10 and statuses[10] == 429
    locked = log_in(admin_client, ADMIN_TOKEN, "10.9.9.9")
    assert locked.status_code == 429
    text = locked.get_data(as_text=True)
    assert re.search(r"try again in \d+ s", text)
    assert int(locked.headers["Retry-After"]) >= 1
    assert log_in(admin_client, ADMIN_TOKEN, "10.9.9.8").status_code == 303


def test_a_delete_needs_the_csrf_token(admin_app: Flask, admin_client: FlaskClient) -> None:
    lead = add_lead(admin_app)
    log_in(admin_client)
    refused = admin_client.post(f"/admin/leads/{lead.id}/delete", headers=BROWSER)
    assert refused.status_code == 403
    forged = admin_client.post(
        f"/admin/leads/{lead.id}/delete", data={"csrf_token": "0" * 64}, headers=BROWSER
    )
    assert forged.status_code == 403
    assert state(admin_app).storage.leads.get(lead.id) is not None
    page = admin_client.get("/admin/leads", headers=BROWSER).get_data(as_text=True)
    deleted = admin_client.post(
        f"/admin/leads/{lead.id}/delete", data={"csrf_token": form_token(page)}, headers=BROWSER
    )
    assert deleted.status_code == 303 and deleted.headers["Location"] == "/admin/leads?deleted=1"
    assert state(admin_app).storage.leads.get(lead.id) is None


def test_logging_out_ends_the_session_on_the_server(admin_client: FlaskClient) -> None:
    log_in(admin_client)
    cookie = admin_client.get_cookie("assistant_admin", path="/admin")
    assert cookie is not None
    page = admin_client.get("/admin", headers=BROWSER).get_data(as_text=True)
    assert admin_client.post("/admin/logout", headers=BROWSER).status_code == 403
    out = admin_client.post("/admin/logout", data={"csrf_token": form_token(page)}, headers=BROWSER)
    assert out.status_code == 303 and out.headers["Location"] == "/admin/login"
    # The old cookie, sent again (as a thief would), opens nothing.
    admin_client.set_cookie("assistant_admin", cookie.value, path="/admin")
    assert admin_client.get("/admin", headers=BROWSER).status_code == 303


def test_an_expired_session_is_sent_to_the_login(
    admin_client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    log_in(admin_client)
    assert admin_client.get("/admin", headers=BROWSER).status_code == 200
    later = time.time() + 9 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert admin_client.get("/admin", headers=BROWSER).status_code == 303


def test_everything_shown_is_escaped(admin_app: Flask, admin_client: FlaskClient) -> None:
    add_lead(admin_app, name="<script>alert(1)</script>")
    storage = state(admin_app).storage
    storage.questions.record(
        LoggedQuestion("<img src=x onerror=alert(2)>?", True, 0.1, (), time.time(), "r1", "No.")
    )
    storage.questions.flush()
    storage.ratings.rate(
        Rating("r1", False, "<iframe>", "<img src=x onerror=alert(2)>?", "No.", (), time.time())
    )
    log_in(admin_client)
    for path in ("/admin", "/admin/leads", "/admin/feedback", "/admin/report"):
        html = admin_client.get(path, headers=BROWSER).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html and "<iframe>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in admin_client.get(
        "/admin/leads", headers=BROWSER
    ).get_data(as_text=True)


def test_scripts_get_leads_and_feedback_as_json(
    admin_app: Flask, admin_client: FlaskClient
) -> None:
    lead = add_lead(admin_app)
    sources = (Source(1, "Education", "/#about"),)
    state(admin_app).storage.ratings.rate(
        Rating("r9", False, "vague", "Where?", "At X [1].", sources, time.time())
    )
    leads = admin_client.get("/admin/leads", headers=AS_JSON).get_json()
    assert list(leads) == ["leads"]
    assert set(leads["leads"][0]) == {"id", "name", "email", "company", "message", "created"}
    assert leads["leads"][0]["id"] == lead.id
    feedback = admin_client.get("/admin/feedback", headers=AS_JSON).get_json()
    assert feedback == {
        "feedback": [
            {
                "request_id": "r9",
                "helpful": False,
                "question": "Where?",
                "answer": "At X [1].",
                "comment": "vague",
                "created": feedback["feedback"][0]["created"],
            }
        ]
    }
    assert admin_client.delete(f"/admin/leads/{lead.id}", headers=AUTH).status_code == 204
    assert admin_client.delete(f"/admin/leads/{lead.id}", headers=AUTH).status_code == 404
    assert (
        admin_client.get("/admin/leads", headers={"Accept": "application/json"}).status_code == 401
    )


def test_the_csv_export_never_runs_a_formula(admin_app: Flask, admin_client: FlaskClient) -> None:
    add_lead(admin_app)
    response = admin_client.get("/admin/leads.csv", headers=AUTH)
    assert (
        response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    )
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:4] == ["id", "created", "name", "email"]
    assert rows[1][4] == "'=HYPERLINK(1)"


def test_without_a_token_there_is_no_dashboard(client: FlaskClient) -> None:
    for path in ("/admin", "/admin/login", "/admin/leads", "/admin/feedback"):
        assert client.get(path, headers=BROWSER).status_code == 404
