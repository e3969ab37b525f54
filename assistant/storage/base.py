"""What the server keeps between requests, behind one interface with two backends.

- SQLite in instance/ (the default): shared by the worker processes of one server.
- Redis (ASSISTANT_REDIS_URL): shared by every replica behind a load balancer. When Redis
  cannot be reached, each part falls back to what one process can do on its own (see
  storage.redis) and the server keeps answering.

Seven things are kept, each with the same expiry and size bounds on both backends:
conversations (recent turns per session), rate-limit counters (per client and window),
idempotency records (claimed keys and their responses), composed answers (a cache), the
question log (what was asked and answered, for the owner's report and for ratings), leads
(recruiters' contact details, with their pending notifications) and ratings of answers.
The engine and the routes see only the protocols below.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, Protocol

if TYPE_CHECKING:
    from assistant.engine.answer import Answer
    from assistant.engine.conversation import Resolved

# Idempotency records (see assistant.http.idempotency): a finished response is kept a day.
KEEP_SECONDS = 24 * 3600
# A claim older than this belongs to a request that died (killed worker): a retry takes over.
ABANDONED_SECONDS = 120.0


@dataclass(frozen=True)
class Stored:
    """A finished response kept for replay."""

    status: int
    body: str


ClaimOutcome = Literal["run", "replay", "in_progress", "mismatch"]


@dataclass(frozen=True)
class Claim:
    """What to do with a request carrying a key."""

    outcome: ClaimOutcome
    stored: Stored | None = None


@dataclass(frozen=True)
class Turn:
    """One earlier exchange, as a conversation store keeps it for resolving follow-ups."""

    question: str
    topic: str  # the text the turn was resolved to: its own question, or its antecedent's
    cited_ids: tuple[str, ...] = ()


# Conversations: a turn is forgotten a day after it was asked; a session keeps its latest 50.
SESSION_TTL_SECONDS = 24 * 3600
MAX_TURNS_PER_SESSION = 50

CachedAnswer = tuple["Answer", "Resolved"]
# The question log keeps at most this many questions, whatever the retention.
MAX_LOGGED_QUESTIONS = 100_000


@dataclass(frozen=True)
class Source:
    """A citation as the owner sees it beside a rated answer."""

    n: int
    title: str
    url: str


@dataclass(frozen=True)
class LoggedQuestion:
    """One question asked over the API. Never who asked: no address, session or agent."""

    question: str
    abstained: bool
    confidence: float
    cited_ids: tuple[str, ...]
    asked: float  # Unix time
    # The response's request id, its answer and sources: what a rating of it refers to.
    request_id: str = ""
    answer: str = ""
    sources: tuple[Source, ...] = ()


# Leads are kept ASSISTANT_LEAD_DAYS, and at most this many (the oldest go first).
MAX_LEADS = 10_000
# Ratings are kept as long as the question log, and at most this many.
MAX_RATINGS = 100_000
# Ways the owner is told of a lead (the channels configured get one delivery each).
Channel = Literal["webhook", "email"]


@dataclass(frozen=True)
class Lead:
    """Contact details a recruiter left for the owner."""

    id: str
    name: str
    email: str
    company: str
    message: str
    session_id: str | None
    created: float  # Unix time
    # Channels whose notification has not gone out yet, and those given up on.
    pending: tuple[Channel, ...] = ()
    failed: tuple[Channel, ...] = ()


@dataclass(frozen=True)
class Delivery:
    """One notification of a lead on one channel, claimed by a sender."""

    lead: Lead
    channel: Channel
    attempts: int  # made before this one


@dataclass(frozen=True)
class Rating:
    """A visitor's rating of one answer, with what was rated."""

    request_id: str
    helpful: bool
    comment: str
    question: str
    answer: str
    sources: tuple[Source, ...]
    created: float  # Unix time


class Conversations(Protocol):
    """Recent turns per session."""

    def recent(self, session_id: str, limit: int) -> list[Turn]:
        """The latest `limit` unexpired turns of a session, oldest first."""

    def append(self, session_id: str, turn: Turn) -> None:
        """Record a turn."""


class WindowCounters(Protocol):
    """Counts per key in fixed time windows (the rate limiter's storage)."""

    def increment(self, key: str, period: int, window: int) -> int:
        """Add one to the count of `key` in window number `window` of length `period` s."""

    def count(self, key: str, period: int, window: int) -> int:
        """The count of `key` in that window, unchanged (0 if none)."""


class IdempotencyRecords(Protocol):
    """Claims of Idempotency-Keys and the responses kept for replay (see idempotency)."""

    def claim(self, key: str, digest: str, now: float | None = None) -> Claim:
        """Claim the key for this request, or say why not (atomically)."""

    def finish(self, key: str, status: int, body: str) -> None:
        """Keep the response of the request that ran."""

    def release(self, key: str) -> None:
        """Forget a claim whose request failed, so that a retry runs again."""


class AnswerCache(Protocol):
    """Composed answers by a key that names the index, the model state and the question."""

    def get(self, key: str) -> CachedAnswer | None:
        """The cached answer, or None."""

    def put(self, key: str, value: CachedAnswer) -> None:
        """Keep an answer within the cache's bounds."""

    def new_index(self) -> None:
        """A new index is loaded: entries of older ones can go (their keys never match)."""


class ReachabilityCheck(Protocol):
    """Asks the shared store whether it answers."""

    def __call__(self) -> bool:
        """Whether the shared store answers now."""


class QuestionLog(Protocol):
    """Questions asked, kept for a number of days."""

    def record(self, entry: LoggedQuestion) -> None:
        """Keep one question (and forget those past the retention)."""

    def record_many(self, entries: Sequence[LoggedQuestion]) -> None:
        """Keep several questions at once (one transaction or round trip)."""

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until what this process recorded is stored; False if it timed out."""

    def since(self, cutoff: float) -> list[LoggedQuestion]:
        """Questions asked at or after `cutoff` (Unix time), oldest first."""

    def find(self, request_id: str) -> LoggedQuestion | None:
        """The question answered by the response with this request id, if still kept."""


class Leads(Protocol):
    """Recruiters' contact details and the outbox of their notifications.

    A lead and its deliveries are stored together, so a lead is never kept without its
    notifications queued; a delivery stays pending until a sender says it went out.
    """

    def add(self, lead: Lead, channels: Sequence[Channel]) -> None:
        """Keep a lead and queue one delivery per channel (atomically)."""

    def get(self, lead_id: str) -> Lead | None:
        """One lead, or None."""

    def newest(self, limit: int) -> list[Lead]:
        """The latest `limit` leads, newest first."""

    def delete(self, lead_id: str) -> bool:
        """Forget a lead and its deliveries; False if there was none."""

    def due(self, now: float, lease_seconds: float, limit: int) -> list[Delivery]:
        """Claim deliveries whose next attempt is due: none is claimed twice within the lease."""

    def delivered(self, lead_id: str, channel: Channel) -> None:
        """A notification went out: its delivery is done."""

    def retry(self, lead_id: str, channel: Channel, at: float, error: str) -> None:
        """A notification failed: try again at `at`."""

    def give_up(self, lead_id: str, channel: Channel, error: str) -> None:
        """A notification failed for the last time: the lead shows it as failed."""


class Ratings(Protocol):
    """Ratings of answers, one per answer (a new one replaces it)."""

    def rate(self, rating: Rating) -> None:
        """Keep a rating, replacing an earlier one of the same answer."""

    def newest(self, limit: int, helpful: bool | None = None) -> list[Rating]:
        """The latest `limit` ratings, newest first; only helpful or unhelpful ones if given."""


class AdminSessions(Protocol):
    """The owner's dashboard logins, by a digest of the session cookie (never the cookie)."""

    def open(self, key: str, expires: float) -> None:
        """Record a login valid until `expires` (Unix time); the oldest past the cap go."""

    def is_open(self, key: str, now: float) -> bool:
        """Whether a login is recorded and not expired."""

    def close(self, key: str) -> None:
        """Forget a login (log out)."""


# Logins kept at most (the owner's browsers); the oldest is logged out first.
MAX_ADMIN_SESSIONS = 100


class WrittenAtOnce:
    """Base of the question-log backends: each write is stored before it returns."""

    def record_many(self, entries: Sequence[LoggedQuestion]) -> None:
        """Keep several questions at once."""
        raise NotImplementedError

    def record(self, entry: LoggedQuestion) -> None:
        """Keep one question."""
        self.record_many([entry])

    def flush(self, timeout: float = 10.0) -> bool:
        """Nothing waits to be written."""
        return True


@dataclass
class Storage:
    """The stores of one process, and where they live."""

    backend: Literal["sqlite", "redis"]
    conversations: Conversations
    counters: WindowCounters
    idempotency: IdempotencyRecords
    answers: AnswerCache
    reachable: ReachabilityCheck
    questions: QuestionLog
    leads: Leads
    ratings: Ratings
    admin_sessions: AdminSessions
