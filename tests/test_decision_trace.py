"""Why did it (not) show: the decision trace for one end user and one guide, one scripted
case per reason, through the same steps delivery runs; and its admin page."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from starlette.testclient import TestClient

from analytics.why import decision_trace
from guides import App
from guides.models import Guide
from guides.publishing import unpublish_guide
from server.db import Database
from tests.admin_client import sign_in
from tests.factories import (
    ORIGIN,
    event,
    event_batch,
    make_admin,
    make_published_guide,
    make_workspace_app,
    session_body,
)


@pytest.fixture
def app(db: Database) -> App:
    with db.write() as session:
        make_admin(session)
        make_admin(session, "stranger@example.com", workspace="Other team")
        return make_workspace_app(session)


def publish(db: Database, app: App, slug: str = "tour", **kw: Any) -> Guide:
    with db.write() as session:
        return make_published_guide(session, app, slug, **kw)


def visit(client: TestClient, app: App, user: str = "u1", **traits: Any) -> list[str]:
    body = session_body(app, anonymous_id=None, user_id=user, traits=traits)
    response = client.post("/sdk/v1/session", json=body, headers={"Origin": ORIGIN})
    assert response.status_code == 200, response.text
    return [guide["slug"] for guide in response.json()["guides"]]


def send(client: TestClient, app: App, events: list[dict[str, Any]], user: str = "u1") -> None:
    body = event_batch(app, events, anonymous_id=None, user_id=user)
    response = client.post("/sdk/v1/events", json=body, headers={"Origin": ORIGIN})
    assert response.status_code == 200 and response.json()["rejected"] == [], response.text


def trace(db: Database, app: App, guide: Guide, user: str = "u1", url: str = "") -> dict[str, Any]:
    with db.read() as session:
        found = decision_trace(
            session=session, app_id=app.id or 0, guide_id=guide.id or 0, user=user, url=url
        )
    blocked = found.blocked_by
    return {
        "verdicts": {check.step: check.verdict for check in found.checks},
        "reasons": {check.step: check.reason for check in found.checks},
        "blocked_by": blocked.step if blocked else None,
    }


def test_a_guide_that_shows_passes_every_step_and_reports_its_target_found(
    client: TestClient, db: Database, app: App
) -> None:
    guide = publish(db, app, frequency="every_session")
    assert visit(client, app) == ["tour"]
    send(client, app, [event("step_shown", guide, step_index=0, url=f"{ORIGIN}/home")])
    result = trace(db, app, guide)
    assert result["blocked_by"] is None
    assert result["verdicts"] == {
        "published": "pass",
        "schedule": "pass",
        "page": "pass",
        "audience": "pass",
        "history": "pass",
        "control group": "pass",
        "frequency": "pass",
        "throttle": "n/a",
        "target": "pass",
    }
    assert result["reasons"]["target"].startswith("step 1: target found and shown on ")
    assert result["reasons"]["control group"] == "no control group"


def test_an_unpublished_guide_is_blocked_at_published(
    client: TestClient, db: Database, app: App
) -> None:
    guide = publish(db, app)
    visit(client, app)
    with db.write() as session:
        unpublish_guide(session=session, guide_id=guide.id or 0)
    result = trace(db, app, guide)
    assert result["blocked_by"] == "published"
    assert list(result["verdicts"]) == ["published"]


def test_a_guide_outside_its_schedule_is_blocked_at_schedule_as_delivery_leaves_it_out(
    client: TestClient, db: Database, app: App
) -> None:
    ended = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    guide = publish(db, app, schedule={"ends_at": ended})
    assert visit(client, app) == []  # delivery leaves it out ...
    result = trace(db, app, guide)
    assert result["blocked_by"] == "schedule"  # ... and the trace says why, from the same step
    assert "is outside its schedule" in result["reasons"]["schedule"]
    assert result["verdicts"]["audience"] == "pass"
    assert result["verdicts"]["control group"] == "n/a"


def test_a_page_outside_the_rules_is_blocked_at_page(
    client: TestClient, db: Database, app: App
) -> None:
    guide = publish(db, app, pages={"include": [{"match": "prefix", "value": "/reports"}]})
    visit(client, app)
    send(client, app, [event("track", url=f"{ORIGIN}/billing", properties={"name": "Paid"})])
    result = trace(db, app, guide)  # the page of the user's latest event
    assert result["blocked_by"] == "page"
    assert result["reasons"]["page"] == f"{ORIGIN}/billing does not match the page rules"
    assert trace(db, app, guide, url=f"{ORIGIN}/reports/7")["blocked_by"] is None


def test_a_trait_that_does_not_match_is_blocked_at_audience_and_named(
    client: TestClient, db: Database, app: App
) -> None:
    guide = publish(db, app, audience={"conditions": [{"trait": "plan", "value": "pro"}]})
    assert visit(client, app, plan="free") == []
    result = trace(db, app, guide)
    assert result["blocked_by"] == "audience"
    reason = "match all, failing: plan eq 'pro' (the user's is 'free')"
    assert result["reasons"]["audience"] == reason
    assert result["verdicts"]["control group"] == "n/a"


def test_a_rule_on_the_past_that_does_not_hold_is_blocked_at_history(
    client: TestClient, db: Database, app: App
) -> None:
    history = [{"kind": "event_count", "event": "Exported", "at_least": 2, "days": 7}]
    guide = publish(db, app, audience={"history": history})
    visit(client, app)
    send(client, app, [event("track", properties={"name": "Exported"})])
    result = trace(db, app, guide)
    assert result["blocked_by"] == "history"
    reason = "does not hold: event Exported at least 2 times in 7 days"
    assert result["reasons"]["history"] == reason


def held_back_user(app: App, guide: Guide, percent: int) -> str:
    for n in range(1000):
        key = f"{app.id}:{guide.id}:user-{n}".encode()
        if int.from_bytes(hashlib.sha256(key).digest()[:8], "big") % 10_000 < percent * 100:
            return f"user-{n}"
    raise AssertionError("unreachable")


def test_a_held_back_user_is_blocked_at_the_control_group(
    client: TestClient, db: Database, app: App
) -> None:
    guide = publish(db, app, audience={"holdout_percent": 20})
    user = held_back_user(app, guide, 20)
    assert visit(client, app, user) == []
    result = trace(db, app, guide, user)
    assert result["blocked_by"] == "control group"
    assert result["reasons"]["control group"].startswith("control group: held back (place ")
    assert result["reasons"]["control group"].endswith("the first 2000 are held back)")


def test_a_guide_seen_once_is_blocked_at_frequency(
    client: TestClient, db: Database, app: App
) -> None:
    guide = publish(db, app, frequency="once")
    visit(client, app)
    send(client, app, [event("guide_shown", guide), event("guide_dismissed", guide)])
    result = trace(db, app, guide)
    assert result["blocked_by"] == "frequency"
    assert result["reasons"]["frequency"].startswith("once: not due again (seen True")


def test_a_missing_target_is_reported_from_the_latest_step_event(
    client: TestClient, db: Database, app: App
) -> None:
    guide = publish(db, app, frequency="every_session")
    visit(client, app)
    send(client, app, [event("step_shown", guide, step_index=0)])
    send(client, app, [event("target_missing", guide, step_index=0)])
    result = trace(db, app, guide)
    assert result["blocked_by"] == "target"
    assert result["reasons"]["target"].startswith("step 1: target missing on ")


class TestWhyPage:
    def test_an_admin_sees_each_step_and_the_blocking_one(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        guide = publish(db, app, audience={"conditions": [{"trait": "plan", "value": "pro"}]})
        visit(client, app, plan="free")
        sign_in(client, "owner@example.com")
        response = client.get(f"/admin/guides/{guide.id}/why", params={"user": "u1"})
        assert response.status_code == 200
        assert response.template.name == "guides/why.html"
        assert response.context["trace"].blocked_by.step == "audience"
        assert "Does not show: <strong>audience</strong>" in response.text
        assert "plan eq &#39;pro&#39; (the user&#39;s is &#39;free&#39;)" in response.text

    def test_an_unknown_user_gets_a_form_error(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        guide = publish(db, app)
        sign_in(client, "owner@example.com")
        response = client.get(f"/admin/guides/{guide.id}/why", params={"user": "<nobody>"})
        assert response.status_code == 404
        assert "No end user with this id has used this app." in response.text
        assert "&lt;nobody&gt;" in response.text

    def test_another_workspace_cannot_see_the_trace(
        self, client: TestClient, db: Database, app: App
    ) -> None:
        guide = publish(db, app)
        visit(client, app)
        sign_in(client, "stranger@example.com")
        response = client.get(f"/admin/guides/{guide.id}/why", params={"user": "u1"})
        assert response.status_code == 404
