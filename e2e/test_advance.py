"""Advance rules in real Chromium: a walkthrough step set to move on when its element is
clicked goes to the next step on that click (and completes on the last step), while a step
left at the default waits for its button (here under the step's own label)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.test_demo import eventually
from e2e.test_kinds import event_types, open_host, publish
from guides import App
from server.db import Database


def test_clicking_the_element_moves_on_only_where_the_author_asked(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    guide_id = publish(
        db,
        host_app,
        slug="click-through",
        name="Click through",
        kind="walkthrough",
        steps=[
            {
                "title": "Press it",
                "target": {"selector": "#create-project"},
                "advance": "target_click",
            },
            {
                "title": "Then the heading",
                "target": {"selector": "#heading"},
                "content": {"button": "Onwards"},
            },
            {
                "title": "Press it again",
                "target": {"selector": "#create-project"},
                "advance": "target_click",
            },
        ],
    )
    sent = open_host(page, host_pages, host_app)

    expect(page.get_by_role("dialog", name="Press it")).to_be_visible()
    page.locator("#create-project").click()
    expect(page.get_by_role("dialog", name="Then the heading")).to_be_visible()
    page.locator("#heading").click()  # the default: only the button moves on
    page.wait_for_timeout(300)
    expect(page.get_by_role("dialog", name="Then the heading")).to_be_visible()
    page.get_by_role("button", name="Onwards").click()  # the step's own button label
    expect(page.get_by_role("dialog", name="Press it again")).to_be_visible()
    page.locator("#create-project").click()

    expect(page.get_by_role("dialog")).to_have_count(0)
    assert eventually(page, lambda: "guide_completed" in event_types(sent, guide_id))
