from __future__ import annotations

import json
from collections import Counter
from typing import Any

import schemathesis

# schemathesis needs the app at collection time; this one uses the fake embedder, built once.
from conftest import CORPUS, FakeEmbedder  # noqa: E402
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.engine import Assistant
from assistant.http.state import state
from assistant.settings import Settings
from assistant.startup import web_app
from assistant.storage.memory import LocalAnswerCache


def _app() -> Flask:
    import shutil
    import tempfile
    from pathlib import Path

    from assistant.index.build import build_index, load_index
    from assistant.index.corpus import load_corpus
    from assistant.storage.sqlite import SqliteConversations

    base = Path(tempfile.mkdtemp(prefix="openapi-"))
    shutil.copytree(CORPUS, base / "corpus")
    settings = Settings(
        corpus_dir=base / "corpus",
        instance_dir=base / "instance",
        rate_limit_per_minute=0,
        rate_limit_per_day=0,
    )
    embedder = FakeEmbedder()
    build_index(load_corpus(settings.corpus_dir), embedder, settings.index_root)
    assistant = Assistant(
        load_index(settings.index_root),
        embedder,
        SqliteConversations(settings.database_path),
        answers=LocalAnswerCache(4096),
    )
    return web_app(settings, assistant=assistant)


APP = _app()
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)
CALLS: Counter[str] = Counter()


@schema.parametrize()
@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_matches_its_openapi_document(case: Any) -> None:
    CALLS[f"{case.method} {case.path}"] += 1
    # Each generated case stands alone: a key reused by another case would (rightly) get 422.
    state(APP).storage.idempotency._db.run(lambda db: db.execute("DELETE FROM idempotency"))
    case.call_and_validate()


def test_every_operation_got_at_least_200_cases() -> None:
    # Runs after the generated tests above (pytest keeps file order). schemathesis leaves out
    # the operation serving the document itself; test_document_lists_every_route covers it.
    paths = schema.raw_schema["paths"]
    operations = {f"{m.upper()} {p}" for p, item in paths.items() for m in item}
    operations.discard("GET /api/v1/openapi.json")
    assert {op: CALLS[op] for op in operations} == {op: max(200, CALLS[op]) for op in operations}


def test_document_lists_every_route() -> None:
    document = APP.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    rules = {rule.rule for rule in APP.url_map.iter_rules()}
    routes = {r for r in rules if r.startswith("/api/") or r == "/metrics"}
    assert set(document["paths"]) == routes


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=20,
)
chat_like = st.fixed_dictionaries(
    {"question": st.one_of(st.text(max_size=1200), json_values)},
    optional={
        "session_id": st.one_of(st.text(max_size=70), json_values),
        "history": st.one_of(
            st.lists(
                st.fixed_dictionaries(
                    {"question": st.text(max_size=50)}, optional={"answer": json_values}
                ),
                max_size=12,
            ),
            json_values,
        ),
        "extra": json_values,
    },
)


@given(body=st.one_of(chat_like, json_values, st.binary(max_size=200).map(repr)))
@settings(
    max_examples=10_000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_random_bodies_never_cause_a_500(body: Any) -> None:
    client = APP.test_client()
    data = body if isinstance(body, str) else json.dumps(body)
    response = client.post("/api/v1/chat", data=data, content_type="application/json")
    assert response.status_code in (200, 400, 413, 422), response.get_data(as_text=True)
    if response.status_code != 200:
        assert response.mimetype == "application/problem+json"
