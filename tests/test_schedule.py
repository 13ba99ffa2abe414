"""A guide's schedule: the session answer leaves a guide out before `starts_at` and from
`ends_at` on, without a new publish; the editor reads and writes both times in UTC."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from starlette.testclient import TestClient

from guides import App
from guides.documents import Schedule
from server.db import Database
from tests.factories import ORIGIN, make_app, make_published_guide, session_body


def delivered(client: TestClient, app: App) -> list[str]:
    response = client.post(
        "/sdk/v1/session",
        content=json.dumps(session_body(app)),
        headers={"content-type": "text/plain;charset=UTF-8", "origin": ORIGIN},
    )
    assert response.status_code == 200, response.text
    guides: list[dict[str, Any]] = response.json()["guides"]
    assert all("schedule" not in guide for guide in guides)  # the server keeps it
    return [guide["slug"] for guide in guides]


def at(hours: float) -> str:
    return (datetime.now(UTC) + timedelta(hours=hours)).isoformat()


def test_only_guides_inside_their_window_are_delivered(client: TestClient, db: Database) -> None:
    with db.write() as session:
        app = make_app(session)
        make_published_guide(session, app, "always")
        make_published_guide(
            session, app, "running", schedule={"starts_at": at(-1), "ends_at": at(1)}
        )
        make_published_guide(session, app, "later", schedule={"starts_at": at(2)})
        make_published_guide(session, app, "over", schedule={"ends_at": at(-0.5)})
        make_published_guide(session, app, "open-ended", schedule={"starts_at": at(-3)})

    assert sorted(delivered(client, app)) == ["always", "open-ended", "running"]
    # Asked again (the cached, quick path for a returning user): the same.
    assert sorted(delivered(client, app)) == ["always", "open-ended", "running"]


@pytest.mark.parametrize(
    ("schedule", "message"),
    [
        ({"starts_at": "2026-12-02T00:00:00Z", "ends_at": "2026-12-01T00:00:00Z"}, "after"),
        ({"starts_at": "2026-12-01T09:00:00"}, "timezone"),
        ({"starts_at": "soon"}, "datetime"),
    ],
)
def test_a_schedule_must_be_in_order_and_carry_an_offset(
    schedule: dict[str, str], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        Schedule.model_validate(schedule)
