"""The other struggle detectors in real Chromium: a click followed by an error, a U-turn
across page loads, a guide restarted again and again, and a flood of clicks (reliability
A8: 1,000 clicks in 2 s are one rage-click event carrying the count)."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import BrowserContext, expect
from sqlmodel import select

from analytics import Event
from e2e.test_struggle import eventually, plant_tour, struggle_loaded
from guides import App
from server.db import Database


def struggles(db: Database, app: App) -> list[tuple[str, str, Any]]:
    with db.read() as session:
        rows = session.exec(
            select(Event).where(Event.app_id == app.id, Event.type == "struggle_detected")
        ).all()
    found = [
        (e.properties["signal"], e.url.split("?")[0].rsplit("/", 1)[-1], e.properties) for e in rows
    ]
    return sorted(found, key=lambda row: (row[0], row[1], row[2]["count"]))


def flush(context: BrowserContext, host_pages: str, app: App, *, leave: bool = True) -> None:
    """Leave for a page that sends what is queued (or stay), and wait until it was
    acknowledged."""
    page = context.pages[0]
    if leave:
        page.goto(f"{host_pages}/basic?key={app.public_key}")
    page.wait_for_function(
        "Object.keys(localStorage).every((key) => !key.startsWith('signpost:queue:'))"
    )


def test_a_click_followed_by_an_error_is_an_error_click_without_the_message(
    context: BrowserContext, db: Database, host_app: App, host_pages: str
) -> None:
    page = context.new_page()
    page.goto(f"{host_pages}/friction?key={host_app.public_key}")
    struggle_loaded(page)
    page.locator("#recalculate").click()
    expect(page.locator("#status")).to_have_text("Recalculating…")
    page.wait_for_timeout(300)
    flush(context, host_pages, host_app)

    found = eventually(lambda: _one(struggles(db, host_app)))
    assert found == (
        "error_click",
        "friction",
        {
            "signal": "error_click",
            "count": 1,
            "role": "button",
            "text": "Recalculate",
            "selector": "#recalculate",
        },
    )


def _one(rows: list[Any]) -> Any:
    assert len(rows) == 1, rows
    return rows[0]


def test_leaving_a_page_and_coming_straight_back_is_a_u_turn_on_the_page_left(
    context: BrowserContext, db: Database, host_app: App, host_pages: str
) -> None:
    page = context.new_page()
    for name in ("friction", "basic", "friction"):
        page.goto(f"{host_pages}/{name}?key={host_app.public_key}")
        struggle_loaded(page)
    flush(context, host_pages, host_app, leave=False)

    signal, where, properties = eventually(lambda: _one(struggles(db, host_app)))
    assert (signal, where, properties["count"], properties["selector"]) == (
        "u_turn",
        "basic",
        1,
        "",
    )


def test_a_guide_restarted_twice_after_leaving_it_is_a_guide_restart(
    context: BrowserContext, db: Database, host_app: App, host_pages: str
) -> None:
    plant_tour(db, host_app)
    page = context.new_page()
    page.goto(f"{host_pages}/friction?key={host_app.public_key}")
    struggle_loaded(page)
    tour = page.get_by_role("dialog", name="Your plan")
    for _ in range(2):
        expect(tour).to_be_visible()
        tour.get_by_role("button", name="Close").click()
        expect(tour).to_have_count(0)
        page.evaluate("Signpost.show('billing-tour')")
    expect(tour).to_be_visible()
    flush(context, host_pages, host_app)

    signal, _, properties = eventually(lambda: _one(struggles(db, host_app)))
    assert (signal, properties["count"]) == ("guide_restart", 2)


def test_a_thousand_clicks_in_two_seconds_are_one_rage_click_carrying_the_count(
    context: BrowserContext, db: Database, host_app: App, host_pages: str
) -> None:
    page = context.new_page()
    page.goto(f"{host_pages}/friction?key={host_app.public_key}")
    struggle_loaded(page)
    page.evaluate(
        """async () => {
          const button = document.getElementById('download');
          for (let i = 0; i < 1000; i++) {
            button.click();
            if (i % 10 === 9) await new Promise((done) => setTimeout(done, 20));
          }
        }"""
    )
    page.wait_for_timeout(1200)
    flush(context, host_pages, host_app)

    def settled() -> list[Any]:
        rows = struggles(db, host_app)
        assert sum(p["count"] for s, _, p in rows if s == "dead_click") == 1000, rows
        return rows

    rows = eventually(settled)
    rage = [p["count"] for s, _, p in rows if s == "rage_click"]
    dead = [p["count"] for s, _, p in rows if s == "dead_click"]
    assert rage == [1000]
    assert len(dead) <= 2
