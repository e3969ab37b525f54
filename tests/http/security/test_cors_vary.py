"""Finding 7: responses whose CORS headers depend on the Origin always say Vary: Origin."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


@pytest.mark.parametrize("path", ["/widget.js", "/api/v1/health", "/api/v1/suggestions"])
@pytest.mark.parametrize("origin", [None, "https://unlisted.example", "http://localhost:5000"])
def test_vary_origin_whatever_the_origin(
    client: FlaskClient, path: str, origin: str | None
) -> None:
    headers = {"Origin": origin} if origin else {}
    with client.get(path, headers=headers) as response:
        assert response.status_code == 200
        vary = {v.strip().lower() for v in response.headers.get("Vary", "").split(",")}
    assert "origin" in vary
