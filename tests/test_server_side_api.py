"""`/api/v1/identify` and `/api/v1/track` from a customer's back end, with the app's secret
server key: traits merged, events stored once and counted like the SDK's; other keys refused."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from analytics.models import Event
from guides import EndUser
from server.db import Database
from server.server_keys import AppServerKey, new_server_key
from tests.api_client import call
from tests.factories import make_api_token, make_workspace_app


@pytest.fixture
def keys(db: Database) -> dict[str, Any]:
    with db.write() as session:
        app = make_workspace_app(session)
        assert app.id is not None
        _, old = new_server_key(session=session, app_id=app.id, created_by="owner@example.com")
        _, key = new_server_key(session=session, app_id=app.id, created_by="owner@example.com")
        token = make_api_token(session, [app], "write")
        return {
            "app_id": app.id,
            "key": key,
            "previous": old,
            "public": app.public_key,
            "token": token,
        }


class TestIdentify:
    def test_creates_the_user_then_merges_traits(
        self, client: TestClient, db: Database, keys: dict[str, Any]
    ) -> None:
        first = call(
            client,
            "POST",
            "/api/v1/identify",
            keys["key"],
            {"user_id": "42", "traits": {"plan": "free", "seats": 3}},
        )
        second = call(
            client,
            "POST",
            "/api/v1/identify",
            keys["previous"],
            {"user_id": "42", "traits": {"plan": "pro"}},
        )

        assert first.json() == {"user_id": "42", "traits": {"plan": "free", "seats": 3}}
        assert second.json() == {"user_id": "42", "traits": {"plan": "pro", "seats": 3}}
        with db.read() as session:
            user = session.exec(select(EndUser)).one()
        assert (user.app_id, user.is_anonymous) == (keys["app_id"], False)

    @pytest.mark.parametrize("which", ["public", "token", "none", "rotated-out"])
    def test_only_a_live_server_key_is_accepted(
        self, client: TestClient, db: Database, keys: dict[str, Any], which: str
    ) -> None:
        if which == "rotated-out":
            with db.write() as session:
                new_server_key(session=session, app_id=keys["app_id"], created_by="x")
        credential = {"public": keys["public"], "token": keys["token"], "none": None}.get(
            which, keys["previous"]
        )

        response = call(client, "POST", "/api/v1/identify", credential, {"user_id": "42"})

        assert (response.status_code, response.json()["code"]) == (401, "unauthorized")

    def test_only_the_digest_is_stored(self, db: Database, keys: dict[str, Any]) -> None:
        with db.read() as session:
            stored = " ".join(str(k.model_dump()) for k in session.exec(select(AppServerKey)))
        assert keys["key"] not in stored and keys["key"][-4:] in stored


class TestTrack:
    def test_events_are_stored_once_and_bad_ones_reported(
        self, client: TestClient, db: Database, keys: dict[str, Any]
    ) -> None:
        event_id = str(uuid.uuid4())
        body = {
            "user_id": "42",
            "events": [
                {"name": "invoice_paid", "event_id": event_id, "properties": {"amount": 120}},
                {"name": "exported", "properties": {"nested": {"too": "deep"}}},
            ],
        }

        first = call(client, "POST", "/api/v1/track", keys["key"], body)
        again = call(
            client, "POST", "/api/v1/track", keys["key"], {**body, "events": body["events"][:1]}
        )

        assert first.status_code == 200
        assert (first.json()["accepted"], first.json()["duplicates"]) == (1, 0)
        assert [r["index"] for r in first.json()["rejected"]] == [1]
        assert (again.json()["accepted"], again.json()["duplicates"]) == (0, 1)
        with db.read() as session:
            [stored] = session.exec(select(Event)).all()
        assert (str(stored.event_id), stored.type) == (event_id, "track")
        assert stored.properties == {"amount": 120, "name": "invoice_paid"}

    def test_a_wrong_type_is_refused_whole(self, client: TestClient, keys: dict[str, Any]) -> None:
        response = call(
            client, "POST", "/api/v1/track", keys["key"], {"user_id": 42, "events": [{"name": "x"}]}
        )

        assert response.status_code == 422
        assert [f["field"] for f in response.json()["fields"]] == ["user_id"]
