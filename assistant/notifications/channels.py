"""Sending one notification: a JSON POST to a webhook, or an email over SMTP.

Both use the standard library (urllib, smtplib), each with a timeout. A failure raises
DeliveryFailed with a reason fit for the dashboard (never the URL, which holds a secret).
"""

from __future__ import annotations

import json
import smtplib
import ssl
import urllib.error
import urllib.request
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

TIMEOUT_SECONDS = 10.0


class DeliveryFailed(Exception):
    """A notification did not go out; the message says why."""


def post_webhook(url: str, payload: dict[str, Any], timeout: float = TIMEOUT_SECONDS) -> None:
    """POST the payload as JSON; any 2xx is delivered."""
    body = json.dumps(payload).encode()
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "portfolio-assistant"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (owner's URL)
            response.read(64 * 1024)
    except urllib.error.HTTPError as exc:
        raise DeliveryFailed(f"webhook answered HTTP {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DeliveryFailed(f"webhook unreachable: {reason}") from None


def send_email(url: str, message: EmailMessage, timeout: float = TIMEOUT_SECONDS) -> None:
    """Send through the SMTP server of `url` (smtp://user:pass@host:587, or smtps://).

    smtp:// upgrades with STARTTLS when the server offers it; a password is never sent over
    a connection that is not encrypted.
    """
    parts = urlsplit(url)
    host = parts.hostname or "localhost"
    secure = parts.scheme == "smtps"
    port = parts.port or (465 if secure else 587)
    user = unquote(parts.username or "")
    password = unquote(parts.password or "")
    context = ssl.create_default_context()
    try:
        smtp: smtplib.SMTP = (
            smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
            if secure
            else smtplib.SMTP(host, port, timeout=timeout)
        )
        with smtp:
            smtp.ehlo()
            if not secure and smtp.has_extn("starttls"):
                smtp.starttls(context=context)
                smtp.ehlo()
                secure = True
            if user:
                if not secure:
                    raise DeliveryFailed(
                        "the SMTP server offers no STARTTLS: the password is not sent in clear"
                    )
                smtp.login(user, password)
            smtp.send_message(message)
    except smtplib.SMTPException as exc:
        raise DeliveryFailed(f"SMTP: {exc}") from None
    except OSError as exc:
        raise DeliveryFailed(f"SMTP server unreachable: {exc}") from None


def smtp_user(url: str) -> str:
    """The user name of an SMTP URL (often the sender's address)."""
    return unquote(urlsplit(url).username or "")
