"""Step stall "longer than usual for that step" in real Chromium: a step that users usually
finish in about a second stalls after the server's per-step threshold (the 10 s floor), not
after the app's one-minute stall time."""

from __future__ import annotations

import json
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from typing import Any

from playwright.sync_api import Browser, expect

from e2e.conftest import RunningServer
from e2e.test_struggle import struggle_loaded
from guides import App, Guide, publish_guide, save_guide
from guides.stall import FLOOR_MS
from server.db import Database
from tests.factories import guide_document


def publish_tour(db: Database, app: App) -> Guide:
    assert app.id is not None
    with db.write() as session:
        stored = session.get(App, app.id)
        assert stored is not None
        stored.struggle = {"stall_seconds": 60}
        session.add(stored)
        document = guide_document(
            "usual-tour",
            steps=[
                {"title": "Your plan", "body": "Pick a plan.", "target": {"selector": "#plan"}},
                {"title": "Seat pools", "body": "Per region.", "target": {"selector": "#seats"}},
            ],
            pages={"include": [{"match": "exact", "value": "/friction"}]},
        )
        guide = save_guide(session=session, app_id=app.id, document=document).guide
        assert guide.id is not None
        publish_guide(session=session, guide_id=guide.id, author="e2e")
        session.refresh(guide)
        return guide


def send_events(server: RunningServer, origin: str, app: App, events: list[dict[str, Any]]) -> None:
    body = {"app_key": app.public_key, "anonymous_id": "earlier-user", "events": events}
    request = urllib.request.Request(
        f"{server.url}/sdk/v1/events",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "text/plain", "Origin": origin},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        assert json.loads(response.read())["rejected"] == []


def test_a_quick_step_stalls_after_its_usual_time_not_the_apps(
    browser: Browser, db: Database, host_app: App, host_pages: str, server: RunningServer
) -> None:
    guide = publish_tour(db, host_app)
    now = datetime.now(UTC).isoformat()
    send_events(
        server,
        host_pages,
        host_app,
        [
            {
                "event_id": str(uuid.uuid4()),
                "type": "step_completed",
                "timestamp": now,
                "url": f"{host_pages}/friction",
                "guide_id": guide.id,
                "guide_version": guide.live_version,
                "step_index": 1,
                "properties": {"duration_ms": 900 + 10 * n},
            }
            for n in range(20)
        ],
    )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    stalls: list[dict[str, Any]] = []

    def watch(request: Any) -> None:
        if request.url.endswith("/sdk/v1/events") and request.post_data:
            for sent in json.loads(request.post_data)["events"]:
                if sent["properties"].get("signal") == "step_stall":
                    stalls.append(sent)

    page.on("request", watch)
    with page.expect_response(lambda r: r.url.endswith("/sdk/v1/session")) as answered:
        page.goto(f"{host_pages}/friction?key={host_app.public_key}")
    (sent_guide,) = answered.value.json()["guides"]
    assert sent_guide["stall_ms"] == [None, FLOOR_MS]
    expect(page.get_by_role("dialog", name="Your plan")).to_be_visible()
    struggle_loaded(page)
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("dialog", name="Seat pools")).to_be_visible()
    opened = time.monotonic()
    page.wait_for_timeout(FLOOR_MS + 1500)
    page.goto(f"{host_pages}/basic?key={host_app.public_key}")  # flushes what is queued
    page.wait_for_function(
        "Object.keys(localStorage).every((key) => !key.startsWith('signpost:queue:'))"
    )
    context.close()
    assert time.monotonic() - opened < 60  # well before the app's own stall time
    assert [(s["guide_id"], s["step_index"]) for s in stalls] == [(guide.id, 1)]
