"""The v1 API: questions, fit reports, the site's details, health, readiness and metrics."""

from __future__ import annotations

import time
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from flask import Blueprint, Response, g, jsonify, request
from werkzeug.exceptions import BadRequest, UnsupportedMediaType

from assistant.engine import Reply
from assistant.errors import QuestionError
from assistant.http import observability as obs
from assistant.http.conventions import RATE_LIMIT_COUNTED
from assistant.http.idempotency import body_digest, parse_key
from assistant.http.ratelimit import RateLimiter, retry_after
from assistant.http.responses import fit_response, problem, site_response
from assistant.http.state import AppState, state
from assistant.http.validation import (
    MAX_FIT_BODY_BYTES,
    MAX_JSON_DEPTH,
    Invalid,
    json_depth,
    parse_chat_request,
    parse_fit_request,
)
from assistant.storage.base import LoggedQuestion, Source

OPENAPI_FILE = Path(__file__).resolve().parent / "openapi.yaml"

api = Blueprint("api", __name__, url_prefix="/api/v1")


@api.post("/chat")
def chat() -> Response:
    """POST /api/v1/chat: answer one question.

    Plain questions are answered in front of the app (lean_chat); this view gets the rest
    (Idempotency-Key, bad input, a limit exceeded, a deadline passed) and answers them whole.
    """
    if "Idempotency-Key" in request.headers and (early := _idempotent_retry()) is not None:
        return early
    if (limited := rate_limited(state().rate_limiter)) is not None:
        return limited
    payload = json_body("send the question as application/json")
    question, session_id, history = parse_chat_request(payload)
    try:
        reply = (
            state()
            .assistant()
            .ask(question, session_id=session_id, history=history, deadline=_deadline())
        )
    except QuestionError as exc:
        raise Invalid([{"field": "question", "message": str(exc)}]) from exc
    g.abstained = reply.answer.abstained
    g.refusal = reply.answer.reason or None
    return Response(answered(state(), reply, g.request_id), mimetype="application/json")


def answered(app_state: AppState, reply: Reply, request_id: str) -> bytes:
    """Count and log an answered question; the response body (for this view and lean_chat)."""
    obs.QUESTIONS.labels("abstained" if reply.answer.abstained else "answered").inc()
    _log_question(app_state, reply, request_id)
    return app_state.chat_bodies.body(reply, request_id)


def _log_question(app_state: AppState, reply: Reply, request_id: str) -> None:
    """Keep the question and its answer for the owner's report and ratings (never who asked).

    Only queued here: a thread writes it, and logs and skips a failed write (storage.background).
    """
    if not app_state.settings.question_log:
        return
    answer = reply.answer
    entry = LoggedQuestion(
        reply.question,
        answer.abstained,
        answer.confidence,
        answer.cited_ids,
        time.time(),
        request_id,
        answer.text,
        tuple(Source(c.n, c.title, c.url) for c in answer.citations),
    )
    app_state.storage.questions.record(entry)


@api.post("/match")
def fit() -> Response:
    """POST /api/v1/match: the fit report of a job description."""
    # A 20,000-character description is larger than any question (JSON escapes included).
    request.max_content_length = MAX_FIT_BODY_BYTES
    if (limited := rate_limited(state().rate_limiter)) is not None:
        return limited
    payload = json_body("send the job description as application/json")
    job_description = parse_fit_request(payload)
    assistant = state().assistant()
    report = assistant.fit_report(job_description, deadline=_deadline())
    if not report.requirements:
        raise Invalid(
            [
                {
                    "field": "job_description",
                    "message": "no requirements found: paste the job description's text, "
                    "with its responsibilities and qualifications",
                }
            ]
        )
    return jsonify(fit_response(report, assistant.degraded, g.request_id))


def rate_limited(limiter: RateLimiter | None, kind: str = "") -> Response | None:
    """Count this request against the client's limits; a 429 when one is exceeded.

    `kind` keeps another route's counts apart from the questions' (e.g. "leads:").
    """
    if limiter is None:
        return None
    usages = request.environ.get(RATE_LIMIT_COUNTED) or limiter.hit(
        kind + (request.remote_addr or "unknown")
    )
    g.rate_limit = (limiter.limits, usages)
    if not any(u.exceeded for u in usages):
        return None
    wait = retry_after(usages)
    response = problem(
        429, "Too Many Requests", f"too many requests from this address; retry in {wait} s"
    )
    response.headers["Retry-After"] = str(wait)
    return response


def json_body(hint: str) -> Any:
    """The request's JSON, or the problem (415, 413, 400) raised as an HTTP error."""
    if not request.is_json:
        raise UnsupportedMediaType(hint)
    request.get_data(cache=True)
    if request.content_length is None:
        # A chunked body stops at the size limit without an error; reading past it raises
        # the 413 (werkzeug's LimitedStream.on_exhausted).
        request.stream.read(1)
    try:
        payload = request.get_json(silent=True)
    except RecursionError:  # nesting deeper than the interpreter's recursion limit
        payload = None
    if payload is None:
        raise MalformedJson()
    if json_depth(payload) > MAX_JSON_DEPTH:
        raise MalformedJson(f"the request body nests deeper than {MAX_JSON_DEPTH} levels")
    return payload


class MalformedJson(BadRequest):
    """A body that is not JSON (400)."""

    name = "Malformed JSON"
    description = "the request body is not valid JSON"


def _deadline() -> float:
    return float(g.started_monotonic + state().settings.request_deadline_seconds)


def _idempotent_retry() -> Response | None:
    """Replay, refuse or claim a request with an Idempotency-Key; None means run it."""
    key = parse_key(request.headers["Idempotency-Key"])
    if key is None:
        return problem(
            400,
            "Bad Request",
            "Idempotency-Key must be 1-255 of A-Z, a-z, 0-9, '_' and '-', bare or in double quotes",
        )
    store = state().storage.idempotency
    claim = store.claim(key, body_digest(request.get_data(cache=True)))
    if claim.outcome == "run":
        g.idempotency_key = key
        return None
    if claim.outcome == "mismatch":
        return problem(
            422, "Idempotency-Key reused", "this Idempotency-Key was used with another request body"
        )
    if claim.outcome == "in_progress":
        response = problem(
            409, "Conflict", "a request with this Idempotency-Key is still running; retry shortly"
        )
        response.headers["Retry-After"] = "1"
        return response
    assert claim.stored is not None
    g.replayed = True
    replay = Response(
        claim.stored.body,
        status=claim.stored.status,
        mimetype="application/json" if claim.stored.status < 400 else "application/problem+json",
    )
    replay.headers["Idempotent-Replayed"] = "true"
    return replay


def keep_idempotent_response(response: Response) -> None:
    """Store the response of a request that ran with a key; release the key if it failed."""
    key = getattr(g, "idempotency_key", None)
    if key is None:
        return
    store = state().storage.idempotency
    # Failures and refusals that did not run the request leave the key free for a retry.
    if response.status_code >= 500 or response.status_code in (409, 429):
        store.release(key)
    else:
        store.finish(key, response.status_code, response.get_data(as_text=True))


@api.get("/health")
def health() -> Response:
    """GET /api/v1/health: the process is up (touches nothing else)."""
    return jsonify({"status": "ok"})


@api.get("/ready")
def ready() -> Response:
    """GET /api/v1/ready: the index is loaded (503 until then); says whether degraded."""
    assistant = state().assistant()
    manifest = assistant.index.manifest
    storage = state().storage
    return jsonify(
        {
            "status": "ready",
            "degraded": assistant.degraded,
            "store": {"backend": storage.backend, "reachable": storage.reachable()},
            "index": {
                "version": manifest.version,
                "entries": manifest.entries,
                "created": manifest.created,
            },
        }
    )


@api.get("/site")
def site_info() -> Response:
    """GET /api/v1/site: who the assistant is about, for the widget's title and greeting."""
    assistant = state().assistant()
    settings = state().settings
    return jsonify(
        site_response(
            assistant.corpus.site,
            assistant.suggestions(),
            feedback=settings.question_log,
            lead_days=settings.lead_days,
        )
    )


@api.get("/suggestions")
def suggestions() -> Response:
    """GET /api/v1/suggestions: starter questions."""
    return jsonify({"suggestions": state().assistant().suggestions()})


@api.get("/openapi.json")
def openapi_document() -> Response:
    """GET /api/v1/openapi.json: the hand-kept OpenAPI 3.1 description of this API."""
    return jsonify(_openapi())


@cache
def _openapi() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(OPENAPI_FILE.read_text(encoding="utf-8"))
    return document
