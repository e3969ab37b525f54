"""The background sender: delivers queued lead notifications, with retries, across restarts.

A lead's deliveries are stored with it (storage `Leads`), so nothing is lost when a process
stops: whatever was not sent is still due, and the next sender to look claims it. Each worker
runs one sender thread; claims carry a lease, so two workers never send the same delivery at
once (a sender killed mid-send leaves its claim to expire, and the delivery is tried again).

The request that stored the lead only wakes its worker's sender: sending never slows it.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from assistant.errors import StoreBusy
from assistant.notifications.channels import DeliveryFailed
from assistant.storage.base import Channel, Delivery, Lead, Leads

log = logging.getLogger(__name__)

Send = Callable[[Lead], None]


@dataclass(frozen=True)
class Backoff:
    """When to try again: first_seconds, doubling, at most most_seconds, with jitter."""

    first_seconds: float = 30.0
    most_seconds: float = 3600.0
    attempts: int = 12  # then the delivery is marked failed (about seven hours in all)

    def delay(self, attempts_made: int) -> float:
        """Seconds before the next attempt, after `attempts_made` failures."""
        base = min(self.most_seconds, self.first_seconds * 2.0 ** max(0, attempts_made - 1))
        jitter: float = random.uniform(0.8, 1.0)  # noqa: S311 (spreads retries; not a secret)
        return base * jitter


class Outbox:
    """Sends due deliveries on a thread of each process; `wake` after adding a lead."""

    # Deliveries due elsewhere (another worker's lead, a restart) are looked for this often.
    POLL_SECONDS = 5.0
    # A claimed delivery is not claimed again for this long (longer than a send's timeouts).
    LEASE_SECONDS = 60.0
    BATCH = 20

    def __init__(
        self,
        leads: Leads,
        senders: Mapping[Channel, Send],
        backoff: Backoff | None = None,
        poll_seconds: float | None = None,
    ) -> None:
        self.leads = leads
        self.senders = dict(senders)
        self.backoff = backoff or Backoff()
        self.poll_seconds = self.POLL_SECONDS if poll_seconds is None else poll_seconds
        self._pid = 0
        self._thread: threading.Thread | None = None
        self._woken = threading.Event()
        self._stopping = threading.Event()

    @property
    def channels(self) -> tuple[Channel, ...]:
        """The channels a new lead is queued on."""
        return tuple(self.senders)

    def start(self) -> None:
        """Run the sender thread in this process (again after a fork); idempotent."""
        if not self.senders or (self._pid == os.getpid() and self._thread is not None):
            return
        # Threads do not cross a fork: a forked worker starts its own.
        self._pid = os.getpid()
        self._woken = threading.Event()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="lead-outbox")
        self._thread.start()

    def wake(self) -> None:
        """A lead was added in this process: send it now rather than at the next poll."""
        self.start()
        self._woken.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread (what was not sent stays due for the next start)."""
        if self._thread is not None and self._pid == os.getpid():
            self._stopping.set()
            self._woken.set()
            self._thread.join(timeout)
        self._thread = None

    def send_due(self, now: float | None = None) -> int:
        """Claim and send what is due now; how many went out."""
        now = time.time() if now is None else now
        sent = 0
        for delivery in self.leads.due(now, self.LEASE_SECONDS, self.BATCH):
            sent += self._deliver(delivery)
        return sent

    def _deliver(self, delivery: Delivery) -> int:
        lead, channel = delivery.lead, delivery.channel
        send = self.senders.get(channel)
        try:
            if send is None:
                raise DeliveryFailed(f"{channel} is no longer configured")
            send(lead)
        except Exception as exc:  # any failure of a sender is a failed attempt, never a crash
            reason = str(exc) if isinstance(exc, DeliveryFailed) else f"{type(exc).__name__}"
            attempts = delivery.attempts + 1
            if attempts >= self.backoff.attempts or send is None:
                log.error("lead %s: %s notification failed for good: %s", lead.id, channel, reason)
                self.leads.give_up(lead.id, channel, reason)
            else:
                delay = self.backoff.delay(attempts)
                log.warning(
                    "lead %s: %s notification failed (attempt %d), retry in %.0f s: %s",
                    lead.id,
                    channel,
                    attempts,
                    delay,
                    reason,
                )
                self.leads.retry(lead.id, channel, time.time() + delay, reason)
            return 0
        self.leads.delivered(lead.id, channel)
        log.info("lead %s: owner notified by %s", lead.id, channel)
        return 1

    def _run(self) -> None:
        while not self._stopping.is_set():
            # Cleared before looking, so a wake-up during the sends is not lost.
            self._woken.clear()
            try:
                self.send_due()
            except StoreBusy as exc:
                log.warning("lead outbox: store busy: %s", exc)
            except Exception:
                log.exception("lead outbox: looking for due notifications failed")
            self._woken.wait(self.poll_seconds)
