"""Fixtures of the security suite: an app with an admin token and rate limits switched on."""

from __future__ import annotations

import dataclasses
import secrets
import threading
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from assistant.engine import Assistant
from assistant.settings import Settings
from assistant.startup import web_app

ADMIN_TOKEN = secrets.token_urlsafe(32)


@pytest.fixture
def admin_app(built: Settings, fake_assistant: Assistant) -> Flask:
    return web_app(dataclasses.replace(built, admin_token=ADMIN_TOKEN), assistant=fake_assistant)


@pytest.fixture
def admin_client(admin_app: Flask) -> FlaskClient:
    return admin_app.test_client()


def finishes(work: Callable[[], Any], seconds: float = 60.0) -> Any:
    """Run `work` in a thread; fail if it has not finished after `seconds`.

    Not a speed check (the benchmark measures that): the bound only tells "answers at once"
    from "waits for minutes". Only for work that waits (a thread stuck in a regular expression
    holds the interpreter lock, and the join could not time out: see test_hostile_text).
    """
    result: list[Any] = []
    thread = threading.Thread(target=lambda: result.append(work()), daemon=True)
    thread.start()
    thread.join(seconds)
    assert not thread.is_alive(), f"still running after {seconds} s"
    return result[0]
