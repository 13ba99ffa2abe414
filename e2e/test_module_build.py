"""The ES-module build (`sdk/dist/signpost.mjs`, issue 3 item 9): an app that bundles its own
code imports `init`, `on` and `track`, and a guide shows with no snippet and no global."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from e2e.test_demo import SentEvents, eventually
from e2e.test_kinds import axe_violations, publish
from guides import App
from server.db import Database


def test_an_app_importing_the_module_shows_a_guide_and_tracks(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        slug="bundled-tip",
        kind="tooltip",
        steps=[
            {
                "title": "Bundled",
                "body": "From the module.",
                "target": {"selector": "#create-project"},
            }
        ],
    )
    sent = SentEvents(page)
    page.goto(f"{host_pages}/module?key={host_app.public_key}")

    dialog = page.get_by_role("dialog", name="Bundled")
    expect(dialog).to_be_visible()
    assert page.evaluate("window.shown") == ["bundled-tip"]
    # Calls made before init() ran after it; the module installs no global.
    assert eventually(page, lambda: any(e["type"] == "track" for e in sent.events))
    assert page.evaluate("typeof window.Signpost") == "undefined"
    assert axe_violations(page) == []
    dialog.get_by_role("button", name="Got it").click()
    expect(dialog).to_have_count(0)
    assert eventually(page, lambda: any(e["type"] == "guide_completed" for e in sent.events))
