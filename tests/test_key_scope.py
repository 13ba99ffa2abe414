"""What the public SDK key opens (reliability.md C4, C5): delivery and ingestion only. Every
admin page refuses it however it is presented, and admin responses never carry CORS
headers, whichever origin asks."""

from __future__ import annotations

import pytest
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from admin.routes import routes as admin_routes
from server.db import Database
from tests.factories import ORIGIN, make_app


def admin_get_paths() -> list[str]:
    """Every admin GET route without path parameters, from the route table."""
    paths = []

    def walk(routes: list, prefix: str) -> None:
        for route in routes:
            if isinstance(route, Mount):
                walk(list(route.routes), prefix + route.path)
            elif isinstance(route, Route) and "GET" in (route.methods or set()):
                path = prefix + route.path
                if "{" not in path:
                    paths.append(path)

    walk(admin_routes, "/admin")
    return sorted(set(paths))


@pytest.mark.parametrize("path", admin_get_paths())
def test_the_public_key_opens_no_admin_page(client: TestClient, db: Database, path: str) -> None:
    if path in ("/admin/login", "/admin/logout") or path.startswith("/admin/static"):
        pytest.skip("open to everyone by design")
    with db.write() as session:
        key = make_app(session).public_key
    for headers, query in (
        ({"Authorization": f"Bearer {key}"}, ""),
        ({"X-Signpost-Key": key}, ""),
        ({}, f"?app_key={key}"),
    ):
        response = client.get(path + query, headers=headers, follow_redirects=False)
        assert response.status_code in (303, 307, 401, 403, 404), (path, response.status_code)
        if response.status_code in (303, 307):
            assert "/admin/login" in response.headers["location"]


def test_admin_responses_carry_no_cors_headers(client: TestClient) -> None:
    for path in ("/admin/login", "/admin/apps/", "/admin/nowhere"):
        response = client.get(path, headers={"Origin": ORIGIN}, follow_redirects=False)
        assert not [h for h in response.headers if h.lower().startswith("access-control-")]
    preflight = client.options(
        "/admin/login", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in preflight.headers
