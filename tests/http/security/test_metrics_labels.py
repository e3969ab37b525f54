"""Finding 3: metric labels come from fixed sets, whatever method or path a client sends."""

from __future__ import annotations

from flask.testing import FlaskClient


def series(client: FlaskClient) -> set[str]:
    text = client.get("/metrics").get_data(as_text=True)
    return {line.rsplit(" ", 1)[0] for line in text.splitlines() if line.startswith("assistant_")}


def odd_requests(client: FlaskClient, n: int) -> None:
    client.open("/api/v1/health", method="X" * 2000 + str(n))
    client.open(f"/api/v1/health/{n}", method="PROPFIND" + str(n))
    client.get(f"/no/such/{n}" + "z" * 1000)
    client.post(f"/api/v1/chat?{n}", data="x")


def test_odd_methods_and_paths_add_no_series(client: FlaskClient) -> None:
    odd_requests(client, 0)  # each kind of response once: its series exist from then on
    series(client)
    before = series(client)
    for n in range(1, 21):
        odd_requests(client, n)
    after = series(client)
    assert after == before, sorted(after - before)[:5]


def test_labels_are_methods_routes_and_status_classes(client: FlaskClient) -> None:
    client.open("/api/v1/health", method="BREW")
    client.get("/api/v1/health")
    labels = " ".join(series(client))
    assert 'method="other"' in labels and "BREW" not in labels
    assert 'route="/api/v1/health",status="2xx"' in labels
