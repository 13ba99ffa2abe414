"""Struggle events: what ingestion accepts (never typed text), the struggle rollups, and the
friction report ranked from them."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from starlette.testclient import TestClient

from analytics import EventBatch, friction_report, record_events
from analytics.store import Period
from guides import App, Guide
from server.db import Database
from tests.factories import ORIGIN, event, event_batch, make_app, make_published_guide

TODAY = date(2026, 11, 20)
PERIOD = Period(date(2026, 11, 14), TODAY)  # 7 days; the period before is 11-07..11-13
NOON = datetime(2026, 11, 20, 12, tzinfo=UTC).isoformat()


def struggle(
    signal: str,
    *,
    page: str = "/reports",
    selector: str = "#export",
    day: date = TODAY,
    count: int = 1,
    **fields: Any,
) -> dict[str, Any]:
    return event(
        "struggle_detected",
        url=f"{ORIGIN}{page}?tab=1",
        timestamp=datetime(day.year, day.month, day.day, 12, tzinfo=UTC).isoformat(),
        properties={
            "signal": signal,
            "count": count,
            "role": "button",
            "text": "Export",
            "selector": selector,
        },
        **fields,
    )


def send(db: Database, app: App, user: str, events: list[dict[str, Any]]) -> None:
    with db.write() as session:
        record_events(
            session=session,
            app=app,
            batch=EventBatch.model_validate(
                {"app_key": app.public_key, "anonymous_id": user, "events": events}
            ),
            received_at=datetime(2026, 11, 21, tzinfo=UTC),
        )


@pytest.fixture
def app(db: Database) -> App:
    with db.write() as session:
        return make_app(session)


class TestStruggleEvents:
    def post(self, client: TestClient, app: App, properties: dict[str, Any]) -> Any:
        body = event_batch(app, [event("struggle_detected", properties=properties)])
        response = client.post("/sdk/v1/events", json=body, headers={"Origin": ORIGIN})
        return response.json()

    def test_a_rage_click_with_its_element_is_accepted(self, client: TestClient, app: App) -> None:
        answer = self.post(
            client,
            app,
            {
                "signal": "rage_click",
                "count": 12,
                "role": "button",
                "text": "Export",
                "selector": "#x",
            },
        )

        assert answer == {"accepted": 1, "duplicates": 0, "rejected": []}

    @pytest.mark.parametrize(
        ("properties", "message"),
        [
            (
                {"signal": "form_abandoned", "value": "my password"},
                "Value error, a struggle_detected event carries only signal, count, role, text,"
                " selector, not value",
            ),
            (
                {"signal": "sighed"},
                "Value error, properties.signal must be one of rage_click, dead_click,"
                " error_click, form_abandoned, u_turn, step_stall, guide_restart",
            ),
            (
                {"signal": "rage_click", "count": 0},
                "Value error, properties.count must be a whole number from 1 to 1000000",
            ),
            (
                {"signal": "dead_click", "text": "x" * 101},
                "Value error, properties.text is cut to 100 characters by the SDK",
            ),
        ],
    )
    def test_typed_values_and_unknown_signals_are_refused(
        self, client: TestClient, app: App, properties: dict[str, Any], message: str
    ) -> None:
        body = event_batch(app, [event("struggle_detected", properties=properties)])
        response = client.post("/sdk/v1/events", json=body, headers={"Origin": ORIGIN})

        assert response.status_code == 422
        assert response.json()["fields"] == [{"field": "events[0].properties", "message": message}]


class TestFrictionReport:
    def test_places_are_ranked_by_users_affected_then_occurrences(
        self, db: Database, app: App
    ) -> None:
        for user in ("u1", "u2", "u3"):
            send(db, app, user, [struggle("dead_click", selector="#save")])
        send(db, app, "u1", [struggle("rage_click", count=9) for _ in range(5)])
        send(db, app, "u4", [struggle("u_turn", page="/billing", selector="")])
        send(db, app, "u5", [event("track", timestamp=NOON, properties={"name": "x"})])

        with db.read() as session:
            report = friction_report(session=session, app_id=app.id or 0, period=PERIOD)

        assert report.sessions == 5
        assert [(r.page, r.selector, r.users, r.occurrences, r.count) for r in report.rows] == [
            ("/reports", "#save", 3, 3, 3),
            ("/reports", "#export", 1, 5, 45),
            ("/billing", "", 1, 1, 1),
        ]
        assert report.rows[0].share == pytest.approx(3 / 5)
        assert report.rows[1].signals == {"rage_click": 5}
        assert (report.rows[1].role, report.rows[1].text) == ("button", "Export")

    def test_sessions_are_user_days_and_the_trend_compares_with_the_period_before(
        self, db: Database, app: App
    ) -> None:
        send(db, app, "u1", [struggle("dead_click", day=date(2026, 11, 15))])
        send(db, app, "u1", [struggle("dead_click", day=date(2026, 11, 16)) for _ in range(3)])
        send(db, app, "u1", [struggle("dead_click", day=date(2026, 11, 10)) for _ in range(2)])

        with db.read() as session:
            report = friction_report(session=session, app_id=app.id or 0, period=PERIOD)

        (row,) = report.rows
        assert report.basis == "user-days"  # these events carry no session id
        assert (row.users, row.sessions, row.occurrences, row.previous) == (1, 2, 4, 2)
        assert row.trend == pytest.approx(1.0)
        assert row.share == pytest.approx(1.0)

    def test_sessions_are_sdk_sessions_where_events_carry_their_id(
        self, db: Database, app: App
    ) -> None:
        tabs = [str(uuid.uuid4()) for _ in range(5)]
        # u1 struggles in one of four tabs of the same day, twice; u2 uses one tab calmly.
        send(db, app, "u1", [struggle("dead_click", session_id=tabs[0]) for _ in range(2)])
        for tab in tabs[1:4]:
            track = event("track", timestamp=NOON, properties={"name": "x"}, session_id=tab)
            send(db, app, "u1", [track])
        send(
            db,
            app,
            "u2",
            [event("track", timestamp=NOON, properties={"name": "x"}, session_id=tabs[4])],
        )

        with db.read() as session:
            report = friction_report(session=session, app_id=app.id or 0, period=PERIOD)
            steps = friction_report(session=session, app_id=app.id or 0, period=PERIOD, by="page")

        (row,) = report.rows
        assert (report.basis, report.sessions) == ("sessions", 5)
        assert (row.users, row.sessions, row.occurrences) == (1, 1, 2)
        assert row.share == pytest.approx(1 / 5)  # by user-days it would be 1 of 2
        assert [(r.page, r.sessions) for r in steps.rows] == [("/reports", 1)]

    def test_by_page_by_step_and_by_signal(self, db: Database, app: App) -> None:
        with db.write() as session:
            tour = make_published_guide(session, app, "tour", steps=3)
        stall = {"guide_id": tour.id, "guide_version": 1, "step_index": 1}
        send(db, app, "u1", [struggle("step_stall", selector="#filters", **stall)])
        send(db, app, "u2", [struggle("step_stall", selector="#filters", **stall)])
        send(db, app, "u2", [struggle("dead_click", page="/reports", selector="#a")])

        with db.read() as session:
            by_page = friction_report(session=session, app_id=app.id or 0, period=PERIOD, by="page")
            by_step = friction_report(session=session, app_id=app.id or 0, period=PERIOD, by="step")
            stalls = friction_report(
                session=session, app_id=app.id or 0, period=PERIOD, signal="dead_click"
            )

        assert [(r.page, r.users, r.occurrences) for r in by_page.rows] == [("/reports", 2, 3)]
        assert [(r.guide_name, r.step_index, r.users) for r in by_step.rows] == [
            (tour_name(tour), 1, 2)
        ]
        assert [(r.selector, r.signals) for r in stalls.rows] == [("#a", {"dead_click": 1})]

    def test_a_rebuild_gives_the_same_report(self, db: Database, app: App) -> None:
        from analytics import rebuild_rollups

        send(db, app, "u1", [struggle("rage_click", count=4), struggle("error_click")])
        send(db, app, "u2", [struggle("form_abandoned", selector="form#signup", page="/signup")])
        with db.read() as session:
            before = friction_report(session=session, app_id=app.id or 0, period=PERIOD)
        with db.write() as session:
            rebuild_rollups(session, app.id or 0)
        with db.read() as session:
            after = friction_report(session=session, app_id=app.id or 0, period=PERIOD)

        assert after == before
        assert len(after.rows) == 2


def tour_name(guide: Guide) -> str:
    return guide.name


def test_an_event_id_is_counted_once(db: Database, app: App) -> None:
    repeated = struggle("dead_click")
    repeated["event_id"] = str(uuid.uuid4())
    send(db, app, "u1", [repeated])
    send(db, app, "u1", [repeated])

    with db.read() as session:
        report = friction_report(session=session, app_id=app.id or 0, period=PERIOD)

    assert [(r.occurrences, r.users) for r in report.rows] == [(1, 1)]


def test_every_signal_has_a_detector_a_registry_entry_and_a_docs_section() -> None:
    from pathlib import Path

    from analytics.models import StruggleSignal

    root = Path(__file__).parent.parent
    registry = (root / "sdk" / "src" / "struggle" / "detectors.js").read_text()
    docs = (root / "docs" / "sdk.md").read_text()
    for signal in StruggleSignal:
        assert (root / "sdk" / "src" / "struggle" / f"{signal.value}.js").is_file(), signal
        assert f"  {signal.value}: " in registry, signal
        assert f"\n### {signal.value}\n" in docs, signal
    listed = {line.split(":")[0].strip() for line in registry.splitlines() if line.startswith("  ")}
    assert listed == {signal.value for signal in StruggleSignal}


class TestTargetingHealth:
    def test_a_step_whose_target_broke_this_week_is_flagged_and_on_the_overview(
        self, db: Database, app: App, client: TestClient
    ) -> None:
        from datetime import timedelta

        from analytics.targeting_health import broken_targets, targeting_health
        from server import accounts
        from tests.admin_client import sign_in
        from tests.factories import make_admin

        with db.write() as session:
            tour = make_published_guide(session, app, "tour", steps=2)
            make_admin(session)
            workspace = accounts.ensure_workspace(session=session, name="Acme team")
            accounts.add_app_to_workspace(
                session=session, app_id=app.id or 0, workspace_id=workspace.id or 0
            )
        today = datetime.now(UTC).date()
        week_ago = today - timedelta(days=8)

        def at(day: date, type: str, step: int) -> dict[str, Any]:
            moment = datetime(day.year, day.month, day.day, 9, tzinfo=UTC).isoformat()
            return event(type, tour, step_index=step, timestamp=moment)

        before = [at(week_ago, "step_shown", 1) for _ in range(4)]
        now = [at(today, "step_shown", 1)] + [at(today, "target_missing", 1) for _ in range(3)]
        now += [at(today, "step_shown", 0) for _ in range(4)]
        for events in (before, now):
            with db.write() as session:
                record_events(
                    session=session,
                    app=app,
                    batch=EventBatch.model_validate(
                        {"app_key": app.public_key, "anonymous_id": "u1", "events": events}
                    ),
                )
        with db.read() as session:
            health = targeting_health(session=session, app_id=app.id or 0)
            broken = broken_targets(session=session, app_id=app.id or 0)

        # These events carry no session id (an older SDK): counted by events, and said so.
        assert [(s.step_index, s.attempts, s.missing, s.broken, s.basis) for s in health] == [
            (1, 4, 3, True, "events"),
            (0, 4, 0, False, "events"),
        ]
        assert (health[0].share, health[0].previous_share) == (0.75, 0.0)
        assert [(s.guide_name, s.step_index) for s in broken] == [("Tour", 1)]
        sign_in(client, "owner@example.com")
        overview = client.get(f"/admin/apps/{app.id}")
        assert overview.context["broken_targets"] == broken  # type: ignore[attr-defined]
        assert "Targets broke this week" in overview.text
        assert "step 2: target missing 75% (3 of 4 times due), 0% the week before" in overview.text
        report = client.get(f"/admin/apps/{app.id}/friction/")
        assert '75% <span class="muted">(3 of 4 times due)</span>' in report.text
        assert "Counted in times due rather than sessions" in report.text

    def test_the_share_counts_sessions_however_often_a_target_was_missed_in_one(
        self, db: Database, app: App, client: TestClient
    ) -> None:
        from analytics.rollups import rebuild_rollups
        from analytics.targeting_health import broken_targets, targeting_health
        from server import accounts
        from tests.admin_client import sign_in
        from tests.factories import make_admin

        with db.write() as session:
            tour = make_published_guide(session, app, "tour", steps=2)
            make_admin(session)
            workspace = accounts.ensure_workspace(session=session, name="Acme team")
            accounts.add_app_to_workspace(
                session=session, app_id=app.id or 0, workspace_id=workspace.id or 0
            )
        today = datetime.now(UTC).date()
        moment = datetime(today.year, today.month, today.day, 9, tzinfo=UTC).isoformat()
        sessions = [str(uuid.uuid4()) for _ in range(10)]

        def at(session_id: str, type: str) -> dict[str, Any]:
            return event(type, tour, step_index=1, timestamp=moment, session_id=session_id)

        # 10 sessions of 4 users: 7 found the target (one twice), 3 did not, one of them
        # five times before it showed, another after a reload (the same session again).
        batches = {
            "u1": [at(sessions[0], "step_shown"), at(sessions[0], "step_shown")]
            + [at(sessions[1], "target_missing") for _ in range(5)]
            + [at(sessions[1], "step_shown")],
            "u2": [at(sessions[n], "step_shown") for n in (2, 3, 4)]
            + [at(sessions[5], "target_missing")],
            "u3": [at(sessions[n], "step_shown") for n in (6, 7)],
            "u4": [at(sessions[8], "step_shown"), at(sessions[9], "target_missing")],
        }
        for user, events in batches.items():
            send_now(db, app, user, events)
        send_now(db, app, "u4", [at(sessions[9], "target_missing")])
        with db.read() as session:
            health = targeting_health(session=session, app_id=app.id or 0)
            broken = broken_targets(session=session, app_id=app.id or 0)

        assert [(s.step_index, s.attempts, s.missing, s.basis) for s in health] == [
            (1, 10, 3, "sessions")
        ]
        assert (health[0].share, health[0].broken, health[0].unit) == (0.3, True, "sessions")
        assert broken == health
        sign_in(client, "owner@example.com")
        overview = client.get(f"/admin/apps/{app.id}")
        assert "step 2: target missing 30% (3 of 10 sessions), 0% the week before" in overview.text
        report = client.get(f"/admin/apps/{app.id}/friction/")
        assert report.context["health"] == health  # type: ignore[attr-defined]
        assert '30% <span class="muted">(3 of 10 sessions)</span>' in report.text
        assert "times due rather than sessions" not in report.text
        # `signpost analytics rebuild` makes the same session rows from the raw events.
        with db.write() as session:
            rebuild_rollups(session, app.id or 0)
        with db.read() as session:
            assert targeting_health(session=session, app_id=app.id or 0) == health


def send_now(db: Database, app: App, user: str, events: list[dict[str, Any]]) -> None:
    with db.write() as session:
        record_events(
            session=session,
            app=app,
            batch=EventBatch.model_validate(
                {"app_key": app.public_key, "anonymous_id": user, "events": events}
            ),
        )
