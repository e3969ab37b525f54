"""Run the app under gunicorn with settings that suit an in-process embedding model."""

from __future__ import annotations

import gc
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication


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
        "accesslog": "-",
        "errorlog": "-",
    }
    AssistantServer(app, options).run()
