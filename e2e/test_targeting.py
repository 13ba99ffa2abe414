"""Targets that survive UI changes: a missing element's policies, an element the app
re-renders, layout shifts, scrolling into view, and the app's own overlays."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.test_demo import eventually
from e2e.test_kinds import event_types, open_host, publish, settled
from guides import App
from server.db import Database


def tooltip(db: Database, app: App, target: dict, **step: object) -> int:
    return publish(
        db,
        app,
        slug="target-tip",
        kind="tooltip",
        steps=[{"title": "Here", "target": target, "placement": "bottom", **step}],
    )


def test_a_missing_target_with_end_policy_ends_the_guide_and_says_why(
    page: Page,
    db: Database,
    host_app: App,
    host_pages: str,
) -> None:
    guide_id = tooltip(
        db, host_app, {"selector": "#nowhere", "timeout_ms": 300}, missing_target="end"
    )
    sent = open_host(page, host_pages, host_app)

    assert eventually(page, lambda: "guide_dismissed" in event_types(sent, guide_id))
    missing = next(e for e in sent.events if e["type"] == "target_missing")
    dismissed = next(e for e in sent.events if e["type"] == "guide_dismissed")
    assert (missing["step_index"], missing["properties"]) == (0, {"policy": "end"})
    assert dismissed["properties"]["reason"] == "target_missing"
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_a_missing_target_with_center_policy_shows_the_step_centred(
    page: Page,
    db: Database,
    host_app: App,
    host_pages: str,
) -> None:
    guide_id = tooltip(
        db, host_app, {"selector": "#nowhere", "timeout_ms": 300}, missing_target="center"
    )
    sent = open_host(page, host_pages, host_app)

    dialog = page.get_by_role("dialog", name="Here")
    expect(dialog).to_be_visible()
    box = dialog.bounding_box()
    assert box and abs(box["x"] + box["width"] / 2 - 640) < 2
    assert eventually(page, lambda: "target_missing" in event_types(sent, guide_id))


def test_a_waiting_step_appears_when_its_element_finally_does(
    page: Page,
    db: Database,
    host_app: App,
    host_pages: str,
) -> None:
    guide_id = tooltip(
        db, host_app, {"selector": "#late-button", "timeout_ms": 100}, missing_target="wait"
    )
    sent = open_host(page, host_pages, host_app)

    expect(page.get_by_role("dialog", name="Here")).to_be_visible()
    assert eventually(page, lambda: "target_missing" in event_types(sent, guide_id))
    missing = next(e for e in sent.events if e["type"] == "target_missing")
    assert missing["properties"] == {"policy": "wait"}


def test_the_step_follows_its_element_when_the_app_replaces_it_or_shifts_the_layout(
    page: Page,
    db: Database,
    host_app: App,
    host_pages: str,
) -> None:
    tooltip(db, host_app, {"selector": "#create-project"})
    open_host(page, host_pages, host_app)
    dialog = page.get_by_role("dialog", name="Here")
    expect(dialog).to_be_visible()

    def gap() -> float:
        target = page.locator("#create-project").bounding_box()
        box = dialog.bounding_box()
        assert target and box
        return box["y"] - (target["y"] + target["height"])

    settled(page)
    before = gap()
    page.evaluate("hostApp.replaceCreate()")
    page.evaluate("hostApp.pushDown(120)")
    page.wait_for_timeout(600)

    assert abs(gap() - before) < 2
    expect(dialog).to_be_visible()


def test_a_target_below_the_fold_is_scrolled_into_view(
    page: Page,
    db: Database,
    host_app: App,
    host_pages: str,
) -> None:
    tooltip(db, host_app, {"selector": "#late-button"})
    open_host(page, host_pages, host_app)
    page.evaluate("hostApp.pushDown(1500)")

    dialog = page.get_by_role("dialog", name="Here")
    expect(dialog).to_be_visible()
    page.wait_for_timeout(800)
    assert page.evaluate("scrollY") > 0
    box = page.locator("#late-button").bounding_box()
    assert box and 0 <= box["y"] < 800


def test_the_guide_stays_above_the_apps_own_overlay_at_the_highest_z_index(
    page: Page,
    db: Database,
    host_app: App,
    host_pages: str,
) -> None:
    publish(
        db,
        host_app,
        slug="over-dialog",
        kind="banner",
        trigger={"type": "manual"},
        steps=[{"title": "On top"}],
    )
    open_host(page, host_pages, host_app)
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()

    page.evaluate("hostApp.overlay()")
    page.evaluate("Signpost.show('over-dialog')")

    banner = page.get_by_role("region", name="On top")
    expect(banner).to_be_visible()
    box = banner.bounding_box()
    assert box
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).hasAttribute('data-signpost-root')",
        [box["x"] + 30, box["y"] + box["height"] / 2],
    )
    assert hit is True


def test_leaving_the_pages_of_a_once_guide_ends_it_as_navigated_away(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    guide_id = publish(
        db,
        host_app,
        slug="projects-only",
        kind="tooltip",
        pages={"include": [{"match": "exact", "value": "/kinds"}]},
        steps=[{"title": "Projects tip", "target": {"selector": "#create-project"}}],
    )
    sent = open_host(page, host_pages, host_app)
    expect(page.get_by_role("dialog", name="Projects tip")).to_be_visible()

    page.get_by_role("link", name="Reports").click()

    expect(page.get_by_role("dialog")).to_have_count(0)
    assert eventually(page, lambda: "guide_dismissed" in event_types(sent, guide_id))
    dismissed = next(e for e in sent.events if e["type"] == "guide_dismissed")
    assert dismissed["properties"]["reason"] == "navigated_away"
    assert isinstance(dismissed["properties"]["duration_ms"], int)
