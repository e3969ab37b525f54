"""The senders the settings configure: one per channel, each a function of a lead."""

from __future__ import annotations

import socket
from collections.abc import Callable

from assistant.notifications.channels import post_webhook, send_email, smtp_user
from assistant.notifications.messages import email_message, webhook_payload
from assistant.notifications.outbox import Send
from assistant.settings import Settings
from assistant.storage.base import Channel, Lead


def configured_senders(settings: Settings, owner: Callable[[], str]) -> dict[Channel, Send]:
    """Webhook and/or email senders, as ASSISTANT_NOTIFY_WEBHOOK and ASSISTANT_SMTP_URL say.

    `owner` gives the portfolio owner's name at send time (the corpus may be rebuilt).
    """
    senders: dict[Channel, Send] = {}
    if (webhook := settings.notify_webhook) is not None:

        def to_webhook(lead: Lead) -> None:
            post_webhook(webhook, webhook_payload(lead, owner()))

        senders["webhook"] = to_webhook
    if (smtp := settings.smtp_url) is not None and (recipient := settings.notify_email):
        user = smtp_user(smtp)
        sender = settings.notify_from or (
            user if "@" in user else f"portfolio-assistant@{socket.getfqdn()}"
        )

        def to_email(lead: Lead) -> None:
            send_email(smtp, email_message(lead, owner(), sender, recipient))

        senders["email"] = to_email
    return senders
