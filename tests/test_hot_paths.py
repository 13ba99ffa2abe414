"""The SDK's two hot requests skip the application's middleware stack (server/hot_paths.py):
they must still get everything that stack gives them, GZip, HSTS and the same error answers."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError
from starlette.testclient import TestClient

from guides import App
from server import sdk_api
from server.app import create_app
from server.db import Database
from server.settings import Settings
from tests.factories import ORIGIN, event, event_batch, make_app, make_published_guide, session_body

HOT = ["/sdk/v1/session", "/sdk/v1/events"]


@pytest.fixture
def app(db: Database) -> App:
    with db.write() as session:
        app = make_app(session)
        for number in range(4):  # an answer well over the gzip threshold
            make_published_guide(session, app, slug=f"tour-{number}", steps=3)
        return app


def body_for(path: str, app: App) -> bytes:
    if path.endswith("/session"):
        return json.dumps(session_body(app)).encode()
    track = event("track", properties={"name": "export_clicked"})
    return json.dumps(event_batch(app, [track])).encode()


def post(client: TestClient, path: str, body: bytes, **headers: str) -> Any:
    return client.post(path, content=body, headers={"Origin": ORIGIN, **headers})


def test_a_session_answer_is_gzipped_only_for_a_client_that_accepts_it(
    client: TestClient, app: App
) -> None:
    body = body_for("/sdk/v1/session", app)
    zipped = client.post(
        "/sdk/v1/session",
        content=body,
        headers={"Origin": ORIGIN, "Accept-Encoding": "gzip"},
    )
    plain = post(client, "/sdk/v1/session", body, **{"Accept-Encoding": "identity"})
    assert plain.status_code == zipped.status_code == 200
    assert "content-encoding" not in plain.headers
    assert len(plain.content) > 1000
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["vary"] == "Origin, Accept-Encoding"
    assert zipped.num_bytes_downloaded < len(plain.content) / 2  # as it crossed the wire
    assert zipped.json() == plain.json()


@pytest.mark.parametrize("path", HOT)
def test_hsts_is_sent_over_https_only(settings: Settings, app: App, path: str) -> None:
    web_app = create_app(settings)
    with TestClient(web_app, base_url="https://signpost.example") as secure:
        answer = post(secure, path, body_for(path, app))
        assert answer.status_code == 200, answer.text
        assert answer.headers["strict-transport-security"] == "max-age=31536000"
    with TestClient(web_app) as plain:
        answer = post(plain, path, body_for(path, app))
        assert answer.status_code == 200, answer.text
        assert "strict-transport-security" not in answer.headers


@pytest.mark.parametrize("path", HOT)
def test_a_refusal_is_the_same_json_answer_readable_from_any_origin(
    client: TestClient, path: str
) -> None:
    answer = post(client, path, b'{"app_key": ', **{"Origin": "https://elsewhere.example"})
    assert answer.status_code == 400
    assert answer.json()["code"] == "malformed_json"
    assert answer.headers["access-control-allow-origin"] == "*"
    assert answer.headers["cache-control"] == "no-store"


def test_a_failure_of_ours_is_a_logged_500_in_json_not_a_stack_trace(
    settings: Settings, app: App, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(**_: Any) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(sdk_api, "returning_user_session", broken)
    monkeypatch.setattr(sdk_api, "start_session", broken)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        answer = post(client, "/sdk/v1/session", body_for("/sdk/v1/session", app))
    assert answer.status_code == 500
    assert answer.json()["code"] == "internal_error"
    assert "a bug" not in answer.text
    assert "unhandled error on POST /sdk/v1/session" in caplog.text


def test_a_database_outage_is_a_503_with_retry_after(
    settings: Settings, app: App, monkeypatch: pytest.MonkeyPatch
) -> None:
    def down(**_: Any) -> None:
        raise OperationalError("SELECT 1", {}, Exception("could not connect to server"))

    monkeypatch.setattr(sdk_api, "returning_user_session", down)
    monkeypatch.setattr(sdk_api, "start_session", down)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        answer = post(client, "/sdk/v1/session", body_for("/sdk/v1/session", app))
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "5"
    assert answer.json()["code"] == "storage_unavailable"


def test_other_methods_and_paths_still_take_the_full_stack(client: TestClient) -> None:
    wrong_method = client.get("/sdk/v1/session")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["code"] == "method_not_allowed"
    preflight = client.options(
        "/sdk/v1/session",
        headers={"Origin": ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 204
