"""The owner's dashboard at /admin: what recruiters asked, rated and left as contact details.

It exists only when ASSISTANT_ADMIN_TOKEN is set (else every /admin path is a 404). Browsers
log in with a form; scripts send the token as a bearer token and ask for JSON (see
admin_auth). Every page is rendered with Jinja's autoescaping: leads and questions are
attacker-controlled text, and bidi controls in them are shown as escapes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from dataclasses import asdict

from flask import (
    Blueprint,
    Response,
    g,
    jsonify,
    redirect,
    render_template,
    request,
)
from werkzeug.exceptions import BadRequest, NotFound, TooManyRequests, Unauthorized
from werkzeug.wrappers.response import Response as BaseResponse

from assistant.http.admin_auth import (
    LOGIN_COOKIE,
    LOGIN_FORM_SECONDS,
    SESSION_COOKIE,
    SESSION_SECONDS,
    AdminAuth,
    Owner,
    bearer_required,
    check_login_form_token,
    login_form_token,
    set_cookie,
)
from assistant.http.chart import questions_chart
from assistant.http.state import state
from assistant.index.characters import shown
from assistant.insights.activity import most_asked, per_day
from assistant.insights.unanswered import UnansweredReport, build_report, since_days
from assistant.storage.base import MAX_LEADS
from assistant.storage.records import lead_record, rating_record

# Registered only when ASSISTANT_ADMIN_TOKEN is set.
admin = Blueprint("admin", __name__, url_prefix="/admin")
LOGIN = "/admin/login"
CHART_DAYS = 30
SHOWN_RATINGS = 200
MAX_TOKEN_FIELD = 512
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _auth() -> AdminAuth:
    auth = state().admin_auth
    assert auth is not None  # the blueprint is registered only with a token
    return auth


def _wants_json() -> bool:
    return request.accept_mimetypes.best == "application/json"


@admin.before_request
def _require_owner() -> BaseResponse | None:
    """Every page but the login needs the owner: a browser without a login is sent to it."""
    if request.endpoint == "admin.login":
        return None
    owner = _auth().owner(request)
    if owner is None:
        if request.accept_mimetypes.accept_html and request.method == "GET":
            return redirect(LOGIN, code=303)
        raise bearer_required()
    g.owner = owner
    return None


@admin.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


def _page(template: str, status: int = 200, **context: object) -> Response:
    owner: Owner | None = getattr(g, "owner", None)
    site = state().site()
    html = render_template(
        template,
        owner_name=site.owner if site else "the owner",
        csrf_token=_auth().csrf_token(owner) if owner else "",
        shown=shown,
        day=_day,
        **context,
    )
    return Response(html, status=status, mimetype="text/html")


@admin.route("/login", methods=["GET", "POST"])
def login() -> BaseResponse:
    """GET: the login form. POST: check the token, set the session cookie, go to /admin."""
    token = login_form_token(request)
    if request.method == "GET":
        if _auth().owner(request) is not None:
            return redirect("/admin", code=303)
        response = _page("admin/login.html", form_token=token, error="")
        set_cookie(response, request, LOGIN_COOKIE, token, LOGIN_FORM_SECONDS)
        return response
    check_login_form_token(request)
    given = request.form.get("token", "")[:MAX_TOKEN_FIELD]
    try:
        session_id = _auth().log_in(request, given)
    except TooManyRequests as exc:
        response = _page("admin/login.html", 429, form_token=token, error=exc.description)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except Unauthorized:
        return _page(
            "admin/login.html", 401, form_token=token, error="That is not the admin token."
        )
    done = redirect("/admin", code=303)
    set_cookie(done, request, SESSION_COOKIE, session_id, SESSION_SECONDS)
    done.delete_cookie(LOGIN_COOKIE, path="/admin")
    return done


@admin.post("/logout")
def logout() -> BaseResponse:
    """Forget the session and its cookie."""
    _auth().check_csrf(g.owner, request.form.get("csrf_token"))
    _auth().log_out(g.owner)
    response = redirect(LOGIN, code=303)
    response.delete_cookie(SESSION_COOKIE, path="/admin")
    return response


@admin.get("")
def dashboard() -> Response:
    """GET /admin: questions per day, the most asked, the unanswered, ratings and leads."""
    storage = state().storage
    days = min(CHART_DAYS, state().settings.log_days)
    entries = storage.questions.since(since_days(days))
    ratings = storage.ratings.newest(SHOWN_RATINGS)
    daily = per_day(entries, days, time.time())

    return _page(
        "admin/dashboard.html",
        days=days,
        per_day=daily,
        chart=questions_chart(daily),
        asked=len(entries),
        top=most_asked(entries, 10),
        report=_unanswered(days),
        unhelpful=[r for r in ratings if not r.helpful][:5],
        helpful_count=sum(r.helpful for r in ratings),
        unhelpful_count=sum(not r.helpful for r in ratings),
        leads=storage.leads.newest(5),
        question_log=state().settings.question_log,
    )


@admin.get("/report")
def report_page() -> Response:
    """GET /admin/report: what recruiters asked that the portfolio could not answer."""
    days = _days(request.args.get("days"), state().settings.log_days)
    report = _unanswered(days)
    if _wants_json():
        return jsonify(asdict(report))
    return _page("admin/report.html", report=report, question_log=state().settings.question_log)


def _unanswered(days: int) -> UnansweredReport:
    """The report, grouped by meaning when the background grouping is ready (report_cache)."""
    app_state = state()
    cache, storage = app_state.report_cache, app_state.storage
    assert cache is not None
    assistant = app_state.assistant()
    embedder = assistant.retriever.embedder

    def grouped() -> UnansweredReport:
        entries = storage.questions.since(since_days(days))
        return build_report(entries, embedder if entries else None, days)

    def by_wording() -> UnansweredReport:
        return build_report(storage.questions.since(since_days(days)), None, days)

    return cache.get((assistant.index.manifest.version, days), grouped, by_wording)


@admin.get("/leads")
def leads_page() -> Response:
    """GET /admin/leads: every lead kept (JSON with Accept: application/json)."""
    kept = state().storage.leads.newest(MAX_LEADS)
    if _wants_json():
        return jsonify({"leads": [lead_record(x) for x in kept]})
    return _page("admin/leads.html", leads=kept, deleted=request.args.get("deleted") == "1")


@admin.get("/leads.csv")
def leads_csv() -> Response:
    """GET /admin/leads.csv: the leads for a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    columns = ("id", "created", "name", "email", "company", "message", "session_id")
    writer.writerow(columns)
    for lead in state().storage.leads.newest(MAX_LEADS):
        record = lead_record(lead, full=True)
        writer.writerow([_cell(str(record[k] or "")) for k in columns])
    response = Response(out.getvalue(), mimetype="text/csv")
    stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
    response.headers["Content-Disposition"] = f'attachment; filename="leads-{stamp}.csv"'
    return response


def _cell(value: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + value if value.startswith(_FORMULA_STARTS) else value


@admin.post("/leads/<lead_id>/delete")
def delete_lead_form(lead_id: str) -> BaseResponse:
    """POST /admin/leads/ID/delete: the dashboard's delete button (needs the CSRF token)."""
    _auth().check_csrf(g.owner, request.form.get("csrf_token"))
    if not state().storage.leads.delete(lead_id):
        raise NotFound("no lead has this id (deleted already?)")
    return redirect("/admin/leads?deleted=1", code=303)


@admin.delete("/leads/<lead_id>")
def delete_lead(lead_id: str) -> Response:
    """DELETE /admin/leads/ID: for scripts (a browser session needs its CSRF header)."""
    _auth().check_csrf(g.owner, request.headers.get("X-CSRF-Token"))
    if not state().storage.leads.delete(lead_id):
        raise NotFound("no lead has this id")
    return Response(status=204)


@admin.get("/feedback")
def feedback_page() -> Response:
    """GET /admin/feedback: ratings of answers, the unhelpful ones with what was rated."""
    ratings = state().storage.ratings.newest(SHOWN_RATINGS)
    if _wants_json():
        return jsonify({"feedback": [rating_record(r) for r in ratings]})
    return _page(
        "admin/feedback.html",
        unhelpful=[r for r in ratings if not r.helpful],
        helpful_count=sum(r.helpful for r in ratings),
        question_log=state().settings.question_log,
    )


def _days(given: str | None, most: int) -> int:
    """The `days` parameter: a whole number from 1 to `most` (the default), else 400."""
    if given is None:
        return most
    if not (given.isascii() and given.isdigit() and len(given) <= 6 and 1 <= int(given) <= most):
        raise BadRequest(f"days must be a whole number from 1 to {most}")
    return int(given)


def _day(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
