"""`/api/v1/analytics/…`: each analytics table as JSON with a read token, carrying exactly
the data of its CSV export. Events go in through the real `/sdk/v1/events` endpoint."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from analytics.exports import (
    adoption_csv,
    funnel_csv,
    journey_csv,
    segments_csv,
    summary_csv,
    to_csv,
    trend_csv,
)
from analytics.funnels import step_funnel
from analytics.journeys import user_journey
from analytics.overview import adoption_overview
from analytics.segments import trait_breakdown
from analytics.store import Period
from analytics.summary import guide_summary, guide_trend
from analytics.tables import TABLES
from guides import App, Guide
from server.db import Database
from tests.api_client import call
from tests.factories import (
    ORIGIN,
    event,
    event_batch,
    make_api_token,
    make_published_guide,
    make_workspace_app,
    session_body,
)

TODAY = datetime.now(UTC).date()
PERIOD = Period(TODAY - timedelta(days=29), TODAY)


@pytest.fixture
def story(client: TestClient, db: Database) -> dict[str, Any]:
    """Two users of a two-step tour: ana (plan pro) finishes it, bo (plan free) closes it."""
    with db.write() as session:
        app = make_workspace_app(session)
        guide = make_published_guide(session, app, "tour", steps=2)
        token = make_api_token(session, [app], "read")
        session.expunge_all()
    for user, plan, ending in (
        ("ana", "pro", "guide_completed"),
        ("bo", "free", "guide_dismissed"),
    ):
        body = session_body(app, user_id=user, anonymous_id=None, traits={"plan": plan})
        assert (
            client.post("/sdk/v1/session", json=body, headers={"Origin": ORIGIN}).status_code == 200
        )
        events = [
            event("guide_shown", guide),
            event("step_shown", guide, step_index=0),
            *(
                [
                    event("step_completed", guide, step_index=0),
                    event("step_shown", guide, step_index=1),
                    event("step_completed", guide, step_index=1),
                ]
                if user == "ana"
                else []
            ),
            event(ending, guide, **({"step_index": 0} if user == "bo" else {})),
        ]
        batch = event_batch(app, events, user_id=user, anonymous_id=None)
        answer = client.post("/sdk/v1/events", json=batch, headers={"Origin": ORIGIN})
        assert answer.json()["accepted"] == len(events), answer.text
    return {"app": app, "guide": guide, "token": token}


def as_csv(answer: dict[str, Any]) -> str:
    return to_csv(
        answer["columns"], [[row[c] for c in answer["columns"]] for row in answer["rows"]]
    )


class TestSameDataAsTheCsv:
    def test_the_guide_tables_hold_the_csv_exports_rows(
        self, client: TestClient, db: Database, story: dict[str, Any]
    ) -> None:
        app: App = story["app"]
        guide: Guide = story["guide"]
        assert app.id is not None and guide.id is not None
        ids = {"app_id": app.id, "guide_id": guide.id, "period": PERIOD}
        with db.read() as session:
            expected = {
                "summary": summary_csv(guide_summary(session, **ids)),  # type: ignore[arg-type]
                "trend": trend_csv(guide_trend(session, **ids)),  # type: ignore[arg-type]
                "funnel": funnel_csv(step_funnel(session, **ids)),  # type: ignore[arg-type]
                "adoption": adoption_csv(adoption_overview(session, app_id=app.id, period=PERIOD)),
                "segments": segments_csv(
                    "plan", trait_breakdown(session, app_id=app.id, guide_id=guide.id, trait="plan")
                ),
                "journey": journey_csv(user_journey(session, app_id=app.id, user="ana")),
            }
        paths = {
            "summary": f"/api/v1/analytics/guides/{guide.id}/summary",
            "trend": f"/api/v1/analytics/guides/{guide.id}/trend",
            "funnel": f"/api/v1/analytics/guides/{guide.id}/funnel",
            "adoption": f"/api/v1/analytics/apps/{app.id}/adoption",
            "segments": f"/api/v1/analytics/guides/{guide.id}/segments?trait=plan",
            "journey": f"/api/v1/analytics/apps/{app.id}/users/ana/journey",
        }

        answers = {name: call(client, "GET", path, story["token"]) for name, path in paths.items()}

        assert {name: a.status_code for name, a in answers.items()} == dict.fromkeys(paths, 200)
        assert {name: as_csv(a.json()) for name, a in answers.items()} == expected

    def test_numbers_stay_numbers_and_rates_are_unrounded(
        self, client: TestClient, story: dict[str, Any]
    ) -> None:
        guide: Guide = story["guide"]

        answer = call(
            client, "GET", f"/api/v1/analytics/guides/{guide.id}/summary", story["token"]
        ).json()

        assert answer["table"] == "summary" and answer["guide_id"] == guide.id
        assert (answer["start"], answer["end"]) == (PERIOD.start.isoformat(), TODAY.isoformat())
        [row] = answer["rows"]
        assert {k: row[k] for k in ("views", "users", "completion_rate", "dismiss_rate")} == {
            "views": 2,
            "users": 2,
            "completion_rate": 0.5,
            "dismiss_rate": 0.5,
        }

    def test_the_funnel_shows_where_bo_left(
        self, client: TestClient, story: dict[str, Any]
    ) -> None:
        guide: Guide = story["guide"]

        rows = call(
            client, "GET", f"/api/v1/analytics/guides/{guide.id}/funnel", story["token"]
        ).json()["rows"]

        assert [(r["step"], r["users"], r["drop_off"]) for r in rows] == [(1, 2, 1), (2, 1, 0)]


class TestQueries:
    @pytest.mark.parametrize(
        ("query", "field"),
        [
            ("start=2026-02-30", "start"),
            ("start=2026-05-02&end=2026-05-01", "start"),
            ("start=2024-01-01&end=2026-01-01", "start"),
            ("version=0", "version"),
            ("colour=red", "colour"),
        ],
    )
    def test_a_bad_query_names_the_parameter(
        self, client: TestClient, story: dict[str, Any], query: str, field: str
    ) -> None:
        guide: Guide = story["guide"]

        response = call(
            client, "GET", f"/api/v1/analytics/guides/{guide.id}/summary?{query}", story["token"]
        )

        assert response.status_code == 422
        assert [f["field"] for f in response.json()["fields"]] == [field]

    def test_segments_need_a_trait(self, client: TestClient, story: dict[str, Any]) -> None:
        guide: Guide = story["guide"]

        response = call(
            client, "GET", f"/api/v1/analytics/guides/{guide.id}/segments", story["token"]
        )

        assert response.status_code == 422
        assert response.json()["fields"] == [{"field": "trait", "message": "required"}]

    def test_an_unknown_user_has_no_journey(
        self, client: TestClient, story: dict[str, Any]
    ) -> None:
        app: App = story["app"]

        response = call(
            client, "GET", f"/api/v1/analytics/apps/{app.id}/users/nobody/journey", story["token"]
        )

        assert (response.status_code, response.json()["code"]) == (404, "end_user_not_found")

    def test_every_table_answers_with_a_read_token(
        self, client: TestClient, story: dict[str, Any]
    ) -> None:
        app: App = story["app"]
        guide: Guide = story["guide"]
        statuses = {}
        for spec in TABLES.values():
            scope = {"guide": f"guides/{guide.id}", "app": f"apps/{app.id}"}
            where = scope.get(spec.scope, f"apps/{app.id}/users/bo")
            query = "?trait=plan" if "trait" in spec.options else ""
            path = f"/api/v1/analytics/{where}/{spec.name}{query}"
            statuses[spec.name] = call(client, "GET", path, story["token"]).status_code

        assert statuses == dict.fromkeys(TABLES, 200)

    def test_another_workspaces_token_sees_nothing(
        self, client: TestClient, db: Database, story: dict[str, Any]
    ) -> None:
        guide: Guide = story["guide"]
        with db.write() as session:
            rival = make_workspace_app(session, workspace="Rivals", name="Rival")
            token = make_api_token(session, [rival], "read", workspace="Rivals")

        response = call(client, "GET", f"/api/v1/analytics/guides/{guide.id}/summary", token)

        assert (response.status_code, response.json()["code"]) == (404, "guide_not_found")
