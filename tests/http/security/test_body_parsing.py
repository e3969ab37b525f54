"""Finding 4: a body that cannot be parsed is 400 problem+json, whatever made it fail."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

DEEP = [
    b"[" * 5000,
    b"[" * 5000 + b"]" * 5000,
    b'{"question": ' + b"[" * 3000 + b"]" * 3000 + b"}",
    b'{"a":' * 2000 + b"1" + b"}" * 2000,
    b'{"question": "' + b"\xff\xfe" * 10 + b'"}',
]


@pytest.mark.parametrize("body", DEEP, ids=lambda b: repr(b[:16]))
@pytest.mark.parametrize("path", ["/api/v1/chat", "/api/v1/match"])
@pytest.mark.parametrize("keyed", [False, True])
def test_unparseable_bodies_are_400_problems(
    client: FlaskClient, body: bytes, path: str, keyed: bool
) -> None:
    headers = {"Content-Type": "application/json"}
    if keyed:
        headers["Idempotency-Key"] = "deep-" + str(abs(hash(body)))
    response = client.post(path, data=body, headers=headers)
    assert response.status_code == 400, response.json
    assert response.mimetype == "application/problem+json"
    assert "Traceback" not in response.get_data(as_text=True)


def test_nesting_within_the_cap_still_reaches_validation(client: FlaskClient) -> None:
    body = b'{"question": ' + b"[" * 20 + b"]" * 20 + b"}"
    response = client.post("/api/v1/chat", data=body, content_type="application/json")
    assert response.status_code == 422
    brackets = b'{"question": "' + b"[{" * 200 + b' in his projects?"}'
    response = client.post("/api/v1/chat", data=brackets, content_type="application/json")
    assert response.status_code == 200  # brackets inside a string are not nesting
