"""The author's journey in real Chromium against the real `signpost demo` server: log in,
create an app, build a 3-step walkthrough by picking elements on the demo page, preview it,
publish, see it live as an end user, publish v2, roll back to v1 and see v1 live again.
Every admin page is screenshotted at 1280 and 390 px wide on the way."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlmodel import col, select

from analytics.webhooks import WebhookEndpoint, create_endpoint
from e2e.conftest import RunningServer
from guides import Guide, GuideStep
from guides import store as guide_store
from server import accounts
from server.account_control import make_reset_link
from server.accounts import Role, Workspace
from server.db import Database
from server.demo.seed import (
    DEMO_ADMIN_EMAIL,
    DEMO_ADMIN_PASSWORD,
    DEMO_APP_NAME,
    DEMO_WORKSPACE,
)
from tests.test_admin_access import ROUTES

SCREENSHOTS = Path(__file__).parent / "screenshots" / "admin"  # not committed
AXE = Path(__file__).parent.parent / "sdk" / "node_modules" / "axe-core" / "axe.min.js"
STEPS = [
    ("#new-report", "Start a report", "Click **New report** to begin."),
    ("#date-range", "Choose the period", "Every chart follows this range."),
    ("#share", "Share it", "Send your team a live link."),
]


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def axe_violations(page: Page) -> list[str]:
    """What axe-core finds wrong with the page's accessibility (WCAG rules)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]


@pytest.fixture
def author(browser: Browser) -> Iterator[tuple[BrowserContext, Page, list[str]]]:
    """The author's browser; fails the test on any page error or console error."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    problems: list[str] = []

    def watch(page: Page) -> None:
        page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))
        page.on(
            "console",
            lambda message: (
                problems.append(f"{page.url}: console {message.type}: {message.text}")
                if message.type == "error"
                else None
            ),
        )
        page.on("dialog", lambda dialog: dialog.accept())

    context.on("page", watch)
    page = context.new_page()
    yield context, page, problems
    context.close()
    assert problems == []


def end_user_sees(browser: Browser, url: str, title: str) -> None:
    """A brand-new visitor opens the page and gets the walkthrough's first step."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.goto(url)
        dialog = page.get_by_role("dialog", name=title)
        expect(dialog).to_be_visible(timeout=15000)
        expect(dialog).to_contain_text("1 of 3")
    finally:
        context.close()


def test_an_author_builds_publishes_and_rolls_back_a_walkthrough(
    author: tuple[BrowserContext, Page, list[str]],
    browser: Browser,
    server: RunningServer,
    db: Database,
) -> None:
    context, page, _ = author

    # Log in.
    page.goto(f"{server.url}/admin/")
    expect(page).to_have_url(re.compile(r"/admin/login"))
    shoot(page, "01-login")
    page.get_by_label("Email").fill(DEMO_ADMIN_EMAIL)
    page.get_by_label("Password").fill(DEMO_ADMIN_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Apps")).to_be_visible()
    shoot(page, "02-apps")

    # Create an app whose pages live on this server (the demo page).
    page.get_by_role("link", name="New app").click()
    page.get_by_label("Name").fill("Acme Insights")
    page.get_by_label("Allowed origins").fill(server.url)
    shoot(page, "03-new-app")
    page.get_by_role("button", name="Create app").click()
    expect(page.get_by_text("The app was created.")).to_be_visible()
    shoot(page, "04-install")
    key = re.search(r'data-app-key="(pk_[^"]+)"', page.locator("#snippet").inner_text())
    assert key, "the snippet carries the app's key"
    demo_page = f"{server.url}/demo?key={key.group(1)}"

    # A new walkthrough with three steps, not yet pointing anywhere.
    page.get_by_role("link", name="Guides").first.click()
    shoot(page, "05-guides-empty")
    page.get_by_role("link", name="New guide").click()
    page.get_by_label("Name", exact=True).fill("Reports tour")
    page.get_by_label("Show on pages").fill("/demo")
    page.get_by_role("button", name="Add a step").click()
    page.get_by_role("button", name="Add a step").click()
    for index, (_, title, body) in enumerate(STEPS):
        page.locator(f"#steps-{index}-title").fill(title)
        page.locator(f"#steps-{index}-body").fill(body)
    shoot(page, "06-new-guide")
    page.get_by_role("button", name="Create guide").click()
    expect(page.get_by_text("The guide was created as a draft.")).to_be_visible()

    # Pick each step's element on the demo page.
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Page to pick elements on").fill(demo_page)
    for index, (selector, _, _) in enumerate(STEPS):
        with context.expect_page() as opened:
            page.locator(f'[data-pick="{index}"]').click()
        app_page = opened.value
        app_page.wait_for_load_state()
        toolbar = app_page.get_by_role("region", name="Signpost authoring")
        expect(toolbar).to_contain_text("Click the element this step should point at")
        app_page.locator(selector).hover()
        if index == 0:
            shoot(app_page, "07-picking")
        app_page.locator(selector).click()
        expect(toolbar).to_contain_text("Go back to the Signpost tab")
        app_page.close()
        expect(page.locator(f"#steps-{index}-selector")).to_have_value(selector, timeout=5000)
        expect(page.locator(f"#steps-{index}-picker")).to_contain_text("Picked")
    shoot(page, "08-picked")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("The draft was saved.")).to_be_visible()
    shoot(page, "09-guide-draft")
    with db.read() as session:
        guide = session.exec(select(Guide).where(Guide.slug == "reports-tour")).one()
        steps = session.exec(
            select(GuideStep)
            .where(GuideStep.guide_id == guide.id)
            .order_by(col(GuideStep.position))
        ).all()
    # The picker's clues are kept with each selector, so a redesign does not lose the element.
    assert [(s.target["selector"], s.target["id"]) for s in steps] == [
        ("#new-report", "new-report"),
        ("#date-range", "date-range"),
        ("#share", "share"),
    ]
    assert steps[0].target["text"] == "New report"

    # Preview the draft on the real page.
    page.get_by_label("Preview the draft on").fill(demo_page)
    with context.expect_page() as opened:
        page.get_by_role("button", name="Preview this draft here").click()
    preview = opened.value
    sent: list[str] = []
    preview.on(
        "request",
        lambda request: (
            sent.append(request.post_data or "") if request.url.endswith("/sdk/v1/events") else None
        ),
    )
    expect(preview.get_by_role("dialog", name="Start a report")).to_be_visible(timeout=15000)
    preview.get_by_role("button", name="Next").click()
    expect(preview.get_by_role("dialog", name="Choose the period")).to_be_visible()
    preview.wait_for_timeout(1500)
    shoot(preview, "10-preview")
    assert not any("guide_shown" in body or "step_shown" in body for body in sent)
    preview.close()

    # Publish version 1 and see it live as an end user.
    page.get_by_role("button", name="Publish", exact=True).click()
    expect(page.get_by_text("Published: version 1 is live.")).to_be_visible()
    end_user_sees(browser, demo_page, "Start a report")

    # Edit, publish version 2, see it live.
    page.get_by_role("link", name="Edit", exact=True).click()
    page.locator("#steps-0-title").fill("Start a report (v2)")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("The draft has changes that are not live yet.")).to_be_visible()
    page.get_by_role("button", name="Publish changes").click()
    expect(page.get_by_text("Published: version 2 is live.")).to_be_visible()
    end_user_sees(browser, demo_page, "Start a report (v2)")

    # Roll back to version 1 in one action, and see v1 live again.
    page.get_by_role("link", name="Version history").click()
    expect(page.get_by_text("step 1: title changed")).to_be_visible()
    shoot(page, "11-versions")
    page.get_by_role("button", name="Roll back to version 1").click()
    expect(page.get_by_text("Rolled back: version 1 is live again.")).to_be_visible()
    end_user_sees(browser, demo_page, "Start a report")

    # The audit log has every step of it.
    page.get_by_role("link", name="Audit log").click()
    for action in ("app.create", "guide.create", "guide.publish", "guide.rollback"):
        expect(page.get_by_text(action, exact=True).first).to_be_visible()
    shoot(page, "12-audit")


# Pages that are not HTML (CSV downloads, the picker's JSON poll).
NOT_PAGES = {
    "admin:analytics:export",
    "admin:analytics:journey_export",
    "admin:guide_analytics:export",
    "admin:guide_analytics:survey_export",
    "admin:guides:pick",
}


def every_admin_page(db: Database, server: RunningServer) -> dict[str, str]:
    """Every page of the admin's route table, filled in with the demo's app and guide, plus
    the signed-out pages (login, an invitation, a password reset link) and the 404 page."""
    with db.write() as session:
        app = guide_store.app_by_name(session, DEMO_APP_NAME)
        assert app is not None and app.id is not None
        guide = guide_store.guide_by_slug(session, app.id, "welcome-tour")
        assert guide is not None and guide.id is not None
        workspace = session.exec(select(Workspace).where(Workspace.name == DEMO_WORKSPACE)).one()
        owner = accounts.user_by_email(session, DEMO_ADMIN_EMAIL)
        assert workspace.id and owner and owner.id
        endpoint = session.exec(
            select(WebhookEndpoint).where(WebhookEndpoint.app_id == app.id)
        ).first()
        if endpoint is None:
            endpoint, _ = create_endpoint(
                session=session,
                app_id=app.id,
                url="https://hooks.example.com/in",
                events=["guide_completed"],
                server_key="k" * 40,
            )
        helper = accounts.user_by_email(session, "helper@example.com")
        if helper is None:
            helper = accounts.create_admin_user(
                session=session, email="helper@example.com", password="helper-password"
            )
        assert helper.id
        accounts.set_membership(
            session=session, workspace_id=workspace.id, user_id=helper.id, role=Role.editor
        )
        _, invitation = accounts.invite(
            session=session,
            workspace_id=workspace.id,
            email=f"later-{secrets.token_hex(4)}@example.com",
            role=Role.viewer,
            invited_by_id=owner.id,
        )
        _, reset = make_reset_link(
            session, actor_id=owner.id, workspace_id=workspace.id, user_id=helper.id
        )
        values = {
            "app_id": app.id,
            "guide_id": guide.id,
            "number": guide.live_version or 1,
            "endpoint_id": endpoint.id,
        }
    pages = {}
    for route in ROUTES:
        if route.method != "GET" or route.name in NOT_PAGES:
            continue
        path = re.sub(r"\{(\w+):\w+\}", lambda m: str(values.get(m.group(1), "")), route.path)
        if "{" not in path and "//" not in path.removeprefix("/"):
            pages[route.name] = server.url + path
    pages["admin:invitation"] = f"{server.url}/admin/invitations/{invitation}"
    pages["admin:password_reset"] = f"{server.url}/admin/password-reset/{reset}"
    pages["not-found"] = f"{server.url}/admin/guides/999999"
    return pages


SIGNED_OUT = ("admin:login", "admin:invitation", "admin:password_reset")


@pytest.mark.parametrize("width", [1280, 390])
def test_every_admin_page_fits_the_screen_and_works_by_keyboard(
    browser: Browser, server: RunningServer, db: Database, width: int
) -> None:
    pages = every_admin_page(db, server)
    html_routes = {r.name for r in ROUTES if r.method == "GET" and r.name not in NOT_PAGES}
    assert set(pages) == html_routes | {"not-found"}  # a new page is checked without a change
    # CSP bypassed only to inject axe-core for the accessibility check.
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    problems: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda m: problems.append(f"{page.url}: {m.text}") if m.type == "error" else None,
    )
    wrong: list[str] = []

    def check(name: str, url: str) -> None:
        page.goto(url)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        shoot(page, f"page-{name.removeprefix('admin:').replace(':', '-')}-{width}")
        if overflow > 0:
            wrong.append(f"{name} is {overflow}px wider than the {width}px screen")
        violations = axe_violations(page)
        if violations:
            wrong.append(f"{name} at {width}px: {violations}")
        if name == "not-found":
            # The page's own 404 status is logged by Chromium; nothing else may be.
            expected = "the server responded with a status of 404"
            problems[:] = [p for p in problems if expected not in p]

    try:
        for name in SIGNED_OUT:
            check(name, pages[name])
        page.goto(f"{server.url}/admin/login")
        # Keyboard only: Tab to the fields, Enter to submit.
        expect(page.get_by_label("Email")).to_be_focused()  # the email field has autofocus
        page.keyboard.type(DEMO_ADMIN_EMAIL)
        page.keyboard.press("Tab")
        page.keyboard.type(DEMO_ADMIN_PASSWORD)
        page.keyboard.press("Enter")
        expect(page.get_by_role("heading", name="Apps")).to_be_visible(timeout=15000)
        for name, url in pages.items():
            if name not in SIGNED_OUT:
                check(name, url)
        # Focus is visible: the first Tab lands on the skip link, then the brand link.
        page.goto(pages["admin:apps:list"])
        page.keyboard.press("Tab")
        expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"
        page.keyboard.press("Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none"
        assert wrong == []
        assert problems == []
    finally:
        context.close()
