"""`/api/v1/apps/{app_id}/users/{user}`: export and delete one end user through the REST API,
with the same effect as `signpost users export|delete`. Answers are checked against the
OpenAPI document by tests/api_client.py."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from analytics.models import Event
from guides.models import EndUser
from server.audit import AuditEntry
from server.db import Database
from tests.api_client import call
from tests.factories import (
    ORIGIN,
    event,
    event_batch,
    make_api_token,
    make_published_guide,
    make_workspace_app,
)


@dataclass
class World:
    app_id: int
    foreign_app_id: int
    write: str
    read: str


@pytest.fixture
def world(client: TestClient, db: Database) -> World:
    with db.write() as session:
        app = make_workspace_app(session)
        foreign = make_workspace_app(session, workspace="Rivals", name="Rival")
        guide = make_published_guide(session, app)
        write = make_api_token(session, [app], "write")
        read = make_api_token(session, [app], "read")
        assert app.id and foreign.id
        public_key = app.public_key
    for user in ("ada", "grace"):
        response = client.post(
            "/sdk/v1/events",
            json=event_batch(
                app,
                [event("guide_shown", guide), event("track", properties={"name": "export"})],
                user_id=user,
            )
            | {"app_key": public_key},
            headers={"Origin": ORIGIN},
        )
        assert response.json()["accepted"] == 2
    return World(app.id, foreign.id, write, read)


def events_of(db: Database, external_id: str) -> int:
    with db.read() as session:
        user = session.exec(select(EndUser).where(EndUser.external_id == external_id)).first()
        if user is None:
            return 0
        return len(session.exec(select(Event).where(col(Event.end_user_id) == user.id)).all())


class TestExport:
    def test_a_read_token_gets_everything_stored_about_the_user(
        self, client: TestClient, world: World
    ) -> None:
        response = call(client, "GET", f"/api/v1/apps/{world.app_id}/users/ada", world.read)

        assert response.status_code == 200
        exported = response.json()
        assert exported["user"]["external_id"] == "ada"
        assert sorted(e["type"] for e in exported["tables"]["event"]) == ["guide_shown", "track"]

    def test_an_unknown_user_is_a_404_naming_them(self, client: TestClient, world: World) -> None:
        response = call(client, "GET", f"/api/v1/apps/{world.app_id}/users/nobody", world.read)

        assert response.status_code == 404
        assert response.json()["code"] == "end_user_not_found"
        assert "nobody" in response.json()["error"]

    def test_another_workspace_app_is_out_of_reach(self, client: TestClient, world: World) -> None:
        response = call(client, "GET", f"/api/v1/apps/{world.foreign_app_id}/users/ada", world.read)

        assert response.status_code == 404


class TestDelete:
    def test_a_write_token_deletes_the_user_and_only_them_and_it_is_audited(
        self, client: TestClient, db: Database, world: World
    ) -> None:
        response = call(client, "DELETE", f"/api/v1/apps/{world.app_id}/users/ada", world.write)

        assert response.status_code == 200
        assert response.json()["deleted"]["event"] == 2
        assert (events_of(db, "ada"), events_of(db, "grace")) == (0, 2)
        with db.read() as session:
            actions = session.exec(select(AuditEntry.action)).all()
        assert "end_user.delete" in actions
        again = call(client, "GET", f"/api/v1/apps/{world.app_id}/users/ada", world.read)
        assert again.status_code == 404

    def test_a_read_token_may_not_delete(
        self, client: TestClient, db: Database, world: World
    ) -> None:
        response = call(client, "DELETE", f"/api/v1/apps/{world.app_id}/users/ada", world.read)

        assert response.status_code == 403
        assert events_of(db, "ada") == 2
