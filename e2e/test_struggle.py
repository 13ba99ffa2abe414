"""Struggle detection in real Chromium: scripted users meet a host app with three planted
problems (a button that does nothing, a tour step that confuses, a form that is hard to
finish), and the friction report finds exactly those three places at its top."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from analytics import Event, friction_report
from analytics.store import Period
from e2e.conftest import RunningServer
from e2e.test_admin_journey import shoot
from guides import App, publish_guide, save_guide
from server import accounts
from server.db import Database
from server.demo.seed import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_WORKSPACE
from tests.factories import guide_document

SECRET_TYPED = "ACME-SECRET-4242"


def plant_tour(db: Database, app: App) -> None:
    """The tour whose second step nobody understands; struggle set to a 2 s stall."""
    assert app.id is not None
    with db.write() as session:
        stored = session.get(App, app.id)
        assert stored is not None
        stored.struggle = {"stall_seconds": 2}
        session.add(stored)
        document = guide_document(
            "billing-tour",
            steps=[
                {"title": "Your plan", "body": "Pick a plan.", "target": {"selector": "#plan"}},
                {
                    "title": "Seat pools",
                    "body": "Pools are per region.",
                    "target": {"selector": "#seats"},
                },
                {
                    "title": "Refresh",
                    "body": "Refresh invoices.",
                    "target": {"selector": "#refresh"},
                },
            ],
            pages={"include": [{"match": "exact", "value": "/friction"}]},
        )
        saved = save_guide(session=session, app_id=app.id, document=document)
        assert saved.guide.id is not None
        publish_guide(session=session, guide_id=saved.guide.id, author="e2e")


def struggle_loaded(page: Page) -> None:
    page.wait_for_function("!!document.querySelector('script[src*=\"/struggle.js\"]')")
    # The chunk runs once its script has loaded: a `signpost:struggle` listener proves nothing,
    # so wait for the detectors' U-turn trail, written when they start.
    page.wait_for_function("sessionStorage.getItem('signpost:pages') !== null")


def scripted_user(page: Page, host_pages: str, app: App, *, wanders: bool = False) -> None:
    page.goto(f"{host_pages}/friction?key={app.public_key}")
    expect(page.get_by_role("dialog", name="Your plan")).to_be_visible()
    struggle_loaded(page)
    # The confusing step: opened, then left open while the user looks for what it means.
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("dialog", name="Seat pools")).to_be_visible()
    page.wait_for_timeout(2600)
    page.get_by_role("button", name="Close").click()
    # The button that does nothing, clicked again and again; a working one, once.
    for _ in range(4):
        page.locator("#download").click(delay=0)
    page.wait_for_timeout(1300)
    page.locator("#refresh").click()
    expect(page.locator("#status")).to_contain_text("Refreshed")
    if wanders:
        page.locator("#logo").click()
        page.wait_for_timeout(1300)
    # The form that cannot be finished: filled, refused, corrected, given up on.
    page.locator("#company").fill("Acme")
    page.locator("#vat").fill(SECRET_TYPED)
    page.get_by_role("button", name="Start trial").click()
    expect(page.locator("#form-error")).to_be_visible()
    page.locator("#vat").fill(SECRET_TYPED + "0")
    # Leaving: the abandoned form is written ahead at pagehide and sent by the next page.
    page.goto(f"{host_pages}/basic?key={app.public_key}")
    # Every event written ahead has been acknowledged: the queue's keys are gone.
    page.wait_for_function(
        "Object.keys(localStorage).every((key) => !key.startsWith('signpost:queue:'))"
    )


def eventually(check: Callable[[], Any], timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return check()
        except AssertionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def test_scripted_users_put_the_three_planted_problems_at_the_top_of_the_friction_report(
    browser: Browser, db: Database, host_app: App, host_pages: str, server: RunningServer
) -> None:
    plant_tour(db, host_app)
    for number in range(3):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        try:
            scripted_user(context.new_page(), host_pages, host_app, wanders=number == 0)
        finally:
            context.close()
    today = datetime.now(UTC).date()

    def report_is_complete() -> Any:
        with db.read() as session:
            report = friction_report(
                session=session, app_id=host_app.id or 0, period=Period(today, today)
            )
        places = [(row.selector, row.users) for row in report.rows]
        assert len(places) == 4, places
        return report

    report = eventually(report_is_complete)
    top = {(row.page, row.selector): row for row in report.rows[:3]}
    assert set(top) == {
        ("/friction", "#download"),
        ("/friction", "#seats"),
        ("/friction", "#signup-form"),
    }
    assert [row.users for row in report.rows] == [3, 3, 3, 1], [
        (r.selector, r.users, r.signals) for r in report.rows
    ]
    # Each user's 4 clicks: one rage click and one dead click, each carrying the 4.
    assert top[("/friction", "#download")].signals == {"rage_click": 3, "dead_click": 3}
    assert top[("/friction", "#download")].count == 3 * (4 + 4)
    assert top[("/friction", "#seats")].signals == {"step_stall": 3}
    assert top[("/friction", "#signup-form")].signals == {"form_abandoned": 3}
    assert (report.rows[3].selector, report.rows[3].signals) == ("#logo", {"dead_click": 1})
    with db.read() as session:
        stored = session.exec(select(Event).where(Event.app_id == host_app.id)).all()
    assert SECRET_TYPED not in json.dumps([e.properties for e in stored] + [e.url for e in stored])

    # What the customer-success team sees, and where "Create a guide here" takes them.
    with db.write() as session:
        workspace = accounts.ensure_workspace(session=session, name=DEMO_WORKSPACE)
        assert workspace.id is not None and host_app.id is not None
        accounts.add_app_to_workspace(
            session=session, app_id=host_app.id, workspace_id=workspace.id
        )
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        admin = context.new_page()
        admin.goto(f"{server.url}/admin/login")
        admin.get_by_label("Email").fill(DEMO_ADMIN_EMAIL)
        admin.get_by_label("Password").fill(DEMO_ADMIN_PASSWORD)
        admin.get_by_role("button", name="Log in").click()
        admin.goto(f"{server.url}/admin/apps/{host_app.id}/friction/")
        rows = admin.locator("table.friction tbody tr")
        expect(rows).to_have_count(4)
        expect(rows.nth(3)).to_contain_text("#logo")
        top_three = " ".join(rows.nth(i).inner_text() for i in range(3))
        for text in ("Download invoice", "#seats", "#signup-form", "Stalls on a step"):
            assert text in top_three
        shoot(admin, "friction-report")
        download = rows.filter(has_text="Download invoice")
        download.get_by_role("link", name="Create a guide here").click()
        expect(admin.get_by_label("Target element (CSS selector)")).to_have_value("#download")
        expect(admin.get_by_label("Name", exact=True)).to_have_value("Help with Download invoice")
        shoot(admin, "friction-create-guide")
    finally:
        context.close()
