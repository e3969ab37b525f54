"""Validation of the visitor's forms: a lead (contact details) and a rating of an answer.

As with questions, every bad field gets its own message, and the names are the JSON fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email

from assistant.engine.question import SESSION_ID
from assistant.http.validation import REQUEST_ID, Invalid
from assistant.index.characters import has_visible_text

MAX_NAME_CHARS = 100
MAX_COMPANY_CHARS = 100
MAX_MESSAGE_CHARS = 2000
MAX_EMAIL_CHARS = 254  # RFC 5321's limit on a path, less its brackets
MAX_COMMENT_CHARS = 500
# The hidden field only robots fill in: such a lead is answered as stored, and dropped.
HONEYPOT = "website"
# Control characters (C0, DEL, C1) and line or paragraph separators: none may reach a header
# of the owner's email or a line of the dashboard.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
# The message keeps its line breaks and tabs, nothing else of the controls.
_CONTROL_IN_MESSAGE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

LEAD_FIELDS = frozenset(("name", "email", "company", "message", "consent", "session_id", HONEYPOT))
FEEDBACK_FIELDS = frozenset(("request_id", "helpful", "comment"))


@dataclass(frozen=True)
class LeadForm:
    """A valid lead as submitted; `robot` when the honeypot was filled in."""

    name: str
    email: str
    company: str
    message: str
    session_id: str | None
    robot: bool


@dataclass(frozen=True)
class FeedbackForm:
    """A valid rating of one answer."""

    request_id: str
    helpful: bool
    comment: str


def parse_lead(payload: Any) -> LeadForm:
    """Check a lead's fields, collecting one error per bad field."""
    fields = _object(payload)
    errors: list[dict[str, str]] = []

    def text(name: str, most: int, required: bool, pattern: re.Pattern[str] = _CONTROL) -> str:
        value = fields.get(name)
        if value is None and not required:
            return ""
        if not isinstance(value, str):
            errors.append(
                {"field": name, "message": "required, a string" if required else "a string"}
            )
        elif required and not has_visible_text(value):
            errors.append({"field": name, "message": "required, must not be empty"})
        elif len(value) > most:
            errors.append({"field": name, "message": f"at most {most:,} characters"})
        elif pattern.search(value):
            errors.append({"field": name, "message": "must not contain control characters"})
        else:
            return value.strip()
        return ""

    name = text("name", MAX_NAME_CHARS, required=True)
    email = _email(fields.get("email"), errors)
    company = text("company", MAX_COMPANY_CHARS, required=False)
    message = text("message", MAX_MESSAGE_CHARS, required=True, pattern=_CONTROL_IN_MESSAGE)
    if fields.get("consent") is not True:
        errors.append(
            {"field": "consent", "message": "required: true, to agree that these details are kept"}
        )
    session_id = fields.get("session_id")
    if session_id is not None and (
        not isinstance(session_id, str) or not SESSION_ID.match(session_id)
    ):
        errors.append({"field": "session_id", "message": "1-64 of A-Z, a-z, 0-9, '_' and '-'"})
    honeypot = fields.get(HONEYPOT)
    if honeypot is not None and not isinstance(honeypot, str):
        errors.append({"field": HONEYPOT, "message": "a string (leave it out)"})
    errors.extend(_unknown(fields, LEAD_FIELDS))
    if errors:
        raise Invalid(errors)
    return LeadForm(name, email, company, message, session_id, robot=bool(honeypot))


def parse_feedback(payload: Any) -> FeedbackForm:
    """Check a rating's fields, collecting one error per bad field."""
    fields = _object(payload)
    errors: list[dict[str, str]] = []
    request_id = fields.get("request_id")
    if not isinstance(request_id, str) or not REQUEST_ID.match(request_id):
        errors.append(
            {"field": "request_id", "message": "required: the request_id of a chat answer"}
        )
    helpful = fields.get("helpful")
    if not isinstance(helpful, bool):
        errors.append({"field": "helpful", "message": "required, true or false"})
    comment = fields.get("comment", "")
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        errors.append({"field": "comment", "message": "a string"})
    elif len(comment) > MAX_COMMENT_CHARS:
        errors.append({"field": "comment", "message": f"at most {MAX_COMMENT_CHARS} characters"})
    elif _CONTROL_IN_MESSAGE.search(comment):
        errors.append({"field": "comment", "message": "must not contain control characters"})
    errors.extend(_unknown(fields, FEEDBACK_FIELDS))
    if errors:
        raise Invalid(errors)
    return FeedbackForm(str(request_id), bool(helpful), str(comment).strip())


def _object(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise Invalid([{"field": "", "message": "the body must be a JSON object"}])
    return payload


def _email(value: Any, errors: list[dict[str, str]]) -> str:
    """The address, normalised; syntax and domain form only (no DNS lookup on a request)."""
    if not isinstance(value, str) or not value.strip():
        errors.append({"field": "email", "message": "required, an email address"})
        return ""
    if len(value) > MAX_EMAIL_CHARS:
        errors.append({"field": "email", "message": f"at most {MAX_EMAIL_CHARS} characters"})
        return ""
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        errors.append({"field": "email", "message": str(exc)})
        return ""
    return str(checked.normalized)


def _unknown(fields: dict[str, Any], known: frozenset[str]) -> list[dict[str, str]]:
    return [{"field": name, "message": "unknown field"} for name in sorted(set(fields) - known)]
