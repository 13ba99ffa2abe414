"""Signing in to the admin from tests, as a browser would: the login form's token, then the
session cookie; the CSRF token is read from the page's context."""

from __future__ import annotations

from typing import Any

from starlette.testclient import TestClient

from tests.factories import PASSWORD


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Log in; returns the session's CSRF token."""
    form = client.get("/admin/login")
    token = form.context["login_token"]  # type: ignore[attr-defined]
    response = client.post(
        "/admin/login",
        data={"email": email, "password": password, "login_token": token},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    return csrf_token(client)


def csrf_token(client: TestClient) -> str:
    page = client.get("/admin/apps/")
    assert page.status_code == 200, page.text
    return str(page.context["csrf_token"])  # type: ignore[attr-defined]


def post(client: TestClient, path: str, csrf: str, **data: Any) -> Any:
    return client.post(path, data={"csrf_token": csrf, **data}, follow_redirects=False)
