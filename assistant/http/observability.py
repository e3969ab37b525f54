"""Logs as one JSON object per line, tagged with the request id; Prometheus metrics.

Web layer only. With several worker processes the metrics use prometheus_client's
multiprocess mode, so PROMETHEUS_MULTIPROC_DIR must be set before this module is first imported
(the `serve` command does that); without it, metrics live in the one process.
"""

from __future__ import annotations

import logging
import os
import sys

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as prometheus_multiprocess
from pythonjsonlogger.json import JsonFormatter

from assistant.settings import MULTIPROCESS_ENV

REQUESTS = Counter(
    "assistant_http_requests", "HTTP requests served.", ["method", "route", "status"]
)
LATENCY = Histogram(
    "assistant_http_request_duration_seconds",
    "Time to serve an HTTP request.",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
QUESTIONS = Counter("assistant_questions", "Questions answered, by outcome.", ["outcome"])
INDEX_ENTRIES = Gauge(
    "assistant_index_entries", "Entries in the loaded index.", multiprocess_mode="max"
)
INDEX_PASSAGES = Gauge(
    "assistant_index_passages", "Sentences in the loaded index.", multiprocess_mode="max"
)
INDEX_BUILD_SECONDS = Gauge(
    "assistant_index_build_seconds",
    "Seconds the loaded index took to build.",
    multiprocess_mode="max",
)
DEGRADED = Gauge(
    "assistant_degraded",
    "1 when answers come from keyword retrieval alone.",
    multiprocess_mode="max",
)


def metrics_payload() -> tuple[bytes, str]:
    """The exposition text, merged across worker processes when there are several."""
    if os.environ.get(MULTIPROCESS_ENV):
        registry = CollectorRegistry()
        prometheus_multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def mark_worker_dead(pid: int) -> None:
    """Forget a dead worker process: its live gauges no longer count."""
    if os.environ.get(MULTIPROCESS_ENV):
        prometheus_multiprocess.mark_process_dead(pid)  # type: ignore[no-untyped-call]


class RequestIdFilter(logging.Filter):
    """Adds the current request's id (or "-") to every log record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Tag the record; never drops it."""
        if not hasattr(record, "request_id"):
            record.request_id = _current_request_id()
        return True


def _current_request_id() -> str:
    try:
        from flask import g, has_request_context

        if has_request_context():
            return str(getattr(g, "request_id", "-"))
    except ImportError:  # pragma: no cover - flask is a dependency of this layer
        pass
    return "-"


def json_log_handler() -> logging.Handler:
    """A stderr handler writing one JSON object per line.

    Records no longer look up their caller's file and line, thread or process: the lines never
    show them, and the lookups were a fifth of each request's log call (the "Optimization"
    part of Python's logging HOWTO).
    """
    logging._srcfile = None
    logging.logThreads = False
    logging.logProcesses = False
    logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        JsonFormatter(
            "{asctime}{levelname}{name}{message}{request_id}",
            style="{",
            rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        )
    )
    handler.addFilter(RequestIdFilter())
    return handler


def configure_json_logging(level: int = logging.INFO) -> None:
    """Route the root logger (and so the app's) to JSON lines on stderr."""
    root = logging.getLogger()
    root.handlers[:] = [json_log_handler()]
    root.setLevel(level)
