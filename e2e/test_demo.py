"""The demo as a new user meets it: the welcome tour on the dashboard, clicked through or
closed, and every event it sent stored in the database exactly once."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

from playwright.sync_api import Page, Request, expect
from sqlmodel import col, select

from analytics import Event
from e2e.conftest import RunningServer
from guides import EndUser
from server.db import Database

T = TypeVar("T")


def eventually(page: Page, probe: Callable[[], T], timeout: float = 15) -> T:
    """Poll until `probe` returns something truthy (events are batched, so they lag a little).

    Waits through the page, not `time.sleep`: Playwright delivers request events to Python
    only while it is being called.
    """
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result or time.monotonic() > deadline:
            return result
        page.wait_for_timeout(200)


class SentEvents:
    """Every event batch the SDK sent from a page, as the server received it."""

    def __init__(self, page: Page) -> None:
        self.batches: list[dict[str, Any]] = []
        page.on("request", self._record)

    def _record(self, request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/sdk/v1/events"):
            self.batches.append(json.loads(request.post_data or "{}"))

    @property
    def events(self) -> list[dict[str, Any]]:
        return [event for batch in self.batches for event in batch["events"]]

    @property
    def anonymous_id(self) -> str:
        return self.batches[0]["anonymous_id"]


def stored_events(db: Database, anonymous_id: str) -> list[Event]:
    with db.read() as session:
        return list(
            session.exec(
                select(Event)
                .join(EndUser, col(EndUser.id) == col(Event.end_user_id))
                .where(EndUser.external_id == f"anon:{anonymous_id}")
                .order_by(col(Event.occurred_at), col(Event.id))
            ).all()
        )


def test_welcome_tour_starts_on_the_dashboard_attached_to_new_report(
    page: Page, server: RunningServer
) -> None:
    page.goto(f"{server.url}/demo")

    dialog = page.get_by_role("dialog", name="Create your first report")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("1 of 3")
    target = page.locator("#new-report").bounding_box()
    box = dialog.bounding_box()
    assert target is not None and box is not None
    assert box["y"] >= target["y"] + target["height"] - 1, "placed below the button"


def test_clicking_through_the_tour_completes_it_and_its_events_reach_the_database(
    page: Page, server: RunningServer, db: Database
) -> None:
    sent = SentEvents(page)
    page.goto(f"{server.url}/demo")

    expect(page.get_by_role("dialog", name="Create your first report")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("dialog", name="Pick a time frame")).to_be_visible()
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("dialog", name="Create your first report")).to_be_visible()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("dialog", name="Pick a time frame")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    dialog = page.get_by_role("dialog", name="Share with your team")
    expect(dialog).to_contain_text("3 of 3")
    page.get_by_role("button", name="Done").click()
    expect(page.get_by_role("dialog")).to_have_count(0)

    assert eventually(page, lambda: any(e["type"] == "guide_completed" for e in sent.events))
    stored = eventually(
        page,
        lambda: (
            (rows := stored_events(db, sent.anonymous_id))
            and rows[-1].type == "guide_completed"
            and rows
        ),
    )
    assert stored, "no events reached the database"
    assert sorted(str(row.event_id) for row in stored) == sorted(e["event_id"] for e in sent.events)
    types = [row.type for row in stored]
    assert types[0] == "guide_shown"
    assert types[-1] == "guide_completed"
    shown = [row.step_index for row in stored if row.type == "step_shown"]
    assert shown == [0, 1, 0, 1, 2]


def test_a_completed_tour_does_not_come_back_after_a_reload(
    page: Page, server: RunningServer
) -> None:
    page.goto(f"{server.url}/demo")
    for _ in range(2):
        page.get_by_role("button", name="Next").click()
    # Wait for the answer, not the request: the state is stored once the events are.
    with page.expect_response(
        lambda r: "/sdk/v1/events" in r.url and "guide_completed" in (r.request.post_data or "")
    ):
        page.get_by_role("button", name="Done").click()

    with page.expect_response("**/sdk/v1/session") as response:
        page.reload()
    welcome = next(g for g in response.value.json()["guides"] if g["slug"] == "welcome-tour")
    assert response.value.json()["states"][str(welcome["id"])]["completed"] is True
    expect(page.get_by_role("button", name="New report")).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_closing_the_tour_records_a_dismissal_and_it_stays_closed(
    page: Page, server: RunningServer, db: Database
) -> None:
    sent = SentEvents(page)
    page.goto(f"{server.url}/demo")
    expect(page.get_by_role("dialog", name="Create your first report")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)

    assert eventually(page, lambda: any(e["type"] == "guide_dismissed" for e in sent.events))
    stored = eventually(
        page,
        lambda: [r for r in stored_events(db, sent.anonymous_id) if r.type == "guide_dismissed"],
    )
    assert len(stored) == 1
    assert stored[0].step_index in (0, None)
    page.reload()
    expect(page.get_by_role("button", name="New report")).to_be_visible()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_the_reports_page_shows_its_own_tooltip_and_not_the_tour(
    page: Page, server: RunningServer
) -> None:
    page.goto(f"{server.url}/demo/reports")
    tooltip = page.get_by_role("dialog", name="Take your numbers anywhere")
    expect(tooltip).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(1)


def test_the_demo_runs_under_a_nonce_only_csp_without_violations(
    page: Page, server: RunningServer
) -> None:
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation',"
        " e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    response = page.goto(f"{server.url}/demo")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    expect(page.get_by_role("dialog", name="Create your first report")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("dialog", name="Pick a time frame")).to_be_visible()
    assert page.evaluate("window.__violations") == []
