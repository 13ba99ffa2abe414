"""Step stall "longer than usual for that step": the session answer carries, per guide step,
three times the step's 90th-percentile time (10 s floor) once the step has 20 timed
completions; the SDK falls back to the app's stall time for the others."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from analytics.durations import bucket_of, bucket_value
from guides import App, delivery
from guides.models import Guide
from server.db import Database
from tests.factories import ORIGIN, event, event_batch, make_app, make_published_guide, session_body


@pytest.fixture
def app(db: Database) -> App:
    with db.write() as session:
        return make_app(session)


@pytest.fixture
def guide(db: Database, app: App) -> Guide:
    with db.write() as session:
        return make_published_guide(session, app, "tour", steps=3)


def answered_guide(client: TestClient, app: App) -> dict[str, Any]:
    response = client.post("/sdk/v1/session", json=session_body(app), headers={"Origin": ORIGIN})
    assert response.status_code == 200, response.text
    (found,) = response.json()["guides"]
    return found


def completed(client: TestClient, app: App, guide: Guide, step: int, *durations: int) -> None:
    events = [
        event("step_completed", guide, step_index=step, properties={"duration_ms": ms})
        for ms in durations
    ]
    for start in range(0, len(events), 20):
        body = event_batch(app, events[start : start + 20])
        response = client.post("/sdk/v1/events", json=body, headers={"Origin": ORIGIN})
        assert response.json()["rejected"] == [], response.text


def test_a_guide_without_timed_steps_carries_no_thresholds(
    client: TestClient, app: App, guide: Guide
) -> None:
    assert "stall_ms" not in answered_guide(client, app)


def test_each_step_gets_its_usual_time_times_three_once_it_has_enough_completions(
    client: TestClient, app: App, guide: Guide, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "REFRESH_SECONDS", 0)  # reload at once, not in 10 minutes
    answered_guide(client, app)
    completed(client, app, guide, 0, *([4_000] * 17 + [9_000] * 3))  # p90: the 18th, 9 s
    completed(client, app, guide, 1, *([300] * 25))  # quick step: the 10 s floor
    completed(client, app, guide, 2, *([50_000] * 19))  # one completion short

    answer = answered_guide(client, app)

    assert answer["stall_ms"] == [bucket_value(bucket_of(9_000)) * 3, 10_000, None]


def test_thresholds_follow_new_completions_without_a_publish(
    client: TestClient, app: App, guide: Guide, monkeypatch: pytest.MonkeyPatch
) -> None:
    completed(client, app, guide, 0, *([4_000] * 20))
    first = answered_guide(client, app)["stall_ms"]
    completed(client, app, guide, 0, *([30_000] * 40))
    assert answered_guide(client, app)["stall_ms"] == first  # cached for REFRESH_SECONDS
    monkeypatch.setattr(delivery, "REFRESH_SECONDS", 0)
    assert answered_guide(client, app)["stall_ms"] == [
        bucket_value(bucket_of(30_000)) * 3,
        None,
        None,
    ]
