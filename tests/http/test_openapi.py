from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.engine import Assistant
from assistant.http.api import OPENAPI_FILE
from assistant.http.state import state
from assistant.settings import Settings
from assistant.startup import web_app
from assistant.storage.memory import LocalAnswerCache
from tests.support import CORPUS, FakeEmbedder

# How many cases each operation got, counted by the generated test below.
CALLS: Counter[str] = Counter()
MIN_CASES = 200


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app on a copy of the corpus and the fake embedder, built once for this module."""
    from assistant.index.build import build_index, load_index
    from assistant.index.corpus import load_corpus
    from assistant.storage.sqlite import SqliteConversations

    base = tmp_path_factory.mktemp("openapi")
    shutil.copytree(CORPUS, base / "corpus")
    settings = Settings(
        corpus_dir=base / "corpus",
        instance_dir=base / "instance",
        rate_limit_per_minute=0,
        rate_limit_per_day=0,
        leads_per_hour=0,
        feedback_per_minute=0,
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


# Generated from the document the app serves (http/openapi.yaml), read without the app so
# that nothing is built before pytest hands out temporary folders.
schema = schemathesis.openapi.from_path(OPENAPI_FILE)


@pytest.fixture(scope="module", autouse=True)
def every_operation_gets_enough_cases(request: pytest.FixtureRequest) -> Iterator[None]:
    # Checked once the module's tests are done, in whatever order they ran, for the operations
    # whose generated test was selected (all of them, unless -k picks some).
    yield
    prefix = f"{test_api_matches_its_openapi_document.__name__}["
    selected = [
        item.name.removeprefix(prefix).removesuffix("]")
        for item in request.session.items
        if item.name.startswith(prefix)
    ]
    short = {op: CALLS[op] for op in selected if CALLS[op] < MIN_CASES}
    assert short == {}


@schema.parametrize()
@settings(max_examples=MIN_CASES, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_matches_its_openapi_document(case: Any, api: Flask) -> None:
    CALLS[f"{case.method} {case.path}"] += 1
    # Each generated case stands alone: a key reused by another case would (rightly) get 422.
    state(api).storage.idempotency._db.run(lambda db: db.execute("DELETE FROM idempotency"))
    case.call_and_validate(app=api)


def test_document_lists_every_route(api: Flask) -> None:
    document = api.test_client().get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    rules = {rule.rule for rule in api.url_map.iter_rules()}
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
def test_random_bodies_never_cause_a_500(api: Flask, body: Any) -> None:
    client = api.test_client()
    data = body if isinstance(body, str) else json.dumps(body)
    response = client.post("/api/v1/chat", data=data, content_type="application/json")
    assert response.status_code in (200, 400, 413, 422), response.get_data(as_text=True)
    if response.status_code != 200:
        assert response.mimetype == "application/problem+json"


lead_like = st.fixed_dictionaries(
    {
        "name": st.one_of(st.text(max_size=120), json_values),
        "email": st.one_of(st.emails(), st.text(max_size=300), json_values),
        "message": st.one_of(st.text(max_size=2100), json_values),
        "consent": st.one_of(st.just(True), json_values),
    },
    optional={
        "company": st.one_of(st.text(max_size=120), json_values),
        "session_id": st.one_of(st.text(max_size=70), json_values),
        "website": st.one_of(st.text(max_size=5), json_values),
        "extra": json_values,
    },
)
feedback_like = st.fixed_dictionaries(
    {
        "request_id": st.one_of(st.text(max_size=140), json_values),
        "helpful": st.one_of(st.booleans(), json_values),
    },
    optional={"comment": st.one_of(st.text(max_size=600), json_values), "extra": json_values},
)


@pytest.mark.parametrize(
    ("route", "bodies", "fine"),
    [
        ("/api/v1/leads", lead_like, (201,)),
        # 202 when a generated id names an answer (schemathesis sends X-Request-ID too).
        ("/api/v1/feedback", feedback_like, (202, 404)),
    ],
)
@given(data=st.data())
@settings(
    max_examples=3000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
def test_random_visitor_bodies_never_cause_a_500(
    api: Flask, route: str, bodies: Any, fine: tuple[int, ...], data: Any
) -> None:
    body = data.draw(st.one_of(bodies, json_values, st.binary(max_size=200).map(repr)))
    client = api.test_client()
    payload = body if isinstance(body, str) else json.dumps(body)
    response = client.post(route, data=payload, content_type="application/json")
    assert response.status_code in (*fine, 400, 413, 422), response.get_data(as_text=True)
    if response.status_code not in fine:
        assert response.mimetype == "application/problem+json"
