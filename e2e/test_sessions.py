"""Browsing sessions in a real browser: every event the SDK sends carries its tab's session
id, the same across a reload of the tab, a new one after `reset()` and in another tab; events
queued by an SDK older than session ids are still sent, without one."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

from playwright.sync_api import BrowserContext, Page, expect
from sqlmodel import select

from analytics.models import Event
from e2e.test_delivery import publish
from guides import App
from server.db import Database


class SentEvents:
    """Every event a page sent to `POST /sdk/v1/events`, by type and name."""

    def __init__(self, page: Page) -> None:
        self.events: list[dict[str, Any]] = []
        self.watch(page)

    def watch(self, page: Page) -> None:
        page.on("request", self._record)

    def _record(self, request: Any) -> None:
        if request.method == "POST" and request.url.endswith("/sdk/v1/events"):
            self.events.extend(request.post_data_json["events"])

    def find(self, page: Page, type: str, name: str | None = None) -> dict[str, Any]:
        """The first event sent of `type` (a `track` event named `name`), waiting for it."""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            for event in self.events:
                if event["type"] == type and (name is None or event["properties"]["name"] == name):
                    return event
            page.wait_for_timeout(100)
        raise AssertionError(f"no {type} {name or ''} sent; sent: {self.events}")


def test_a_tab_keeps_its_session_across_a_reload_and_gets_a_new_one_after_reset(
    context: BrowserContext, page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        slug="tour",
        steps=[{"title": "Start here", "target": {"selector": "#create-project"}}],
    )
    url = f"{host_pages}/basic?key={host_app.public_key}"
    sent = SentEvents(page)
    page.goto(url)
    expect(page.get_by_role("dialog", name="Start here")).to_be_visible()

    # step_shown was recorded before the events chunk came (written ahead by the core).
    session = sent.find(page, "step_shown")["session_id"]
    uuid.UUID(session)
    page.evaluate("Signpost.track('before reload')")
    page.reload()
    page.evaluate("Signpost.track('after reload')")
    page.evaluate("Signpost.reset(); Signpost.track('after reset')")
    other = context.new_page()
    sent.watch(other)
    other.goto(url)
    other.evaluate("Signpost.track('other tab')")

    assert sent.find(page, "track", "before reload")["session_id"] == session
    assert sent.find(page, "track", "after reload")["session_id"] == session
    after_reset = sent.find(page, "track", "after reset")["session_id"]
    in_other_tab = sent.find(other, "track", "other tab")["session_id"]
    assert len({session, after_reset, in_other_tab}) == 3
    assert f"signpost:session:{host_app.public_key}" in page.evaluate("Object.keys(sessionStorage)")


def test_events_queued_by_an_older_sdk_are_sent_without_a_session(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    url = f"{host_pages}/basic?key={host_app.public_key}"
    page.goto(f"{host_pages}/basic")  # the origin, without the SDK starting for this app
    old = {
        "event_id": str(uuid.uuid4()),
        "type": "track",
        "timestamp": "2026-12-01T10:00:00.000Z",
        "url": url,
        "guide_id": None,
        "guide_version": None,
        "step_index": None,
        "properties": {"name": "queued by an older SDK"},
    }
    saved = {"saved_at": 0, "items": [{"event": old, "user_id": None, "anonymous_id": "anon-old"}]}
    page.evaluate(
        "([key, value]) => localStorage.setItem(key, value)",
        [f"signpost:queue:{host_app.public_key}:old-page", json.dumps(saved)],
    )
    sent = SentEvents(page)

    page.goto(url)
    page.evaluate("Signpost.track('new')")

    assert "session_id" not in sent.find(page, "track", "queued by an older SDK")
    assert "session_id" in sent.find(page, "track", "new")
    deadline = time.monotonic() + 10
    stored: dict[str, Any] = {}
    while time.monotonic() < deadline and len(stored) < 2:
        with db.read() as session:
            rows = session.exec(
                select(Event.properties, Event.session_id).where(Event.app_id == host_app.id)
            ).all()
        stored = {properties["name"]: session_id for properties, session_id in rows}
        time.sleep(0.1)
    assert stored["queued by an older SDK"] is None
    assert isinstance(stored["new"], uuid.UUID)
