"""The owner is told of each lead: a real local webhook receiver and a real SMTP server."""

from __future__ import annotations

import json
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from assistant.notifications.channels import DeliveryFailed, send_email
from assistant.notifications.messages import email_message, webhook_payload
from assistant.notifications.outbox import Backoff, Outbox
from assistant.notifications.senders import configured_senders
from assistant.settings import Settings
from assistant.storage.base import Lead
from assistant.storage.sqlite_leads import SqliteLeads
from tests.support import NO_RATE_LIMITS, free_port, running_server

QUICK = Backoff(first_seconds=0.05, most_seconds=0.2, attempts=4)


class Receiver(ThreadingHTTPServer):
    """A webhook endpoint answering the statuses given in turn (then 200), keeping each body."""

    def __init__(self, statuses: list[int], port: int = 0) -> None:
        self.statuses = list(statuses)
        self.bodies: list[dict[str, Any]] = []
        self.arrived: list[float] = []
        self.received = threading.Condition()
        super().__init__(("127.0.0.1", port), _Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        with self.received:
            self.received.wait_for(lambda: len(self.bodies) >= count, timeout)
        return self.bodies


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        with self.server.received:
            self.server.bodies.append({"status": status, **json.loads(body)})
            self.server.arrived.append(time.monotonic())
            self.server.received.notify_all()
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver_factory() -> Iterator[Callable[..., Receiver]]:
    started: list[Receiver] = []

    def start(statuses: list[int], port: int = 0) -> Receiver:
        server = Receiver(statuses, port)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.shutdown()
        server.server_close()


class Inbox:
    """What the aiosmtpd server received."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server() -> Iterator[tuple[str, Inbox]]:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield f"smtp://127.0.0.1:{port}", inbox
    controller.stop()


def a_lead(name: str = "Dana Recruiter", message: str = "Let's talk <!channel> & more.") -> Lead:
    return Lead(
        "0123456789abcdef",
        name,
        "dana@example.com",
        "Acme, Inc.",
        message,
        "session-1",
        time.time(),
    )


def test_a_webhook_failing_twice_gets_the_lead_on_the_third_try(
    tmp_path: Path, receiver_factory: Callable[..., Receiver]
) -> None:
    receiver = receiver_factory([500, 503])
    leads = SqliteLeads(tmp_path / "db.sqlite3", 180)
    settings = Settings(notify_webhook=receiver.url)
    outbox = Outbox(leads, configured_senders(settings, lambda: "Sam Owner"), QUICK, 0.02)
    lead = a_lead()
    leads.add(lead, outbox.channels)
    outbox.wake()
    try:
        bodies = receiver.wait_for(3)
        deadline = time.monotonic() + 5
        while (kept := leads.get(lead.id)) is not None and kept.pending:
            assert time.monotonic() < deadline, "the delivery stayed pending"
            time.sleep(0.02)
    finally:
        outbox.stop()
    assert [b["status"] for b in bodies] == [500, 503, 200]
    assert bodies[2]["lead"]["email"] == "dana@example.com"
    assert bodies[2]["lead"]["message"] == lead.message
    # Slack-style `text`: the visitor cannot ping a channel or forge a link.
    assert "Sam Owner" in bodies[2]["text"]
    assert (
        "&lt;!channel&gt; &amp; more" in bodies[2]["text"] and "<!channel>" not in bodies[2]["text"]
    )
    assert kept is not None and kept.pending == () and kept.failed == ()


def test_a_webhook_that_never_accepts_is_marked_failed(
    tmp_path: Path, receiver_factory: Callable[..., Receiver]
) -> None:
    receiver = receiver_factory([500] * 10)
    leads = SqliteLeads(tmp_path / "db.sqlite3", 180)
    outbox = Outbox(
        leads, configured_senders(Settings(notify_webhook=receiver.url), lambda: "Sam"), QUICK
    )
    leads.add(a_lead(), outbox.channels)
    deadline = time.monotonic() + 10
    while (kept := leads.get("0123456789abcdef")) is not None and kept.pending:
        outbox.send_due(time.time() + 1)  # as if each backoff had passed
        assert time.monotonic() < deadline
    assert len(receiver.bodies) == QUICK.attempts
    assert kept is not None and kept.failed == ("webhook",)


def test_the_owner_gets_an_email_to_reply_to(
    tmp_path: Path, smtp_server: tuple[str, Inbox]
) -> None:
    url, inbox = smtp_server
    leads = SqliteLeads(tmp_path / "db.sqlite3", 180)
    settings = Settings(
        smtp_url=url, notify_email="owner@example.org", notify_from="bot@example.org"
    )
    outbox = Outbox(leads, configured_senders(settings, lambda: "Sam Owner"), QUICK)
    lead = a_lead(name='Dana "DJ" Recruiter, PhD')
    leads.add(lead, outbox.channels)
    assert outbox.send_due() == 1
    (message,) = inbox.messages
    assert inbox.envelopes == [("bot@example.org", ["owner@example.org"])]
    assert message["To"] == "owner@example.org"
    assert message["Subject"] == 'Portfolio contact: Dana "DJ" Recruiter, PhD, Acme, Inc.'
    # The whole name is one display name: the comma does not make a second address.
    assert message["Reply-To"] == '"Dana \\"DJ\\" Recruiter, PhD" <dana@example.com>'
    assert lead.message in message.get_payload(decode=True).decode()
    assert leads.get(lead.id).pending == ()


def test_a_password_is_never_sent_without_tls(smtp_server: tuple[str, Inbox]) -> None:
    url, inbox = smtp_server
    with_password = url.replace("smtp://", "smtp://owner:secret@")
    message = email_message(a_lead(), "Sam", "bot@example.org", "owner@example.org")
    with pytest.raises(DeliveryFailed, match="not sent in clear"):
        send_email(with_password, message)
    assert inbox.messages == []


def test_an_unreachable_smtp_server_is_a_failed_attempt() -> None:
    message = email_message(a_lead(), "Sam", "bot@example.org", "owner@example.org")
    with pytest.raises(DeliveryFailed, match="unreachable"):
        send_email(f"smtp://127.0.0.1:{free_port()}", message, timeout=2)


def test_the_webhook_payload_keeps_the_lead_as_typed() -> None:
    payload = webhook_payload(a_lead(message="<b>hi</b>"), "Sam")
    assert payload["lead"]["message"] == "<b>hi</b>"
    assert "&lt;b&gt;hi&lt;/b&gt;" in payload["text"]


@pytest.mark.model
def test_a_lead_pending_when_the_server_stopped_goes_out_after_a_restart(
    model_settings: Settings, tmp_path: Path, receiver_factory: Callable[..., Receiver]
) -> None:
    port = free_port()  # nothing listens there until the receiver starts
    env = {
        **NO_RATE_LIMITS,
        "ASSISTANT_NOTIFY_WEBHOOK": f"http://127.0.0.1:{port}/hook",
        "ASSISTANT_NOTIFY_RETRY_SECONDS": "0.5",
    }
    leads = SqliteLeads(model_settings.database_path, 180)
    with running_server(model_settings, tmp_path / "first.log", env, workers=1) as base:
        lead_id = post_json(base + "/api/v1/leads", LEAD_BODY)["id"]
        deadline = time.monotonic() + 10
        while "webhook answered" not in (tmp_path / "first.log").read_text():
            if "unreachable" in (tmp_path / "first.log").read_text():
                break
            assert time.monotonic() < deadline, "no attempt was made"
            time.sleep(0.1)
    stopped = leads.get(lead_id)
    assert stopped is not None and stopped.pending == ("webhook",)

    receiver = receiver_factory([], port)
    with running_server(model_settings, tmp_path / "second.log", env, workers=1):
        (delivered,) = receiver.wait_for(1, timeout=30)
        deadline = time.monotonic() + 10
        while (kept := leads.get(lead_id)) is not None and kept.pending:
            assert time.monotonic() < deadline
            time.sleep(0.1)
    assert delivered["lead"]["id"] == lead_id and delivered["lead"]["name"] == "Dana Recruiter"


LEAD_BODY = {
    "name": "Dana Recruiter",
    "email": "dana@example.com",
    "message": "Can we talk?",
    "consent": True,
}


def post_json(url: str, body: dict[str, Any]) -> dict[str, Any]:
    request = urllib.request.Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 201
        answer: dict[str, Any] = json.loads(response.read())
        return answer
