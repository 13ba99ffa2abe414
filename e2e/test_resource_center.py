"""Choosing the resource center's content in the admin, in real Chromium: an author ticks and
orders guides, a checklist and an article on the app's Resource center tab (typed positions,
then a real drag and the ↑ button), and the end user's resource center lists exactly those, in
that order, and nothing else."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, expect
from sqlmodel import select

from e2e.conftest import RunningServer
from e2e.test_admin_journey import axe_violations, shoot
from e2e.test_kinds import open_host, publish
from guides import App
from server.accounts import Workspace, add_app_to_workspace
from server.db import Database
from server.demo.seed import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_APP_NAME, DEMO_WORKSPACE

MANUAL = {"type": "manual"}


def test_the_resource_center_lists_exactly_the_chosen_entries_in_order(
    browser: Browser, server: RunningServer, db: Database, host_app: App, host_pages: str
) -> None:
    with db.write() as session:
        workspace = session.exec(select(Workspace).where(Workspace.name == DEMO_WORKSPACE)).one()
        assert workspace.id and host_app.id
        add_app_to_workspace(session=session, app_id=host_app.id, workspace_id=workspace.id)
    target = [{"title": "Here", "target": {"selector": "#create-project"}}]
    publish(db, host_app, slug="export-tour", name="Export a report", trigger=MANUAL, steps=target)
    publish(db, host_app, slug="old-tour", name="Old tour", trigger=MANUAL, steps=target)
    publish(
        db,
        host_app,
        slug="setup",
        name="Set up your team",
        kind="checklist",
        trigger=MANUAL,
        steps=[{"title": "Invite someone", "content": {"id": "invite"}}],
    )
    publish(
        db,
        host_app,
        slug="help",
        name="Help",
        kind="resource_center",
        frequency="every_session",
        steps=[
            {"title": "Exporting to CSV", "body": "Choose **Export**.", "content": {"id": "csv"}},
            {"title": "Old billing page", "body": "Gone.", "content": {"id": "billing"}},
        ],
    )

    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    problems: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        page.goto(f"{server.url}/admin/login")
        page.get_by_label("Email").fill(DEMO_ADMIN_EMAIL)
        page.get_by_label("Password").fill(DEMO_ADMIN_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto(f"{server.url}/admin/apps/{host_app.id}")
        page.get_by_role("link", name="Resource center").click()
        expect(page.get_by_role("heading", name="What it lists")).to_be_visible()
        # Nothing chosen yet: everything is ticked.
        expect(page.get_by_label("List Old tour")).to_be_checked()
        page.get_by_label("List Old tour").uncheck()
        page.get_by_label("List Old billing page").uncheck()
        page.get_by_label("Position of Exporting to CSV").fill("1")
        page.get_by_label("Position of Set up your team").fill("2")
        page.get_by_label("Position of Export a report").fill("3")
        page.get_by_role("button", name="Save the list").click()
        expect(page.get_by_text("lists exactly the ticked entries")).to_be_visible()
        assert axe_violations(page) == []
        shoot(page, "resource-center-chosen")
        # A real drag by the ⠿ handle: "Export a report" above the first entry, saved at once.
        page.locator("#entry-2 .drag-handle").drag_to(
            page.locator("#entry-0"), target_position={"x": 40, "y": 5}
        )
        expect(page.get_by_text("Moved and saved")).to_be_visible()
        expect(page).to_have_url(re.compile(r"resource-center/\?done=moved#entry-0$"))
        expect(page.get_by_label("Position of Export a report")).to_have_value("1")
        # Keyboard users move with the ↑ button: "Set up your team" goes up one.
        page.get_by_role("button", name="Move Set up your team up").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_label("Position of Set up your team")).to_have_value("2")
        shoot(page, "resource-center-moved")
        page.get_by_label("Search articles").fill("csv")
        page.get_by_role("button", name="Search", exact=True).click()
        expect(page.get_by_text("1 article match")).to_be_visible()
        assert problems == []
    finally:
        context.close()

    visitor = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        end_user = visitor.new_page()
        open_host(end_user, host_pages, host_app)
        end_user.get_by_role("button", name="Help").click()
        panel = end_user.get_by_role("dialog", name="Help")
        expect(panel).to_be_visible()
        expect(panel.get_by_role("listitem")).to_have_text(
            ["Export a report", "Set up your team", "Exporting to CSV"]
        )
        shoot(end_user, "resource-center-sdk")
        panel.get_by_role("button", name="Set up your team").click()
        expect(end_user.get_by_role("dialog", name="Set up your team")).to_be_visible()
    finally:
        visitor.close()


def test_entries_move_with_the_arrow_buttons_without_javascript(
    browser: Browser, server: RunningServer, db: Database
) -> None:
    with db.read() as session:
        demo = session.exec(select(App).where(App.name == DEMO_APP_NAME)).one()
    context = browser.new_context(viewport={"width": 390, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{server.url}/admin/login")
        page.get_by_label("Email").fill(DEMO_ADMIN_EMAIL)
        page.get_by_label("Password").fill(DEMO_ADMIN_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.goto(f"{server.url}/admin/apps/{demo.id}/resource-center/")
        names = page.locator("tr[data-step-index] td[data-label='Name'] a")
        before = names.all_inner_texts()
        assert len(before) >= 2
        expect(page.locator(".drag-handle").first).to_be_hidden()

        page.get_by_role("button", name=f"Move {before[-1]} up").click()

        expect(page.get_by_text("Moved and saved")).to_be_visible()
        assert names.all_inner_texts() == [*before[:-2], before[-1], before[-2]]
        expect(page.get_by_label(f"Position of {before[-1]}")).to_have_value(str(len(before) - 1))
        # Leave the shared demo app as other tests expect it: nothing chosen.
        page.get_by_role("button", name="List everything instead").click()
        expect(page.get_by_text("lists every guide and article again")).to_be_visible()
    finally:
        context.close()
