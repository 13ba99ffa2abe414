"""A small, fully known story of end-user activity for the analytics pages' tests (HTTP and
e2e): three users meet a 3-step tour and an NPS survey, two of them in the last 7 days and
one 20 days ago, so the 7-day and 30-day ranges give different, hand-counted numbers.

It is sent as the SDK sends it: `POST /sdk/v1/session` with the user's traits, then
`POST /sdk/v1/events`, through any `post(path, body)` (a TestClient, or urllib in e2e)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from guides import App, Guide

NPS_QUESTION = "How likely are you to recommend us?"
SURVEY_STEPS = [{"title": NPS_QUESTION, "content": {"id": "nps", "scale": "nps"}}]
USERS = {"alice": {"plan": "pro"}, "bob": {"plan": "free"}, "carol": {"plan": "free"}}
DAYS_AGO = {"alice": 2, "bob": 3, "carol": 20}

# What the pages must show, counted by hand from the story below.
LAST_7_DAYS = {"views": "2", "users": "2", "completion": "50%", "dismiss": "50%", "nps": "+0"}
LAST_30_DAYS = {"views": "3", "users": "3", "completion": "33%", "dismiss": "67%", "nps": "+33"}
FUNNEL_30_DAYS = [(1, 3, 1), (2, 2, 1), (3, 1, 0)]  # step, users, dropped off


def _events(user: str, tour: Guide, survey: Guide, origin: str) -> list[dict[str, Any]]:
    at = datetime.now(UTC).replace(microsecond=0) - timedelta(days=DAYS_AGO[user], hours=1)
    events: list[dict[str, Any]] = []

    def add(type: str, guide: Guide | None = None, **fields: Any) -> None:
        nonlocal at
        at += timedelta(seconds=5)
        body: dict[str, Any] = {
            "event_id": str(uuid.uuid4()),
            "type": type,
            "timestamp": at.isoformat(),
            "url": f"{origin}/dashboard",
        }
        if guide is not None:
            body |= {"guide_id": guide.id, "guide_version": guide.live_version}
        events.append(body | fields)

    add("guide_shown", tour)
    add("step_shown", tour, step_index=0)
    if user == "carol":
        add("guide_dismissed", tour, step_index=0, properties={"reason": "dismissed"})
    else:
        add("step_completed", tour, step_index=0, properties={"duration_ms": 2000})
        add("step_shown", tour, step_index=1)
    if user == "bob":
        add("guide_dismissed", tour, step_index=1, properties={"reason": "navigated_away"})
        add("resource_center_searched", properties={"query": "dark mode", "results": 0})
    if user == "alice":
        add("step_completed", tour, step_index=1, properties={"duration_ms": 4000})
        add("step_shown", tour, step_index=2)
        add("step_completed", tour, step_index=2, properties={"duration_ms": 6000})
        add("guide_completed", tour, properties={"duration_ms": 12000})
    answer = {"alice": (10, "Love the export"), "bob": (3, "Too slow"), "carol": (9, None)}[user]
    properties: dict[str, Any] = {"question": "nps", "scale": "nps", "value": answer[0]}
    if answer[1]:
        properties["comment"] = answer[1]
    add("guide_shown", survey)
    add("survey_answered", survey, step_index=0, properties=properties)
    add("guide_completed", survey)
    return events


def send_scenario(
    post: Callable[[str, dict[str, Any]], Any], app: App, tour: Guide, survey: Guide, origin: str
) -> None:
    for user, traits in USERS.items():
        post(
            "/sdk/v1/session",
            {"app_key": app.public_key, "user_id": user, "traits": traits, "url": origin + "/"},
        )
        post(
            "/sdk/v1/events",
            {
                "app_key": app.public_key,
                "user_id": user,
                "events": _events(user, tour, survey, origin),
            },
        )
