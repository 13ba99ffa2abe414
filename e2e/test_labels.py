"""The SDK's own words (buttons, step counter, close) in the user's language, from the session
answer (guides/labels.py): a non-English and a right-to-left locale, by the browser's language
alone, with English where the page pins nothing; axe-core finds nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.test_kinds import axe_violations, open_host, publish
from guides import App
from server.db import Database


@pytest.fixture(params=["fr-FR", "ar"])
def localized(browser: Browser, request: pytest.FixtureRequest) -> Iterator[tuple[str, Page]]:
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale=request.param)
    yield request.param, context.new_page()
    context.close()


WORDS = {
    "fr-FR": {
        "next": "Suivant",
        "back": "Retour",
        "done": "Terminé",
        "close": "Fermer",
        "progress": "1 sur 2",
        "dir": "ltr",
    },
    "ar": {
        "next": "التالي",
        "back": "السابق",
        "done": "تم",
        "close": "إغلاق",
        "progress": "1 من 2",
        "dir": "rtl",
    },
}


def test_a_walkthrough_speaks_the_users_language(
    localized: tuple[str, Page], db: Database, host_app: App, host_pages: str
) -> None:
    locale, page = localized
    words = WORDS[locale]
    publish(
        db,
        host_app,
        slug="tour",
        kind="walkthrough",
        steps=[
            {"title": "One", "body": "First.", "target": {"selector": "#create-project"}},
            {"title": "Two", "body": "Second.", "target": {"selector": "#heading"}},
        ],
    )
    open_host(page, host_pages, host_app)

    dialog = page.get_by_role("dialog", name="One")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name=words["next"])).to_be_visible()
    expect(dialog.get_by_role("button", name=words["close"])).to_be_visible()
    expect(dialog).to_contain_text(words["progress"])
    root_dir = page.evaluate(
        "() => { const root = document.querySelector('[data-signpost-root]');"
        " const inner = root.shadowRoot.querySelector('[dir]'); return (inner || root).dir; }"
    )
    assert root_dir == words["dir"]
    assert axe_violations(page) == []
    dialog.get_by_role("button", name=words["next"]).click()
    second = page.get_by_role("dialog", name="Two")
    expect(second.get_by_role("button", name=words["back"])).to_be_visible()
    expect(second.get_by_role("button", name=words["done"])).to_be_visible()


def test_a_label_pinned_by_the_page_wins_over_the_language(
    browser: Browser, db: Database, host_app: App, host_pages: str
) -> None:
    context = browser.new_context(locale="de-DE")
    page = context.new_page()
    publish(
        db,
        host_app,
        slug="tip",
        kind="tooltip",
        steps=[{"title": "Tip", "body": "Hi.", "target": {"selector": "#create-project"}}],
    )

    # The page's own tag pins one label, as a customer would write it.
    page.add_init_script(
        """new MutationObserver((_, observer) => {
          const tag = document.querySelector('script[data-app-key]');
          if (tag) { tag.dataset.labelGotIt = 'Okay!'; observer.disconnect(); }
        }).observe(document, {childList: true, subtree: true});"""
    )
    open_host(page, host_pages, host_app)
    dialog = page.get_by_role("dialog", name="Tip")
    expect(dialog.get_by_role("button", name="Okay!")).to_be_visible()
    expect(dialog.get_by_role("button", name="Schließen")).to_be_visible()
    context.close()
