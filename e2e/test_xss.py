"""The XSS corpus in real Chromium (reliability.md C1): 600 payloads (tests/xss_corpus.py)
saved as step titles, bodies, link labels, link URLs and button labels, shown by the admin's
guide page and editor preview, and by the SDK on a host page with no CSP of
its own (so nothing but our sanitizing stands in the way). A sentinel replaces alert,
confirm, prompt and print before any script runs; a native dialog, a sentinel call, a CSP
violation in the admin, or a `javascript:`/`data:` link anywhere fails the test."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pydantic import ValidationError

from e2e.conftest import RunningServer
from guides import App, GuideDocument, publish_guide, save_guide
from server.db import Database
from tests.factories import PASSWORD, make_admin, make_workspace_app
from tests.xss_corpus import corpus

STEPS = 10  # the most a modal may have

SENTINEL = (Path(__file__).parent / "xss_sentinel.js").read_text()


def valid_step(payload: str, index: int, last: bool) -> dict[str, object]:
    """The payload in every field of a step; a field whose validation refuses it (a link
    URL that is not http(s), a label over 60 characters) gets a marker instead."""
    content: dict[str, str] = {"link_label": payload[:60] or "x", "link_url": payload}
    if last:
        content["button"] = payload[:60]
    step = {"title": payload[:200], "body": payload, "content": content}
    for field in ("link_url", "link_label", "button"):
        if field not in content:
            continue
        trial = {**step, "content": {**content}}
        try:
            GuideDocument.model_validate(
                {"slug": "t", "name": "t", "kind": "modal", "steps": [trial]}
            )
        except ValidationError:
            content.pop(field)
            if field == "link_url":
                content["link_url"] = f"https://example.com/{index}"
    return step


@pytest.fixture(scope="module")
def xss_app(server: RunningServer, host_pages: str) -> Iterator[tuple[App, list[int]]]:
    """An app whose guides carry the whole corpus, STEPS payloads per modal guide."""
    from server.db import Database as Db

    database = Db(server.database_url)
    payloads = corpus()
    ids = []
    with database.write() as session:
        suffix = uuid.uuid4().hex[:8]
        make_admin(session, email=f"xss-{suffix}@example.com", workspace=f"XSS {suffix}")
        app = make_workspace_app(session, workspace=f"XSS {suffix}", name=f"XSS {suffix}")
        app.allowed_origins = [host_pages]
        session.add(app)
        assert app.id is not None
        for start in range(0, len(payloads), STEPS):
            chunk = payloads[start : start + STEPS]
            document = GuideDocument.model_validate(
                {
                    "slug": f"xss-{start}",
                    "name": f"XSS {start}",
                    "kind": "modal",
                    "trigger": {"type": "manual"},
                    "steps": [
                        valid_step(p, start + i, i == len(chunk) - 1) for i, p in enumerate(chunk)
                    ],
                }
            )
            saved = save_guide(session=session, app_id=app.id, document=document)
            assert saved.guide.id is not None
            publish_guide(session=session, guide_id=saved.guide.id, author="e2e")
            ids.append(saved.guide.id)
        session.expunge(app)
    yield app, ids
    database.dispose()


@pytest.fixture
def sentinel_context(browser: Browser) -> Iterator[tuple[BrowserContext, list[str]]]:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(SENTINEL)
    dialogs: list[str] = []

    def watch(page: Page) -> None:
        def on_dialog(dialog: object) -> None:
            dialogs.append(f"native dialog: {dialog.message}")  # type: ignore[attr-defined]
            dialog.dismiss()  # type: ignore[attr-defined]

        page.on("dialog", on_dialog)

    context.on("page", watch)
    yield context, dialogs
    context.close()


def executed(page: Page) -> list[str]:
    return page.evaluate("[...window.__xss, ...window.__sweep()]")


def test_no_payload_executes_in_the_admin_pages(
    sentinel_context: tuple[BrowserContext, list[str]],
    server: RunningServer,
    db: Database,
    xss_app: tuple[App, list[int]],
) -> None:
    context, dialogs = sentinel_context
    app, ids = xss_app
    page = context.new_page()
    page.goto(f"{server.url}/admin/login")
    page.get_by_label("Email").fill(f"xss-{app.name.split()[-1]}@example.com")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Apps")).to_be_visible()

    problems = []
    for guide_id in ids:
        for path in (f"{guide_id}", f"{guide_id}/edit"):
            page.goto(f"{server.url}/admin/guides/{path}")
            if path.endswith("/edit"):  # the editor's preview: the form posted back, rendered
                page.get_by_role("button", name="Preview content").click()
            expect(page.locator(".md-preview").first).to_be_attached()
            page.mouse.move(400, 300)
            problems += [f"{path}: {p}" for p in executed(page)]
    assert problems == []
    assert dialogs == []


def test_no_payload_executes_in_the_sdk(
    sentinel_context: tuple[BrowserContext, list[str]],
    host_pages: str,
    xss_app: tuple[App, list[int]],
) -> None:
    context, dialogs = sentinel_context
    app, ids = xss_app
    page = context.new_page()
    page.goto(f"{host_pages}/basic?key={app.public_key}")
    page.wait_for_function("window.Signpost && window.Signpost.loaded")
    problems = []
    shown = 0
    for start, _ in zip(range(0, len(corpus()), STEPS), ids, strict=True):
        page.evaluate(f"Signpost.show('xss-{start}')")
        steps = min(STEPS, len(corpus()) - start)
        for index in range(steps):
            progress = page.locator(".sp-modal").get_by_text(f"{index + 1} of {steps}")
            expect(progress).to_be_visible()
            page.mouse.move(640, 300)
            problems += [f"xss-{start} step {index}: {p}" for p in executed(page)]
            shown += 1
            if index + 1 < steps:
                page.keyboard.press("ArrowRight")
        page.evaluate("Signpost.hide()")
    assert shown == len(corpus())
    assert problems == []
    assert dialogs == []


def test_the_sentinel_sees_an_executed_payload_and_an_unsafe_link(
    sentinel_context: tuple[BrowserContext, list[str]], host_pages: str
) -> None:
    """The detector itself can fail: markup planted the unsafe way is caught."""
    context, _ = sentinel_context
    page = context.new_page()
    page.goto(f"{host_pages}/basic")
    page.evaluate(
        """() => {
        const zone = document.createElement('div');
        zone.attachShadow({mode: 'open'}).innerHTML =
          '<a href=" java\\tscript:alert(1)">x</a><img src=x onerror="alert(1)">';
        document.body.appendChild(zone);
    }"""
    )
    page.wait_for_function("window.__xss.length > 0")
    found = executed(page)
    assert "alert:1" in found
    assert any(item.startswith("url:") for item in found)
    assert any(item.startswith("handler:img onerror") for item in found)
