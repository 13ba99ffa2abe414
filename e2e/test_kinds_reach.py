"""Issue 3, "Done when": the kinds that point at an element besides tooltip and walkthrough
reach the hard places of the demo host page too: a hotspot on a button inside the
same-origin iframe, a survey on the web component's button inside its shadow root, and a
hotspot on the late-rendered button; each used by keyboard alone, axe-core clean."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.test_demo import eventually
from e2e.test_kinds import axe_violations, event_types, focused_label, open_host, publish
from guides import App
from server.db import Database


def test_a_hotspot_on_a_button_inside_the_iframe_opens_by_keyboard(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    guide_id = publish(
        db,
        host_app,
        slug="frame-hotspot",
        kind="hotspot",
        steps=[
            {
                "title": "Saving",
                "body": "Settings save for the whole team.",
                "target": {"selector": "#frame-save"},
                "content": {"beacon_label": "Tip: saving settings"},
            }
        ],
    )
    sent = open_host(page, host_pages, host_app)

    beacon = page.get_by_role("button", name="Tip: saving settings")
    expect(beacon).to_be_visible()
    # The late button, above the iframe, pushes it down: the beacon follows it there.
    expect(page.locator("#late-button")).to_be_visible()

    def on_the_iframes_button() -> bool:
        frame, spot = page.locator("#frame").bounding_box(), beacon.bounding_box()
        assert frame and spot
        x, y = spot["x"] + spot["width"] / 2, spot["y"] + spot["height"] / 2
        inside_x = frame["x"] <= x <= frame["x"] + frame["width"]
        return inside_x and frame["y"] <= y <= frame["y"] + frame["height"]

    assert eventually(page, on_the_iframes_button)
    assert axe_violations(page) == []
    beacon.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="Saving")).to_be_visible()
    assert axe_violations(page) == []
    assert focused_label(page) == "Got it"
    page.keyboard.press("Enter")
    expect(beacon).to_have_count(0)
    assert eventually(page, lambda: "guide_completed" in event_types(sent, guide_id))


def test_a_survey_on_the_web_components_button_is_answered_by_keyboard(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    guide_id = publish(
        db,
        host_app,
        slug="export-csat",
        kind="survey",
        steps=[
            {
                "title": "How easy was exporting?",
                "target": {"test_id": "export", "role": "button", "text": "Export"},
                "placement": "bottom",
                "content": {"id": "export-ease", "scale": "csat"},
            }
        ],
    )
    sent = open_host(page, host_pages, host_app)

    card = page.get_by_role("dialog", name="How easy was exporting?")
    expect(card).to_be_visible()
    target = page.get_by_test_id("export").bounding_box()
    box = card.bounding_box()
    assert target and box and box["y"] >= target["y"] + target["height"] - 1, "below its button"
    assert axe_violations(page) == []
    page.keyboard.press("Space")  # the focused radio: 1
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.get_by_role("button", name="Submit").focus()
    page.keyboard.press("Enter")
    expect(card).to_have_count(0)
    assert eventually(page, lambda: "guide_completed" in event_types(sent, guide_id))
    answers = [e["properties"] for e in sent.events if e["type"] == "survey_answered"]
    assert answers == [{"question": "export-ease", "scale": "csat", "value": 4}]


def test_a_hotspot_waits_for_the_late_button(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        slug="late-hotspot",
        kind="hotspot",
        steps=[
            {
                "title": "Invite",
                "body": "Bring your team in.",
                "target": {"selector": "#late-button"},
                "content": {"beacon_label": "Tip: inviting"},
            }
        ],
    )
    open_host(page, host_pages, host_app)

    beacon = page.get_by_role("button", name="Tip: inviting")
    expect(beacon).to_be_visible()
    late = page.locator("#late-button").bounding_box()
    spot = beacon.bounding_box()
    assert late and spot
    assert abs((spot["y"] + spot["height"] / 2) - (late["y"] + late["height"] / 2)) < late["height"]
    assert axe_violations(page) == []
