"""What a visitor sends besides questions: contact details for the owner, and ratings of answers.

POST /api/v1/leads keeps a lead with its notifications queued (one write), wakes the
outbox and answers 201; the owner is told in the background. POST /api/v1/feedback keeps a
rating with the question, answer and sources it rates, found in the question log by the
answer's request id.
"""

from __future__ import annotations

import secrets
import time

from flask import Blueprint, Response, g, jsonify, request
from werkzeug.exceptions import NotFound

from assistant.http.api import json_body, rate_limited
from assistant.http.forms import parse_feedback, parse_lead
from assistant.http.state import state
from assistant.storage.base import Lead, Rating

# A lead's message of 2,000 characters written as \\u escapes is ~24 KB.
MAX_LEAD_BODY_BYTES = 64 * 1024
# How long a rating waits for its answer to reach the question log (written every 0.1 s).
FIND_ANSWER_SECONDS = 1.0

visitors = Blueprint("visitors", __name__, url_prefix="/api/v1")


@visitors.post("/leads")
def leads() -> Response:
    """POST /api/v1/leads: keep a visitor's contact details and tell the owner."""
    request.max_content_length = MAX_LEAD_BODY_BYTES
    app_state = state()
    if (limited := rate_limited(app_state.lead_limiter, "leads:")) is not None:
        return limited
    form = parse_lead(json_body("send the contact details as application/json"))
    lead_id = secrets.token_hex(8)
    if not form.robot:  # a filled honeypot is answered the same way, and nothing is kept
        lead = Lead(
            lead_id,
            form.name,
            form.email,
            form.company,
            form.message,
            form.session_id,
            time.time(),
        )
        app_state.storage.leads.add(lead, app_state.outbox.channels)
        app_state.outbox.wake()
    response = jsonify({"id": lead_id, "request_id": g.request_id})
    response.status_code = 201
    return response


@visitors.post("/feedback")
def feedback() -> Response:
    """POST /api/v1/feedback: rate one answer (again: the new rating replaces the old)."""
    app_state = state()
    if (limited := rate_limited(app_state.feedback_limiter, "feedback:")) is not None:
        return limited
    form = parse_feedback(json_body("send the rating as application/json"))
    settings, storage = app_state.settings, app_state.storage
    answered = storage.questions.find(form.request_id) if settings.question_log else None
    if answered is None and settings.question_log and storage.questions.flush(FIND_ANSWER_SECONDS):
        answered = storage.questions.find(form.request_id)
    if answered is None:
        raise NotFound(
            f"no answer has the request_id {form.request_id!r} (unknown, or older than "
            f"{settings.log_days} days)"
            if settings.question_log
            else "ratings are off: this server keeps no questions (ASSISTANT_QUESTION_LOG=0)"
        )
    storage.ratings.rate(
        Rating(
            form.request_id,
            form.helpful,
            form.comment,
            answered.question,
            answered.answer,
            answered.sources,
            time.time(),
        )
    )
    response = jsonify(
        {"request_id": g.request_id, "rated": form.request_id, "helpful": form.helpful}
    )
    response.status_code = 202
    return response
