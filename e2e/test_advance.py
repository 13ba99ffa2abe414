"""Advance rules in real Chromium: a walkthrough step set to move on when its element is
clicked goes to the next step on that click (and completes on the last step), while a step
left at the default waits for its button (here under the step's own label); a step moves on
when the page tracks its event or when its struggle signal is seen, and another after its
delay."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.test_demo import eventually
from e2e.test_kinds import event_types, open_host, publish
from e2e.test_struggle import struggle_loaded
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


def test_a_step_moves_on_when_its_event_is_tracked_and_another_after_its_delay(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    guide_id = publish(
        db,
        host_app,
        slug="on-their-own",
        name="On their own",
        kind="walkthrough",
        steps=[
            {"title": "Create a project", "advance_event": "Project created"},
            {"title": "Nice one", "advance_delay": 1},
            {"title": "Last", "target": {"selector": "#heading"}},
        ],
    )
    sent = open_host(page, host_pages, host_app)

    expect(page.get_by_role("dialog", name="Create a project")).to_be_visible()
    page.evaluate("Signpost.track('Something else')")
    page.wait_for_timeout(300)
    expect(page.get_by_role("dialog", name="Create a project")).to_be_visible()
    page.evaluate("Signpost.track('Project created')")
    expect(page.get_by_role("dialog", name="Nice one")).to_be_visible()
    shown_at = page.evaluate("performance.now()")

    expect(page.get_by_role("dialog", name="Last")).to_be_visible(timeout=3000)
    waited = page.evaluate("performance.now()") - shown_at
    assert 900 <= waited < 2500, waited
    assert eventually(
        page,
        lambda: event_types(sent, guide_id).count("step_completed") == 2,
    )


def test_a_step_moves_on_when_its_struggle_signal_is_seen(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        slug="rage-help",
        name="Rage help",
        kind="walkthrough",
        pages={"include": [{"match": "exact", "value": "/friction"}]},
        steps=[
            {
                "title": "Downloads moved",
                "target": {"selector": "#plan"},
                "advance_event": "rage_click",
            },
            {"title": "Find them in Settings", "target": {"selector": "#refresh"}},
        ],
    )
    page.goto(f"{host_pages}/friction?key={host_app.public_key}")
    expect(page.get_by_role("dialog", name="Downloads moved")).to_be_visible()
    struggle_loaded(page)

    for _ in range(4):
        page.locator("#download").click(delay=0)

    expect(page.get_by_role("dialog", name="Find them in Settings")).to_be_visible()
