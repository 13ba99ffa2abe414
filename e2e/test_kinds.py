"""Every guide kind on a host app with client-side routes, a late element, a web component
with a shadow root and a same-origin iframe: shown, used by keyboard alone, checked by
axe-core, and the events it sent. Screenshots go to e2e/screenshots/ (not committed)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from e2e.test_demo import SentEvents, eventually
from guides import App, publish_guide, save_guide
from server.db import Database
from tests.factories import guide_document

AXE = Path(__file__).parent.parent / "sdk" / "node_modules" / "axe-core" / "axe.min.js"
SHOTS = Path(__file__).parent / "screenshots"


def publish(db: Database, app: App, **document: Any) -> int:
    assert app.id is not None
    with db.write() as session:
        saved = save_guide(session=session, app_id=app.id, document=guide_document(**document))
        assert saved.guide.id is not None
        publish_guide(session=session, guide_id=saved.guide.id, author="e2e")
        return saved.guide.id


def open_host(page: Page, host_pages: str, app: App, path: str = "/kinds") -> SentEvents:
    sent = SentEvents(page)
    page.goto(f"{host_pages}{path}?key={app.public_key}")
    return sent


def settled(page: Page) -> None:
    """Wait for the SDK's entrance animations (not the endless pulse) to finish."""
    page.evaluate(
        """() => { const root = document.querySelector('[data-signpost-root]');
        if (!root) return;
        const running = root.shadowRoot.getAnimations({subtree: true})
          .filter((a) => a.effect.getTiming().iterations !== Infinity);
        return Promise.all(running.map((a) => a.finished)).then(() => undefined); }"""
    )


def axe_violations(page: Page) -> list[str]:
    settled(page)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in result["violations"]]


def screenshot(page: Page, name: str) -> None:
    settled(page)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def event_types(sent: SentEvents, guide_id: int) -> list[str]:
    return [e["type"] for e in sent.events if e.get("guide_id") == guide_id]


def focused_label(page: Page) -> str:
    """The accessible text of the focused element, looking into the SDK's shadow root."""
    return page.evaluate(
        """() => { let a = document.activeElement;
        while (a && a.shadowRoot && a.shadowRoot.activeElement) a = a.shadowRoot.activeElement;
        if (!a || a === document.body) return '';
        return (a.getAttribute('aria-label') || a.textContent || a.value || '').trim(); }"""
    )


def test_tooltip_finds_its_target_inside_a_web_component_by_test_id(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    guide_id = publish(
        db,
        host_app,
        slug="export-tip",
        kind="tooltip",
        steps=[
            {
                "title": "Export anything",
                "body": "Reports export to **CSV**.",
                # The old selector no longer matches; the test id and text still do.
                "target": {"selector": "#export-old", "test_id": "export", "text": "Export"},
                "placement": "bottom",
            }
        ],
    )
    sent = open_host(page, host_pages, host_app)

    dialog = page.get_by_role("dialog", name="Export anything")
    expect(dialog).to_be_visible()
    target = page.get_by_test_id("export").bounding_box()
    box = dialog.bounding_box()
    assert target and box and box["y"] >= target["y"] + target["height"] - 1
    assert axe_violations(page) == []
    screenshot(page, "tooltip")
    assert focused_label(page) == "Got it"
    page.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    assert eventually(page, lambda: "guide_completed" in event_types(sent, guide_id))
    completed = next(e for e in sent.events if e["type"] == "step_completed")
    assert isinstance(completed["properties"]["duration_ms"], int)


def test_walkthrough_crosses_a_late_element_an_iframe_and_a_shadow_root_by_keyboard(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    guide_id = publish(
        db,
        host_app,
        slug="tour",
        kind="walkthrough",
        steps=[
            {"title": "Invite your team", "target": {"selector": "#late-button"}},
            {"title": "Save settings", "target": {"selector": "#frame-save"}, "placement": "right"},
            {"title": "Export", "target": {"role": "button", "text": "Export"}},
        ],
    )
    sent = open_host(page, host_pages, host_app)

    first = page.get_by_role("dialog", name="Invite your team")
    expect(first).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "walkthrough-1")
    page.keyboard.press("ArrowRight")
    second = page.get_by_role("dialog", name="Save settings")
    expect(second).to_be_visible()
    frame = page.locator("#frame").bounding_box()
    box = second.bounding_box()
    assert frame and box and box["x"] > frame["x"] + 100, "the step points into the iframe"
    screenshot(page, "walkthrough-2")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("dialog", name="Export")).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect(second).to_be_visible()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Enter")  # Done has focus
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert eventually(page, lambda: "guide_completed" in event_types(sent, guide_id))
    shown = [e["step_index"] for e in sent.events if e["type"] == "step_shown"]
    assert shown == [0, 1, 2, 1, 2]


def test_modal_traps_focus_and_esc_dismisses_it(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    guide_id = publish(
        db,
        host_app,
        slug="whats-new",
        kind="modal",
        steps=[
            {
                "title": "What's new in Projects",
                "body": "Templates, sharing and a faster editor.",
                "content": {
                    "link_label": "Read the notes",
                    "link_url": "https://example.com/notes",
                },
            }
        ],
    )
    sent = open_host(page, host_pages, host_app)

    dialog = page.get_by_role("dialog", name="What's new in Projects")
    expect(dialog).to_be_visible()
    expect(dialog).to_have_attribute("aria-modal", "true")
    assert axe_violations(page) == []
    screenshot(page, "modal")
    labels = []
    for _ in range(5):
        page.keyboard.press("Tab")
        labels.append(focused_label(page))
    assert set(labels) <= {"Close", "Read the notes", "Got it"}, labels
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    assert eventually(page, lambda: "guide_dismissed" in event_types(sent, guide_id))
    dismissed = next(e for e in sent.events if e["type"] == "guide_dismissed")
    assert dismissed["properties"]["reason"] == "dismissed"


def test_banner_sits_at_the_bottom_and_takes_no_focus(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    guide_id = publish(
        db,
        host_app,
        slug="maintenance",
        kind="banner",
        steps=[
            {
                "title": "Maintenance on Sunday",
                "body": "Projects are read-only from 02:00 to 03:00 UTC.",
                "placement": "bottom",
                "content": {"button": "Understood"},
            }
        ],
    )
    sent = open_host(page, host_pages, host_app)

    banner = page.get_by_role("region", name="Maintenance on Sunday")
    expect(banner).to_be_visible()
    box = banner.bounding_box()
    assert box and abs(box["y"] + box["height"] - 800) <= 1, "the banner is at the bottom"
    assert focused_label(page) == ""
    assert axe_violations(page) == []
    screenshot(page, "banner")
    page.get_by_role("button", name="Understood").focus()
    page.keyboard.press("Enter")
    expect(banner).to_have_count(0)
    assert eventually(page, lambda: "guide_completed" in event_types(sent, guide_id))


def test_hotspot_beacon_opens_its_tip_by_keyboard(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    guide_id = publish(
        db,
        host_app,
        slug="create-hotspot",
        kind="hotspot",
        steps=[
            {
                "title": "Start a project",
                "body": "Every project starts from a template.",
                "target": {"selector": "#create-project"},
                "content": {"beacon_label": "Tip: creating projects"},
            }
        ],
    )
    sent = open_host(page, host_pages, host_app)

    beacon = page.get_by_role("button", name="Tip: creating projects")
    expect(beacon).to_be_visible()
    expect(beacon).to_have_attribute("aria-expanded", "false")
    assert axe_violations(page) == []
    beacon.focus()
    page.keyboard.press("Enter")
    tip = page.get_by_role("dialog", name="Start a project")
    expect(tip).to_be_visible()
    expect(beacon).to_have_attribute("aria-expanded", "true")
    assert axe_violations(page) == []
    screenshot(page, "hotspot")
    assert focused_label(page) == "Got it"
    page.keyboard.press("Enter")
    expect(beacon).to_have_count(0)
    assert eventually(page, lambda: "guide_completed" in event_types(sent, guide_id))


def test_hotspot_beacon_does_not_pulse_under_reduced_motion(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        slug="calm-hotspot",
        kind="hotspot",
        steps=[{"title": "Calm", "target": {"selector": "#create-project"}}],
    )
    page.emulate_media(reduced_motion="reduce")
    open_host(page, host_pages, host_app)

    beacon = page.get_by_role("button", name="Open tip")
    expect(beacon).to_be_visible()
    animation = beacon.evaluate("b => getComputedStyle(b, '::after').animationName")
    assert animation == "none"


def test_slideout_slides_in_at_the_right_and_pages_by_keyboard(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    guide_id = publish(
        db,
        host_app,
        slug="reports-slideout",
        kind="slideout",
        steps=[
            {"title": "Reports are here", "body": "Find them under **Reports**."},
            {"title": "Share them", "body": "Send a link to a teammate."},
        ],
    )
    sent = open_host(page, host_pages, host_app)

    panel = page.get_by_role("dialog", name="Reports are here")
    expect(panel).to_be_visible()
    page.wait_for_timeout(400)  # the slide-in
    box = panel.bounding_box()
    assert box and box["x"] + box["width"] >= 1280 - 20, "the panel is at the right edge"
    assert axe_violations(page) == []
    screenshot(page, "slideout")
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="Share them")).to_be_visible()
    page.keyboard.press("Enter")
    assert eventually(page, lambda: "guide_completed" in event_types(sent, guide_id))


def test_checklist_items_complete_by_launched_guide_tracked_event_and_by_hand(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        slug="create-tip",
        kind="tooltip",
        trigger={"type": "manual"},
        steps=[{"title": "Create here", "target": {"selector": "#create-project"}}],
    )
    checklist_id = publish(
        db,
        host_app,
        slug="get-started",
        name="Get started",
        kind="checklist",
        frequency="until_completed",
        steps=[
            {
                "title": "Create a project",
                "content": {"id": "create", "launch_guide": "create-tip"},
            },
            {"title": "Export a report", "content": {"id": "export", "complete_on": "Exported"}},
            {"title": "Read the guide", "body": "Ten minutes.", "content": {"id": "read"}},
        ],
    )
    sent = open_host(page, host_pages, host_app)

    panel = page.get_by_role("dialog", name="Get started")
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("0 of 3 done")
    assert axe_violations(page) == []
    screenshot(page, "checklist")
    page.evaluate("Signpost.track('Exported')")
    expect(panel).to_contain_text("1 of 3 done")
    assert focused_label(page).startswith("Create a project")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Read the guide": ticked off by hand
    expect(panel).to_contain_text("2 of 3 done")
    page.get_by_role("button", name="Create a project").focus()
    page.keyboard.press("Enter")  # launches the tooltip
    tip = page.get_by_role("dialog", name="Create here")
    expect(tip).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert eventually(page, lambda: "guide_completed" in event_types(sent, checklist_id))
    items = [
        e["properties"]["item"] for e in sent.events if e["type"] == "checklist_item_completed"
    ]
    assert items == ["export", "read", "create"]


def test_survey_answers_nps_with_follow_up_and_a_choice_by_keyboard(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    guide_id = publish(
        db,
        host_app,
        slug="nps",
        kind="survey",
        steps=[
            {
                "title": "How likely are you to recommend Projects?",
                "content": {
                    "id": "nps",
                    "scale": "nps",
                    "low_label": "Not likely",
                    "high_label": "Very likely",
                    "follow_up": "What is the main reason?",
                },
            },
            {
                "title": "Which plan are you on?",
                "content": {
                    "id": "plan",
                    "scale": "single",
                    "options": [{"id": "free", "label": "Free"}, {"id": "pro", "label": "Pro"}],
                },
            },
            {"title": "Anything we should add?", "content": {"id": "wish", "scale": "text"}},
        ],
    )
    sent = open_host(page, host_pages, host_app)

    card = page.get_by_role("dialog", name="How likely are you to recommend Projects?")
    expect(card).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "survey")
    page.keyboard.press("Space")  # the focused radio: 0
    for _ in range(8):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    page.keyboard.type("Templates save me hours")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    second = page.get_by_role("dialog", name="Which plan are you on?")
    expect(second).to_be_visible()
    page.keyboard.press("Tab")  # past the radios without choosing
    page.keyboard.press("Enter")
    expect(second).to_contain_text("Please choose an answer.")
    page.get_by_role("radio", name="Pro").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Next").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog", name="Anything we should add?")).to_be_visible()
    page.keyboard.type("Gantt charts")  # the question's own box has focus
    page.get_by_role("button", name="Submit").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert eventually(page, lambda: "guide_completed" in event_types(sent, guide_id))
    answers = [e["properties"] for e in sent.events if e["type"] == "survey_answered"]
    assert answers == [
        {"question": "nps", "scale": "nps", "value": 8, "comment": "Templates save me hours"},
        {"question": "plan", "scale": "single", "value": "pro"},
        {"question": "wish", "scale": "text", "comment": "Gantt charts"},
    ]


def test_a_guide_of_another_page_appears_after_a_client_side_route_change(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        slug="reports-banner",
        kind="banner",
        pages={"include": [{"match": "prefix", "value": "/kinds/reports"}]},
        steps=[{"title": "Reports moved"}],
    )
    open_host(page, host_pages, host_app)
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()
    page.wait_for_timeout(500)
    expect(page.get_by_role("region", name="Reports moved")).to_have_count(0)

    page.get_by_role("link", name="Reports").click()

    expect(page.get_by_role("region", name="Reports moved")).to_be_visible()


def test_strict_csp_page_shows_a_tooltip_modal_checklist_and_banner_without_violations(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    kinds = [
        ("tooltip", [{"title": "Strict tooltip", "target": {"selector": "#create-project"}}]),
        ("modal", [{"title": "Strict modal"}]),
        ("checklist", [{"title": "Strict item", "content": {"id": "one"}}]),
        ("banner", [{"title": "Strict banner"}]),
    ]
    for kind, steps in kinds:
        publish(
            db, host_app, slug=f"strict-{kind}", kind=kind, trigger={"type": "manual"}, steps=steps
        )
    sent = open_host(page, host_pages, host_app, "/strict")

    for kind, steps in kinds:
        page.evaluate(f"Signpost.show('strict-{kind}')")
        role = "region" if kind == "banner" else "dialog"
        name = "Strict Checklist" if kind == "checklist" else steps[0]["title"]
        shown = page.get_by_role(role, name=name)
        expect(shown).to_be_visible()
        screenshot(page, f"strict-{kind}")
    assert eventually(page, lambda: len(sent.batches) > 0)
    assert page.evaluate("window.violations") == []


def test_resource_center_searches_guides_and_articles_and_launches_a_guide(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        slug="export-tour",
        name="Export a report",
        kind="walkthrough",
        trigger={"type": "manual"},
        steps=[{"title": "Export from here", "target": {"selector": "#create-project"}}],
    )
    center_id = publish(
        db,
        host_app,
        slug="help",
        name="Help",
        kind="resource_center",
        frequency="every_session",
        steps=[
            {
                "title": "Exporting to CSV",
                "body": "Open a report, then choose **Export**.",
                "content": {
                    "id": "csv",
                    "link_url": "https://docs.example.com/csv",
                    "keywords": ["download"],
                },
            },
            {
                "title": "Inviting teammates",
                "body": "Settings, then People.",
                "content": {"id": "invite"},
            },
        ],
    )
    sent = open_host(page, host_pages, host_app)

    launcher = page.get_by_role("button", name="Help")
    expect(launcher).to_be_visible()
    assert focused_label(page) == ""
    launcher.focus()
    page.keyboard.press("Enter")
    panel = page.get_by_role("dialog", name="Help")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("button", name="Export a report")).to_be_visible()
    assert axe_violations(page) == []
    screenshot(page, "resource-center")
    page.keyboard.type("download")
    expect(panel.get_by_role("button", name="Exporting to CSV")).to_be_visible()
    expect(panel.get_by_role("button", name="Inviting teammates")).to_have_count(0)
    assert eventually(page, lambda: "resource_center_searched" in event_types(sent, center_id))
    searched = next(e for e in sent.events if e["type"] == "resource_center_searched")
    assert searched["properties"] == {"query": "download", "results": 1}

    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the article
    expect(panel).to_contain_text("Open a report, then choose Export.")
    expect(panel.get_by_role("link", name="Read the full article")).to_have_attribute(
        "href", "https://docs.example.com/csv"
    )
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(launcher).to_be_focused()

    page.keyboard.press("Enter")
    page.get_by_label("Search help").fill("export")
    panel.get_by_role("button", name="Export a report").click()
    expect(page.get_by_role("dialog", name="Export from here")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Help")).to_be_visible()  # back when the tour ends


@pytest.mark.parametrize(
    ("kind", "steps", "role", "name"),
    [
        (
            "tooltip",
            [{"title": "Phone tip", "body": "A " * 80, "target": {"selector": "#create-project"}}],
            "dialog",
            "Phone tip",
        ),
        ("modal", [{"title": "Phone modal", "body": "B " * 120}], "dialog", "Phone modal"),
        ("banner", [{"title": "Phone banner", "body": "C " * 60}], "region", "Phone banner"),
        (
            "checklist",
            [{"title": f"Item {i}", "content": {"id": f"i{i}"}} for i in range(4)],
            "dialog",
            "Phone List",
        ),
        (
            "survey",
            [{"title": "Phone NPS", "content": {"id": "n", "scale": "nps"}}],
            "dialog",
            "Phone NPS",
        ),
    ],
)
def test_every_kind_fits_a_phone_screen(
    context: BrowserContext,
    db: Database,
    host_app: App,
    host_pages: str,
    kind: str,
    steps: list,
    role: str,
    name: str,
) -> None:
    publish(
        db,
        host_app,
        slug="phone-list" if kind == "checklist" else f"phone-{kind}",
        kind=kind,
        steps=steps,
    )
    page = context.new_page()
    page.set_viewport_size({"width": 375, "height": 667})
    open_host(page, host_pages, host_app)

    shown = page.get_by_role(role, name=name)
    expect(shown).to_be_visible()
    settled(page)
    box = shown.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 375, box
    assert box["y"] >= 0 and box["y"] + box["height"] <= 667, box
    screenshot(page, f"phone-{kind}")
