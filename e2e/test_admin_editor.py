"""The guide editor in real Chromium: steps reorder by dragging their handle (the server
moves them, saving nothing until the author saves), a guide's own theme that is hard to read
is marked at its field with everything typed kept, and the changed editor is screenshotted
at 1280 and 390 px wide."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import select

from e2e.conftest import RunningServer
from guides import App
from guides.authoring import guide_document, save_guide
from guides.models import Guide
from guides.publishing import archive_guide
from server.db import Database
from server.demo.seed import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_APP_NAME
from tests.factories import guide_document as make_document

SCREENSHOTS = Path(__file__).parent / "screenshots" / "editor"  # not committed


@pytest.fixture
def browser_without_js(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 800}, java_script_enabled=False
    )
    yield context.new_page()
    context.close()


@pytest.fixture
def demo_guide(db: Database) -> Iterator[int]:
    """A three-step walkthrough in the demo app, which the demo admin may edit; archived
    afterwards, so the shared demo app's reports (e2e/test_analytics_pages.py) never list it."""
    slug = "drag-" + secrets.token_hex(4)
    steps = [{"title": f"Step {n}", "body": f"Body {n}"} for n in (1, 2, 3)]
    with db.write() as session:
        app = session.exec(select(App).where(App.name == DEMO_APP_NAME)).first()
        assert app is not None and app.id is not None
        saved = save_guide(
            session=session, app_id=app.id, document=make_document(slug, steps, kind="walkthrough")
        )
        guide_id = saved.guide.id
        assert guide_id is not None
    yield guide_id
    with db.write() as session:
        archive_guide(session=session, guide_id=guide_id)


def log_in(page: Page, server: RunningServer) -> None:
    page.goto(f"{server.url}/admin/login")
    page.get_by_label("Email").fill(DEMO_ADMIN_EMAIL)
    page.get_by_label("Password").fill(DEMO_ADMIN_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Apps")).to_be_visible()


def step_titles(page: Page) -> list[str]:
    return page.locator("input[name$='-title'][name^='steps-']").evaluate_all(
        "inputs => inputs.map((input) => input.value)"
    )


def stored_titles(db: Database, guide_id: int) -> list[str]:
    with db.read() as session:
        guide = session.get(Guide, guide_id)
        assert guide is not None
        return [step.title for step in guide_document(session=session, guide=guide).steps]


def test_dragging_a_step_by_its_handle_moves_it_and_saving_keeps_the_order(
    page: Page, server: RunningServer, db: Database, demo_guide: int
) -> None:
    guide_id = demo_guide
    log_in(page, server)
    # Tall enough for the three steps at once: a drag needs both ends on screen.
    page.set_viewport_size({"width": 1280, "height": 2800})
    page.goto(f"{server.url}/admin/guides/{guide_id}/edit")
    page.get_by_label("Title").nth(1).fill("Step 2, typed")

    page.locator("#step-2 .drag-handle").drag_to(
        page.locator("#step-0"), target_position={"x": 40, "y": 5}
    )

    expect(page.locator("#step-0 input[name='steps-0-title']")).to_have_value("Step 3")
    assert step_titles(page) == ["Step 3", "Step 1", "Step 2, typed"]
    expect(page).to_have_url(re.compile(r"/edit#step-0$"))
    assert stored_titles(db, guide_id) == ["Step 1", "Step 2", "Step 3"]  # not saved yet

    page.locator("#step-0 .drag-handle").drag_to(
        page.locator("#step-2"), target_position={"x": 40, "y": 8}
    )  # the top half of the last step: it lands just before it
    expect(page.locator("input[name='steps-1-title']")).to_have_value("Step 3")
    assert step_titles(page) == ["Step 1", "Step 3", "Step 2, typed"]

    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("saved", exact=False).first).to_be_visible()
    assert stored_titles(db, guide_id) == ["Step 1", "Step 3", "Step 2, typed"]


def test_the_move_buttons_still_work_without_javascript(
    browser_without_js: Page, server: RunningServer, demo_guide: int
) -> None:
    page = browser_without_js
    guide_id = demo_guide
    log_in(page, server)
    page.goto(f"{server.url}/admin/guides/{guide_id}/edit")
    expect(page.locator(".drag-handle").first).to_be_hidden()

    page.get_by_role("button", name="Move step 3 up").click()

    assert step_titles(page) == ["Step 1", "Step 3", "Step 2"]


def test_an_unreadable_guide_theme_is_marked_at_its_field(
    page: Page, server: RunningServer, db: Database, demo_guide: int
) -> None:
    guide_id = demo_guide
    log_in(page, server)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{server.url}/admin/guides/{guide_id}/edit")
        page.get_by_label("Background").fill("#111827")
        page.get_by_label("Accent (buttons, links)").fill("#0f766e")
        page.get_by_label("or by itself after (seconds)").first.fill("soon")
        page.get_by_role("button", name="Save draft").click()

        expect(page.get_by_role("alert")).to_have_text(
            "Nothing was saved. Please fix the fields marked below."
        )
        expect(page.get_by_label("or by itself after (seconds)").first).to_have_value("soon")
        expect(page.locator("#steps-0-advance_delay-error")).to_be_visible()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"editor-errors-{width}.png"), full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
        assert not overflow, f"the editor scrolls sideways at {width} px"

        page.get_by_label("or by itself after (seconds)").first.fill("")
        page.get_by_role("button", name="Save draft").click()
        expect(page.locator("#theme_background-error")).to_have_text(
            "contrast with text is 1.2:1; it needs at least 4.5:1 to be readable"
        )
        expect(page.get_by_label("Background")).to_have_attribute("aria-invalid", "true")
        expect(page.get_by_label("Accent (buttons, links)")).to_have_value("#0f766e")
