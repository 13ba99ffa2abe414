"""The public API beyond identify/track/show: hide, on/off, page() for routers the SDK
cannot see, and setLocale with right-to-left mirroring."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from e2e.test_demo import eventually
from e2e.test_kinds import event_types, open_host, publish, screenshot
from guides import App
from server.db import Database


def test_hide_takes_the_guide_off_without_dismissing_it(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    guide_id = publish(db, host_app, slug="hide-me", kind="modal", steps=[{"title": "Hide me"}])
    sent = open_host(page, host_pages, host_app)
    expect(page.get_by_role("dialog", name="Hide me")).to_be_visible()

    page.evaluate("Signpost.hide()")

    expect(page.get_by_role("dialog")).to_have_count(0)
    page.evaluate("Signpost.page()")
    page.wait_for_timeout(500)
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert eventually(page, lambda: "guide_shown" in event_types(sent, guide_id))
    assert "guide_dismissed" not in event_types(sent, guide_id)


def test_on_and_off_deliver_guide_and_survey_events_to_the_app(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        slug="csat",
        kind="survey",
        steps=[{"title": "Happy with exports?", "content": {"id": "csat", "scale": "csat"}}],
    )
    page.add_init_script(
        """window.seen = [];
        window.Signpost = window.Signpost
          || function () { (Signpost.q = Signpost.q || []).push(arguments); };
        window.record = (name) => (detail) =>
          window.seen.push([name, detail.guide_slug, detail.properties]);
        window.onShown = window.record('guide-shown');
        Signpost('on', 'guide-shown', window.onShown);
        Signpost('on', 'survey-answered', window.record('survey-answered'));"""
    )
    open_host(page, host_pages, host_app)
    expect(page.get_by_role("dialog", name="Happy with exports?")).to_be_visible()
    page.evaluate("Signpost.off('guide-shown', window.onShown)")

    page.get_by_role("radio", name="4").check()
    page.get_by_role("button", name="Submit").click()

    expect(page.get_by_role("dialog")).to_have_count(0)
    assert page.evaluate("window.seen") == [
        ["guide-shown", "csat", {}],
        ["survey-answered", "csat", {"question": "csat", "scale": "csat", "value": 4}],
    ]


def test_page_tells_the_sdk_about_a_route_change_it_could_not_see(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        slug="reports-only",
        kind="banner",
        pages={"include": [{"match": "prefix", "value": "/kinds/reports"}]},
        steps=[{"title": "Reports banner"}],
    )
    open_host(page, host_pages, host_app)
    expect(page.get_by_role("heading", name="Projects")).to_be_visible()
    page.wait_for_function("history.pushState !== History.prototype.pushState")  # SDK watching
    # A router that kept the original pushState: the SDK's wrapper never sees this change.
    page.evaluate(
        "History.prototype.pushState.call(history, {}, '', '/kinds/reports' + location.search)"
    )
    page.wait_for_timeout(500)
    expect(page.get_by_role("region", name="Reports banner")).to_have_count(0)

    page.evaluate("Signpost.page()")

    expect(page.get_by_role("region", name="Reports banner")).to_be_visible()


def test_set_locale_asks_for_content_in_that_language_and_mirrors_right_to_left(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        slug="rtl-tip",
        kind="walkthrough",
        steps=[
            {
                "title": "مرحبا",
                "body": "ابدأ مشروعك الأول.",
                "target": {"selector": "#create-project"},
            },
            {"title": "التالي", "target": {"selector": "#late-button"}},
        ],
    )
    open_host(page, host_pages, host_app)
    expect(page.get_by_role("dialog", name="مرحبا")).to_be_visible()

    with page.expect_request("**/sdk/v1/session") as request:
        page.evaluate("Signpost.setLocale('ar')")

    assert json.loads(request.value.post_data or "{}")["locale"] == "ar"
    root = page.locator("[data-signpost-root]")
    expect(root).to_have_attribute("dir", "rtl")
    close = page.get_by_role("button", name="Close").bounding_box()
    dialog = page.get_by_role("dialog", name="مرحبا").bounding_box()
    assert close and dialog and close["x"] < dialog["x"] + 40, "the close button moved to the left"
    screenshot(page, "walkthrough-rtl")


def test_destroy_leaves_the_page_as_it_found_it(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        slug="to-destroy",
        kind="tooltip",
        steps=[{"title": "Soon gone", "target": {"selector": "#create-project"}}],
    )
    page.add_init_script(
        """window.before = null;
        document.addEventListener('DOMContentLoaded', () => {
          // The async SDK may have booted already: its own nodes do not count.
          const ours = '[data-signpost-root], script[src*="/sdk/v1/"]:not([data-app-key])';
          window.before = document.querySelectorAll('*').length
            - document.querySelectorAll(ours).length;
        });"""
    )
    open_host(page, host_pages, host_app)
    expect(page.get_by_role("dialog", name="Soon gone")).to_be_visible()
    page.wait_for_function("history.pushState !== History.prototype.pushState")
    expect(page.locator("#late-button")).to_be_visible()  # the app's own late node is in

    page.evaluate("Signpost.destroy()")

    counts = page.evaluate(
        """() => ({
          nodes: document.querySelectorAll('*').length - 1,  // the app's late button
          root: document.querySelectorAll('[data-signpost-root]').length,
          chunks: document.querySelectorAll('script[src*="/sdk/v1/"]:not([data-app-key])').length,
          history: history.pushState === History.prototype.pushState,
        })"""
    )
    assert counts == {
        "nodes": page.evaluate("window.before"),
        "root": 0,
        "chunks": 0,
        "history": True,
    }


def test_a_locale_set_before_the_sdk_loads_shows_the_guide_in_that_language(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        slug="tour-fr",
        kind="walkthrough",
        steps=[{"title": "Create a project", "target": {"selector": "#create-project"}}],
        translations={"fr": {"steps": [{"title": "Créez un projet", "body": "En **un** clic."}]}},
    )
    page.add_init_script(
        """window.Signpost = window.Signpost
          || function () { (Signpost.q = Signpost.q || []).push(arguments); };
        Signpost('setLocale', 'fr-CA');"""
    )
    with page.expect_request("**/sdk/v1/session") as request:
        open_host(page, host_pages, host_app)

    assert json.loads(request.value.post_data or "{}")["locale"] == "fr-CA"
    dialog = page.get_by_role("dialog", name="Créez un projet")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("En un clic.")
