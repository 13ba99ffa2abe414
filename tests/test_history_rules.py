"""Audience rules from a user's past, evaluated at session start: completed (or not) a
guide, did an event N times in D days, struggled on a page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from starlette.testclient import TestClient

from guides import App
from guides.history import HistoryCondition
from server.db import Database
from tests.factories import ORIGIN, event, event_batch, make_app, make_published_guide, session_body


@pytest.fixture
def app(db: Database) -> App:
    with db.write() as session:
        app = make_app(session)
        make_published_guide(session, app, "welcome")
    return app


def delivered(client: TestClient, app: App) -> list[str]:
    response = client.post("/sdk/v1/session", json=session_body(app), headers={"Origin": ORIGIN})
    assert response.status_code == 200, response.text
    return sorted(guide["slug"] for guide in response.json()["guides"])


def send(client: TestClient, app: App, events: list[dict[str, Any]]) -> None:
    response = client.post(
        "/sdk/v1/events", json=event_batch(app, events), headers={"Origin": ORIGIN}
    )
    assert response.json()["rejected"] == []


def guide_with(db: Database, app: App, *history: dict[str, Any]) -> None:
    with db.write() as session:
        make_published_guide(session, app, "next", audience={"history": list(history)})


def test_a_guide_for_users_who_completed_another_shows_once_they_did(
    client: TestClient, db: Database, app: App
) -> None:
    guide_with(db, app, {"kind": "completed_guide", "guide": "welcome"})
    assert delivered(client, app) == ["welcome"]
    with db.read() as session:
        from guides import store

        welcome = store.guide_by_slug(session, app.id or 0, "welcome")
    send(client, app, [event("guide_completed", welcome)])

    assert delivered(client, app) == ["next", "welcome"]


def test_a_guide_for_users_who_did_not_complete_another_stops_once_they_did(
    client: TestClient, db: Database, app: App
) -> None:
    guide_with(db, app, {"kind": "not_completed_guide", "guide": "welcome"})
    assert delivered(client, app) == ["next", "welcome"]
    with db.read() as session:
        from guides import store

        welcome = store.guide_by_slug(session, app.id or 0, "welcome")
    send(client, app, [event("guide_completed", welcome)])

    assert delivered(client, app) == ["welcome"]


def test_an_event_counts_only_n_times_within_d_days(
    client: TestClient, db: Database, app: App
) -> None:
    guide_with(db, app, {"kind": "event_count", "event": "Exported", "at_least": 2, "days": 7})
    old = (datetime.now(UTC) - timedelta(days=9)).isoformat()
    send(client, app, [event("track", timestamp=old, properties={"name": "Exported"})])
    send(client, app, [event("track", properties={"name": "Exported"})])
    send(client, app, [event("track", properties={"name": "Imported"})])
    assert delivered(client, app) == ["welcome"]

    send(client, app, [event("track", properties={"name": "Exported"})])

    assert delivered(client, app) == ["next", "welcome"]


def test_a_guide_for_users_who_struggled_on_a_page(
    client: TestClient, db: Database, app: App
) -> None:
    guide_with(db, app, {"kind": "struggled_on_page", "page": "/billing", "days": 14})
    send(
        client,
        app,
        [event("struggle_detected", url=f"{ORIGIN}/reports", properties={"signal": "dead_click"})],
    )
    assert delivered(client, app) == ["welcome"]

    send(
        client,
        app,
        [event("struggle_detected", url=f"{ORIGIN}/billing?x=1", properties={"signal": "u_turn"})],
    )

    assert delivered(client, app) == ["next", "welcome"]


def test_history_and_traits_must_both_hold(client: TestClient, db: Database, app: App) -> None:
    with db.write() as session:
        make_published_guide(
            session,
            app,
            "next",
            audience={
                "conditions": [{"trait": "plan", "op": "eq", "value": "pro"}],
                "history": [{"kind": "not_completed_guide", "guide": "welcome"}],
            },
        )

    assert delivered(client, app) == ["welcome"]


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ({"kind": "event_count"}, "a event_count condition needs event"),
        ({"kind": "completed_guide"}, "a completed_guide condition needs guide"),
        ({"kind": "struggled_on_page", "page": "/x", "days": 0}, "greater than or equal to 1"),
    ],
)
def test_an_incomplete_condition_is_refused(condition: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        HistoryCondition.model_validate(condition)


def test_the_editor_keeps_and_validates_rules_from_history(
    client: TestClient, db: Database
) -> None:
    from guides import store
    from tests.admin_client import post, sign_in
    from tests.factories import make_admin, make_workspace_app
    from tests.test_admin_access import GUIDE_FORM

    with db.write() as session:
        make_admin(session)
        app = make_workspace_app(session)
    csrf = sign_in(client, "owner@example.com")
    rule = '{"kind": "event_count", "event": "Exported", "at_least": 3, "days": 30}'

    bad = post(
        client,
        f"/admin/apps/{app.id}/guides/new",
        csrf,
        **{**GUIDE_FORM, "audience_history": '{"kind": "event_count"}'},
    )
    good = post(
        client, f"/admin/apps/{app.id}/guides/new", csrf, **{**GUIDE_FORM, "audience_history": rule}
    )

    assert (bad.status_code, good.status_code) == (422, 303)
    assert bad.context["form"].errors == {  # type: ignore[attr-defined]
        "audience_history": "a event_count condition needs event"
    }
    with db.read() as session:
        guide = store.guide_by_slug(session, app.id or 0, GUIDE_FORM["slug"])
    assert guide is not None
    assert guide.audience["history"] == [
        {"kind": "event_count", "event": "Exported", "at_least": 3, "days": 30}
    ]
    editor = client.get(f"/admin/guides/{guide.id}/edit")
    assert editor.context["form"].values["audience_history"] == rule  # type: ignore[attr-defined]
