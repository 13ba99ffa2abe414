"""A guide's own theme in real Chromium: a guide with its own accent draws its buttons in
that colour and font (with text the server worked out to stay readable), while another guide
of the same app keeps the app's theme."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.test_kinds import open_host, publish
from guides import App
from guides.apps import update_theme
from server.db import Database


def test_a_guide_with_its_own_accent_shows_it_and_another_keeps_the_apps(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    assert host_app.id is not None
    with db.write() as session:
        update_theme(
            session=session,
            app_id=host_app.id,
            values={"accent": "#4338ca", "font": "Georgia, serif"},
        )
    manual = {"type": "manual"}
    publish(
        db,
        host_app,
        slug="yellow",
        name="Yellow",
        kind="modal",
        trigger=manual,
        theme={"accent": "#fde047", "radius": 0, "font": "'Courier New', monospace"},
        steps=[{"title": "In yellow"}],
    )
    publish(
        db,
        host_app,
        slug="plain",
        name="Plain",
        kind="modal",
        trigger=manual,
        steps=[{"title": "In the app's colours"}],
    )
    open_host(page, host_pages, host_app)

    page.evaluate("Signpost.show('yellow')")
    button = page.locator(".sp-primary")
    expect(button).to_have_css("background-color", "rgb(253, 224, 71)")
    expect(button).to_have_css("color", "rgb(17, 24, 39)")  # dark text on yellow
    expect(page.locator(".sp-popover, .sp-modal").first).to_have_css("border-radius", "0px")
    expect(page.locator(".sp-title")).to_have_css("font-family", '"Courier New", monospace')

    page.evaluate("Signpost.show('plain')")
    expect(page.get_by_role("dialog", name="In the app's colours")).to_be_visible()
    expect(button).to_have_css("background-color", "rgb(67, 56, 202)")
    expect(button).to_have_css("color", "rgb(255, 255, 255)")
    expect(page.locator(".sp-title")).to_have_css("font-family", "Georgia, serif")
