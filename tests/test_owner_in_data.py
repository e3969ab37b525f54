"""The owner is data: nothing of the default owner is in the code, the widget or the pages."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from flask.testing import FlaskClient

from assistant.http.state import state
from assistant.index.corpus import load_corpus

ROOT = Path(__file__).resolve().parent.parent
# Comment lines may name him (where an example comes from); nothing that runs or is shown.
_COMMENT = re.compile(r"^\s*(#|//|/\*|\*|<!--)")


def test_the_default_owner_is_named_only_in_comments() -> None:
    owner_words = [w.lower() for w in load_corpus(ROOT / "corpus").site.owner.split()]
    found = []
    for folder in ("assistant", "web"):
        for path in sorted((ROOT / folder).rglob("*")):
            if not path.is_file() or path.suffix not in {".py", ".js", ".html", ".css", ".yaml"}:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _COMMENT.match(line):
                    continue
                if any(re.search(rf"\b{w}\b", line.lower()) for w in owner_words):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_site_endpoint_names_the_owner(client: FlaskClient) -> None:
    body = client.get("/api/v1/site").json
    assert body["owner"] == "Akshay Kale" and body["title"] == "Ask about Akshay"
    assert body["pronouns"] == {"subject": "he", "object": "him", "possessive": "his"}
    assert "reach him" in body["greeting"] and "Akshay's portfolio" in body["footnote"]
    assert {"name": "contact", "label": "Contact", "url": "#contact"} in body["sections"]
    assert body["suggestions"] == client.get("/api/v1/suggestions").json["suggestions"]


def test_the_page_names_the_owner_escaped(client: FlaskClient) -> None:
    with client.get("/") as page:
        html = page.get_data(as_text=True)
    assert "<h1>Ask about Akshay Kale</h1>" in html and "reach\n    him" in html
    assistant = state(client.application).assistant()
    site = dataclasses.replace(assistant.corpus.site, owner="<b>Ada</b> Lovelace")
    assistant.corpus = dataclasses.replace(assistant.corpus, site=site)  # this test's app only
    with client.get("/") as page:
        html = page.get_data(as_text=True)
    assert "&lt;b&gt;Ada&lt;/b&gt; Lovelace" in html and "<b>Ada" not in html
