"""The pages and the widget's files: the full-page chat, /widget.js and /widget.css."""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Blueprint, Response, render_template_string, send_from_directory
from werkzeug.exceptions import NotFound

from assistant.http.state import state

WEB_DIR = Path(__file__).resolve().parents[2] / "web"
WIDGET_MAX_AGE = 24 * 3600
YEAR = 365 * 24 * 3600

assets = Blueprint("assets", __name__)


@assets.route("/")
def chat_page() -> Response:
    """GET /: the full-page chat, naming the owner of the served portfolio."""
    site = state().site()
    page = render_template_string(
        _page_template(),
        owner=site.owner if site else "this portfolio's owner",
        possessive=site.pronouns.possessive if site else "their",
        object=site.pronouns.object if site else "them",
    )
    return Response(page, mimetype="text/html")


@cache
def _page_template() -> str:
    return (WEB_DIR / "index.html").read_text(encoding="utf-8")


@assets.route("/static/<any(page, admin):name>.css")
def page_styles(name: str) -> Response:
    """GET /static/page.css, /static/admin.css: the full-page chat's and the dashboard's styles."""
    return send_from_directory(WEB_DIR, f"{name}.css", max_age=3600)


@assets.route("/widget.<any(js, css):kind>")
def widget_asset(kind: str) -> Response:
    """GET /widget.js, /widget.css: the embeddable widget, cached for a day with validators."""
    return send_from_directory(WEB_DIR, f"widget.{kind}", max_age=WIDGET_MAX_AGE)


@assets.route("/widget.<version>.<any(js, css):kind>")
def versioned_widget_asset(version: str, kind: str) -> Response:
    """GET /widget.<hash>.js: the same file under a name that changes with its content.

    Cached for a year: pair it with Subresource Integrity (see `assistant embed`).
    """
    if version != widget_version(kind):
        raise NotFound("no such widget version; use /widget.js or `assistant embed`")
    response = send_from_directory(WEB_DIR, f"widget.{kind}", max_age=YEAR)
    response.cache_control.immutable = True
    return response


@cache
def widget_version(kind: str) -> str:
    """A short content hash of a widget file, used in its versioned name."""
    return hashlib.sha256((WEB_DIR / f"widget.{kind}").read_bytes()).hexdigest()[:12]
