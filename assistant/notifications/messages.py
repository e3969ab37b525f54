"""What the owner receives about a lead: one text, as a webhook's JSON and as an email."""

from __future__ import annotations

import datetime as dt
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any

from assistant.storage.base import Lead


def lead_text(lead: Lead, owner: str) -> str:
    """A plain-text summary of the lead, for chat and mail."""
    company = f" ({lead.company})" if lead.company else ""
    return (
        f"New contact for {owner} from {lead.name}{company} <{lead.email}>:\n\n"
        f"{lead.message}\n\n"
        f"Sent {_when(lead.created)}; lead {lead.id}."
    )


def webhook_payload(lead: Lead, owner: str) -> dict[str, Any]:
    """The JSON posted to the webhook: the lead, and a `text` Slack-style webhooks show as is.

    Slack reads <...> as links and mentions: the visitor's text has &, < and > escaped there
    as Slack asks, so a message cannot ping a channel. The `lead` fields are left as typed.
    """
    return {
        "text": _slack_escaped(lead_text(lead, owner)),
        "lead": {
            "id": lead.id,
            "name": lead.name,
            "email": lead.email,
            "company": lead.company,
            "message": lead.message,
            "session_id": lead.session_id,
            "created": _when(lead.created),
        },
    }


def email_message(lead: Lead, owner: str, sender: str, recipient: str) -> EmailMessage:
    """The notification email; Reply-To is the visitor, so the owner can simply reply."""
    message = EmailMessage()
    subject = f"Portfolio contact: {lead.name}" + (f", {lead.company}" if lead.company else "")
    message["Subject"] = subject
    message["From"] = sender
    message["To"] = recipient
    # An Address object: a name with a comma or quote stays one display name.
    message["Reply-To"] = Address(display_name=lead.name, addr_spec=lead.email)
    message["Date"] = formatdate(lead.created, usegmt=True)
    message["Message-ID"] = make_msgid("lead")
    message.set_content(lead_text(lead, owner))
    return message


def _when(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.UTC).isoformat(timespec="seconds")


def _slack_escaped(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
