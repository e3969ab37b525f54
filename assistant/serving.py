"""Run the app under gunicorn with settings that suit an in-process embedding model."""

from __future__ import annotations

import gc
import os
import shutil
import threading
import time
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"


def prepare_metrics_dir(default: Path) -> Path:
    """Set up and wipe the folder prometheus_client shares between workers.

    Must run before prometheus_client is first imported: it picks its storage at import.
    """
    folder = Path(os.environ.get(MULTIPROCESS_ENV) or default)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    os.environ[MULTIPROCESS_ENV] = str(folder)
    return folder


def _warm_worker(assistant: Any, settings: Any) -> None:
    """In each new worker: load the model session and do the one-off work before requests."""
    from assistant.observability import DEGRADED

    if assistant is None:
        return
    assistant.after_fork()
    assistant.warm_up()
    DEGRADED.set(1 if assistant.degraded else 0)
    if assistant.degraded:
        # Threads do not survive a fork: each worker watches for the model itself.
        threading.Thread(
            target=_watch_model, args=(assistant, settings), daemon=True, name="model-recovery"
        ).start()


def _watch_model(assistant: Any, settings: Any) -> None:
    """Retry the model until it loads, so the server recovers without a restart."""
    from assistant.observability import DEGRADED
    from assistant.startup import recover_model

    while not recover_model(assistant, settings):
        time.sleep(settings.model_retry_seconds)
    assistant.after_fork()
    assistant.warm_up()
    DEGRADED.set(0)


def _child_exit(server: Any, worker: Any) -> None:
    from assistant.observability import mark_worker_dead

    mark_worker_dead(worker.pid)


# gunicorn's own log lines, as JSON like the app's.
LOG_CONFIG = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "assistant.observability.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "{asctime}{levelname}{name}{message}{request_id}",
            "style": "{",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "formatter": "json",
            "filters": ["request_id"],
        }
    },
    "root": {"level": "INFO", "handlers": ["stderr"]},
    "loggers": {
        "gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
        "gunicorn.access": {"level": "WARNING", "handlers": ["stderr"], "propagate": False},
    },
}


class AssistantServer(BaseApplication):  # type: ignore[misc]
    """gunicorn serving one preloaded app: the model and index load once, before forking."""

    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        """Apply our options to gunicorn's config."""
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        """The already-built app."""
        return self.application


def serve(app: Flask, host: str, port: int, workers: int, timeout: int) -> None:
    """Serve until SIGTERM/SIGINT; in-flight requests get `timeout` seconds to finish."""
    assistant = app.extensions.get("assistant")
    settings = app.extensions.get("settings")
    if assistant is not None:
        assistant.before_fork()
    # Everything loaded so far lives as long as the process: freezing it keeps the periodic
    # full collection (~220 ms with the model loaded, FACTS.md) off the request path.
    gc.collect()
    gc.freeze()
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": 4,
        "preload_app": True,
        "timeout": timeout,
        "graceful_timeout": timeout,
        "keepalive": 5,
        # gunicorn 27 opens ~/.gunicorn/gunicorn.ctl by default; two servers would fight over it.
        "control_socket_disable": True,
        # The app logs each request itself, as JSON with its request id and outcome.
        "accesslog": None,
        "errorlog": "-",
        "logconfig_dict": LOG_CONFIG,
        "child_exit": _child_exit,
        "post_fork": lambda server, worker: _warm_worker(assistant, settings),
    }
    AssistantServer(app, options).run()
