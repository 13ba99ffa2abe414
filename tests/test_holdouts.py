"""Holdouts: a guide keeps a sticky share of its audience from the guide as a control group,
records each user's side once, and analytics compares the goal conversion and struggle of
the two sides with confidence intervals."""

from __future__ import annotations

import hashlib
import math
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from analytics.holdouts import holdout_comparison, newcombe_interval, wilson_interval
from guides import App
from guides.models import Guide, HoldoutMember
from server.db import Database
from tests.factories import ORIGIN, event, event_batch, make_app, make_published_guide, session_body

USERS = 40


@pytest.fixture
def app(db: Database) -> App:
    with db.write() as session:
        return make_app(session)


@pytest.fixture
def guide(db: Database, app: App) -> Guide:
    with db.write() as session:
        make_published_guide(session, app, "plain")
        return make_published_guide(session, app, "export-help", audience={"holdout_percent": 50})


def delivered(client: TestClient, app: App, anonymous_id: str) -> list[str]:
    body = session_body(app, anonymous_id=anonymous_id)
    response = client.post("/sdk/v1/session", json=body, headers={"Origin": ORIGIN})
    assert response.status_code == 200, response.text
    return sorted(guide["slug"] for guide in response.json()["guides"])


def send(client: TestClient, app: App, anonymous_id: str, events: list[dict[str, Any]]) -> None:
    body = event_batch(app, events, anonymous_id=anonymous_id)
    response = client.post("/sdk/v1/events", json=body, headers={"Origin": ORIGIN})
    assert response.json()["rejected"] == [], response.text


def expected_held_back(app: App, guide: Guide, anonymous_id: str) -> bool:
    """Independently of guides/decision.py: the first half of 10,000 places by SHA-256."""
    key = f"{app.id}:{guide.id}:anon:{anonymous_id}".encode()
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big") % 10_000 < 5_000


def members(db: Database, guide: Guide) -> dict[int, tuple[bool, datetime]]:
    with db.read() as session:
        rows = session.exec(select(HoldoutMember).where(HoldoutMember.guide_id == guide.id)).all()
        return {row.end_user_id: (row.held_back, row.assigned_at) for row in rows}


def test_held_back_users_never_get_the_guide_and_keep_their_side(
    client: TestClient, db: Database, app: App, guide: Guide
) -> None:
    sides = {f"u{i}": expected_held_back(app, guide, f"u{i}") for i in range(USERS)}
    assert 10 < sum(sides.values()) < 30  # both sides are well filled at 50%
    for user, held_back in sides.items():
        want = ["plain"] if held_back else ["export-help", "plain"]
        assert delivered(client, app, user) == want
    recorded = members(db, guide)
    assert sorted(side for side, _ in recorded.values()) == sorted(sides.values())

    for user, held_back in sides.items():  # again: same side, nothing rewritten
        want = ["plain"] if held_back else ["export-help", "plain"]
        assert delivered(client, app, user) == want
    assert members(db, guide) == recorded


def test_a_guide_without_a_control_group_records_nobody(
    client: TestClient, db: Database, app: App, guide: Guide
) -> None:
    delivered(client, app, "u1")
    with db.read() as session:
        rows = session.exec(select(HoldoutMember)).all()
    assert [row.guide_id for row in rows] == [guide.id]


def test_users_outside_the_audience_are_in_neither_group(
    client: TestClient, db: Database, app: App
) -> None:
    with db.write() as session:
        audience = {"conditions": [{"trait": "plan", "value": "pro"}], "holdout_percent": 30}
        pro_only = make_published_guide(session, app, "pro-help", audience=audience)
    assert delivered(client, app, "free-user") == []
    assert members(db, pro_only) == {}


@pytest.mark.parametrize("percent", [-1, 91, "half"])
def test_a_holdout_outside_0_to_90_percent_is_refused(db: Database, app: App, percent: Any) -> None:
    from guides.errors import SignpostError

    with db.write() as session, pytest.raises((SignpostError, ValueError)):
        make_published_guide(session, app, "bad", audience={"holdout_percent": percent})


def test_comparison_counts_goal_and_struggle_after_assignment_per_side(
    client: TestClient, db: Database, app: App, guide: Guide
) -> None:
    sides = {f"u{i}": expected_held_back(app, guide, f"u{i}") for i in range(USERS)}
    before = (datetime.now(UTC) - timedelta(days=1)).isoformat()
    # An event before the user was assigned does not count: u0 exported yesterday.
    send(client, app, "u0", [event("track", timestamp=before, properties={"name": "Exported"})])
    for user in sides:
        delivered(client, app, user)
    converted = {user for i, user in enumerate(sides) if i % 3 == 1}
    struggled = {user for i, user in enumerate(sides) if i % 4 == 2}
    for user in converted:  # twice each: still one user
        send(client, app, user, [event("track", properties={"name": "Exported"})])
        send(client, app, user, [event("track", properties={"name": "Exported"})])
    for user in struggled:
        body = {"signal": "rage_click", "selector": "#export", "count": 3}
        send(client, app, user, [event("struggle_detected", properties=body)])
    send(client, app, "u5", [event("track", properties={"name": "Imported"})])  # another goal

    with db.read() as session:
        result = holdout_comparison(session=session, guide_id=guide.id or 0, goal="Exported")

    exposed = [user for user, held in sides.items() if not held]
    held = [user for user, held in sides.items() if held]
    assert (result.exposed.users, result.held_back.users) == (len(exposed), len(held))
    assert result.exposed.converted == len(converted & set(exposed))
    assert result.held_back.converted == len(converted & set(held))
    assert result.exposed.struggled == len(struggled & set(exposed))
    assert result.held_back.struggled == len(struggled & set(held))

    e, h = result.exposed, result.held_back
    difference = e.converted / e.users - h.converted / h.users
    assert result.conversion_difference == pytest.approx(difference)
    interval = result.conversion_interval
    assert interval is not None
    low, high = newcombe_by_hand(e.converted, e.users, h.converted, h.users)
    assert (interval.low, interval.high) == (pytest.approx(low), pytest.approx(high))


def newcombe_by_hand(a: int, n: int, b: int, m: int) -> tuple[float, float]:
    """Newcombe's method 10 written out from the paper's formulas, for the test only."""
    z = 1.959963984540054

    def wilson(x: int, t: int) -> tuple[float, float]:
        p = x / t
        root = z * math.sqrt(p * (1 - p) / t + z**2 / (4 * t**2))
        centre = p + z**2 / (2 * t)
        return (centre - root) / (1 + z**2 / t), (centre + root) / (1 + z**2 / t)

    p1, p2 = a / n, b / m
    l1, u1 = wilson(a, n)
    l2, u2 = wilson(b, m)
    d = p1 - p2
    return d - math.hypot(p1 - l1, u2 - p2), d + math.hypot(u1 - p1, p2 - l2)


class TestIntervals:
    """Against the published values of Newcombe (1998), Statistics in Medicine 17:873-890,
    Table II, method 10, and Wilson intervals of Newcombe's companion paper (Table I)."""

    def test_newcombe_example_a(self) -> None:
        interval = newcombe_interval(56, 70, 48, 80)
        assert interval is not None
        assert (round(interval.low, 4), round(interval.high, 4)) == (0.0524, 0.3339)

    def test_newcombe_example_b(self) -> None:
        interval = newcombe_interval(9, 10, 3, 10)
        assert interval is not None
        assert (round(interval.low, 4), round(interval.high, 4)) == (0.1705, 0.8090)

    def test_wilson_of_81_in_263(self) -> None:
        interval = wilson_interval(81, 263)
        assert interval is not None
        assert (round(interval.low, 4), round(interval.high, 4)) == (0.2553, 0.3662)

    def test_no_users_means_no_interval(self) -> None:
        assert newcombe_interval(0, 0, 3, 10) is None


class TestHoldoutInTheAdmin:
    def test_the_editor_saves_a_control_group_and_refuses_more_than_90_percent(
        self, client: TestClient, db: Database
    ) -> None:
        from tests.admin_client import post, sign_in
        from tests.factories import make_admin, make_workspace_app
        from tests.test_admin_access import GUIDE_FORM

        with db.write() as session:
            make_admin(session)
            app = make_workspace_app(session)
        csrf = sign_in(client, "owner@example.com")
        path = f"/admin/apps/{app.id}/guides/new"

        refused = post(client, path, csrf, **{**GUIDE_FORM, "audience_holdout_percent": "95"})
        assert refused.status_code == 422
        assert set(refused.context["form"].errors) == {"audience_holdout_percent"}
        assert 'id="audience_holdout_percent-error"' in refused.text

        saved = post(client, path, csrf, **{**GUIDE_FORM, "audience_holdout_percent": "20"})
        assert saved.status_code == 303
        with db.read() as session:
            guide = session.exec(select(Guide)).one()
        assert guide.audience["holdout_percent"] == 20
        edit = client.get(f"/admin/guides/{guide.id}/edit")
        assert 'name="audience_holdout_percent"' in edit.text and 'value="20"' in edit.text

    def test_the_guide_analytics_page_compares_the_two_groups(
        self, client: TestClient, db: Database
    ) -> None:
        from tests.admin_client import sign_in
        from tests.factories import make_admin, make_workspace_app

        with db.write() as session:
            make_admin(session)
            app = make_workspace_app(session)
            guide = make_published_guide(session, app, "help", audience={"holdout_percent": 50})
        sides = {f"u{i}": expected_held_back(app, guide, f"u{i}") for i in range(12)}
        for user in sides:
            delivered(client, app, user)
        exposed = [user for user, held in sides.items() if not held]
        held = [user for user, held in sides.items() if held]
        for user in exposed[:2] + held[:1]:
            send(client, app, user, [event("track", properties={"name": "Exported"})])
        sign_in(client, "owner@example.com")

        page = client.get(f"/admin/guides/{guide.id}/analytics/", params={"goal": "Exported"})

        assert page.status_code == 200
        result = page.context["holdout"]
        assert (result.exposed.users, result.exposed.converted) == (len(exposed), 2)
        assert (result.held_back.users, result.held_back.converted) == (len(held), 1)
        assert 'id="holdout-table"' in page.text
        assert "Difference (95% CI)" in page.text


def test_a_returning_user_with_a_recorded_side_is_answered_by_the_quick_reader(
    client: TestClient, db: Database, app: App, guide: Guide
) -> None:
    """Holdouts keep the read-only quick path: once the side is recorded, nothing is written
    and no read session is opened (on SQLite, where the quick reader exists)."""
    from contextlib import AbstractContextManager

    from guides.delivery import DeliveryCache, SessionRequest, returning_user_session

    if db.quick is None:
        pytest.skip("the quick reader is SQLite's")
    request = SessionRequest(app_key=app.public_key, anonymous_id="u1", url=f"{ORIGIN}/")
    cache = DeliveryCache()
    delivered(client, app, "u1")  # stores the user and their side

    class QuickOnly:
        quick = db.quick

        def read(self) -> AbstractContextManager[Any]:
            raise AssertionError("a read session was opened")

        write = read

    with db.read() as session:  # the process has loaded the app's guides
        cache.get(session, app.id or 0, _stamp(db, app))
    answer = returning_user_session(
        sessions=QuickOnly(), cache=cache, request=request, origin=ORIGIN
    )
    assert answer is not None
    want = ["plain"] if expected_held_back(app, guide, "u1") else ["export-help", "plain"]
    assert sorted(g["slug"] for g in answer["guides"]) == want


def _stamp(db: Database, app: App) -> int:
    from guides.models import App as AppRow

    with db.read() as session:
        row = session.get(AppRow, app.id)
        assert row is not None
        return row.publish_stamp


def test_the_json_api_and_the_csv_export_hold_the_same_comparison(
    client: TestClient, db: Database
) -> None:
    from analytics.exports import to_csv
    from tests.admin_client import sign_in
    from tests.api_client import call
    from tests.factories import make_admin, make_api_token, make_workspace_app

    with db.write() as session:
        make_admin(session)
        app = make_workspace_app(session)
        guide = make_published_guide(session, app, "help", audience={"holdout_percent": 50})
        token = make_api_token(session, [app], "read")
    sides = {f"u{i}": expected_held_back(app, guide, f"u{i}") for i in range(10)}
    for user in sides:
        delivered(client, app, user)
    for user in list(sides)[:4]:
        send(client, app, user, [event("track", properties={"name": "Exported"})])
    exposed = sum(1 for held in sides.values() if not held)
    converted = sum(1 for user in list(sides)[:4] if not sides[user])

    path = f"/api/v1/analytics/guides/{guide.id}/holdout"
    answer = call(client, "GET", path, token, params={"goal": "Exported"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    rows = {row["group"]: row for row in body["rows"]}
    assert (rows["exposed"]["users"], rows["exposed"]["converted"]) == (exposed, converted)
    assert rows["held_back"]["users"] == len(sides) - exposed
    held_share = (4 - converted) / (len(sides) - exposed)
    difference = converted / exposed - held_share
    assert rows["difference"]["conversion"] == pytest.approx(difference)
    low, high = newcombe_by_hand(converted, exposed, 4 - converted, len(sides) - exposed)
    assert rows["difference"]["conversion_low"] == pytest.approx(low)
    assert rows["difference"]["conversion_high"] == pytest.approx(high)

    sign_in(client, "owner@example.com")
    exported = client.get(
        f"/admin/guides/{guide.id}/analytics/export",
        params={"table": "holdout", "goal": "Exported"},
    )
    columns = body["columns"]
    assert exported.text == to_csv(columns, [[row[c] for c in columns] for row in body["rows"]])

    refused = call(client, "GET", path, token, params={"goal": "x" * 1001})
    assert (refused.status_code, refused.json()["code"]) == (422, "invalid_payload")


def test_a_goal_with_a_nul_character_is_never_reached_rather_than_an_error(
    client: TestClient, db: Database, app: App, guide: Guide
) -> None:
    delivered(client, app, "u1")
    with db.read() as session:
        result = holdout_comparison(session=session, guide_id=guide.id or 0, goal="Ex\x00ported")
    assert (result.exposed.converted, result.held_back.converted) == (0, 0)
    assert result.exposed.users + result.held_back.users == 1
