"""The analytics pages in real Chromium against the real `signpost demo` server: a known
story of events is sent to `/sdk/v1` over HTTP, then a customer-success rep reads the
numbers it must give, changes the date range, downloads CSVs that match the tables, finds a
user's journey; every page passes axe-core and fits a phone. Screenshots go to
e2e/screenshots/analytics/ (not committed)."""

from __future__ import annotations

import csv
import io
import json
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from e2e.conftest import RunningServer
from guides import App, Guide
from server.db import Database
from server.demo.seed import DEMO_ADMIN_EMAIL, DEMO_ADMIN_PASSWORD, DEMO_WORKSPACE
from tests.analytics_scenario import (
    FUNNEL_30_DAYS,
    LAST_7_DAYS,
    LAST_30_DAYS,
    NPS_QUESTION,
    SURVEY_STEPS,
    send_scenario,
)
from tests.factories import ORIGIN, make_published_guide, make_workspace_app

SCREENSHOTS = Path(__file__).parent / "screenshots" / "analytics"  # not committed
AXE = Path(__file__).parent.parent / "sdk" / "node_modules" / "axe-core" / "axe.min.js"


@dataclass
class Story:
    app: App
    tour: Guide
    survey: Guide


@pytest.fixture(scope="module")
def story(server: RunningServer) -> Story:
    """A new app of the demo workspace, and the scripted story sent to it over HTTP."""
    database = Database(server.database_url)
    try:
        with database.write() as session:
            app = make_workspace_app(session, DEMO_WORKSPACE, f"Story {uuid.uuid4().hex[:6]}")
            tour = make_published_guide(session, app, "tour", steps=3)
            survey = make_published_guide(
                session, app, "feedback", steps=SURVEY_STEPS, kind="survey"
            )  # type: ignore[arg-type]
    finally:
        database.dispose()

    def post(path: str, body: dict[str, Any]) -> None:
        request = urllib.request.Request(
            server.url + path,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "text/plain", "Origin": ORIGIN},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200

    send_scenario(post, app, tour, survey, ORIGIN)
    return Story(app, tour, survey)


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def axe_violations(page: Page) -> list[str]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]


@pytest.fixture
def rep(browser: Browser, server: RunningServer) -> Iterator[Page]:
    """A signed-in customer-success rep; fails the test on any page or console error.
    CSP is bypassed only so that axe-core can be injected."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, bypass_csp=True, accept_downloads=True
    )
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.goto(f"{server.url}/admin/login")
    page.get_by_label("Email").fill(DEMO_ADMIN_EMAIL)
    page.get_by_label("Password").fill(DEMO_ADMIN_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Apps")).to_be_visible()
    yield page
    context.close()
    assert problems == []


def kpis(page: Page) -> dict[str, str]:
    return {
        name: page.locator(f'[data-kpi="{name}"]').inner_text()
        for name in ("views", "users", "completion", "dismiss")
    }


def table_rows(page: Page, table_id: str) -> list[list[str]]:
    return page.eval_on_selector(
        f"#{table_id}",
        "t => Array.from(t.tBodies[0].rows,"
        " r => Array.from(r.cells, c => c.textContent.replace(/\\s+/g, ' ').trim()))",
    )


def download(page: Page, link_name: str) -> list[dict[str, str]]:
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    path = info.value.path()
    return list(csv.DictReader(io.StringIO(Path(path).read_text())))


def test_a_rep_reads_the_guide_numbers_changes_the_range_and_downloads_csv(
    rep: Page, server: RunningServer, story: Story
) -> None:
    page = rep
    page.get_by_role("link", name="Analytics", exact=True).click()
    page.get_by_role("link", name=story.app.name).click()
    expect(page.get_by_role("heading", name=f"{story.app.name}: analytics")).to_be_visible()
    adoption = table_rows(page, "adoption-table")
    assert [row[0] for row in adoption] == ["Feedback", "Tour"]
    assert adoption[1][2:7] == ["3", "3", "33%", "67%", "Dismissed"]
    shoot(page, "overview")

    page.get_by_role("link", name="Tour", exact=True).click()
    expect(page.get_by_role("heading", name="Tour", exact=True)).to_be_visible()
    assert kpis(page) == {k: v for k, v in LAST_30_DAYS.items() if k != "nps"}
    # The trend chart is drawn from its table, with an accessible name.
    chart = page.get_by_role("img", name="Views, users, completions and dismissals per day")
    expect(chart.locator("canvas")).to_have_count(1)
    funnel = [
        (int(r[0]), int(r[2]), int(r[4].split()[0])) for r in table_rows(page, "funnel-table")
    ]
    assert funnel == FUNNEL_30_DAYS
    shoot(page, "guide-30-days")

    # The same rows as the table, downloaded.
    exported = download(page, "CSV of step funnel")
    assert [(int(r["step"]), int(r["users"]), int(r["drop_off"])) for r in exported] == funnel

    page.get_by_role("link", name="7 days").click()
    expect(page.locator('[data-kpi="views"]')).to_have_text(LAST_7_DAYS["views"])
    assert kpis(page) == {k: v for k, v in LAST_7_DAYS.items() if k != "nps"}
    expect(page.get_by_role("link", name="7 days")).to_have_attribute("aria-current", "true")
    trend = table_rows(page, "trend-table")
    assert len(trend) == 7
    exported_trend = download(page, "CSV of trend by day")
    assert [r["views"] for r in exported_trend] == [row[1] for row in trend]
    shoot(page, "guide-7-days")

    # A custom range: only the day carol came.
    day = page.evaluate(
        "new Date(Date.now() - 20 * 864e5 - 3600e3 + 5e3).toISOString().slice(0, 10)"
    )
    page.get_by_label("From", exact=True).fill(day)
    page.get_by_label("To", exact=True).fill(day)
    page.get_by_role("button", name="Apply").click()
    expect(page.locator('[data-kpi="views"]')).to_have_text("1")
    expect(page.locator('[data-kpi="dismiss"]')).to_have_text("100%")

    # The trait breakdown.
    page.get_by_label("Break down by").select_option("plan")
    page.get_by_role("button", name="Show").last.click()
    assert table_rows(page, "segments-table") == [
        ["free", "2", "0", "0%", "2", "100%"],
        ["pro", "1", "1", "100%", "0", "0%"],
    ]


def test_survey_results_and_the_user_journey(
    rep: Page, server: RunningServer, story: Story
) -> None:
    page = rep
    page.goto(f"{server.url}/admin/guides/{story.survey.id}/analytics/survey?days=30")
    expect(page.get_by_role("heading", name=NPS_QUESTION + " NPS")).to_be_visible()
    expect(page.locator('[data-kpi="nps"]')).to_have_text(LAST_30_DAYS["nps"])
    shoot(page, "survey")
    page.get_by_label("Search the answers").fill("slow")
    page.get_by_role("button", name="Search").click()
    assert [row[1:] for row in table_rows(page, "comments-table")] == [
        ["bob", NPS_QUESTION, "3", "Too slow"]
    ]
    exported = download(page, "CSV of free-text answers")
    assert [(r["user"], r["comment"]) for r in exported] == [("bob", "Too slow")]

    page.get_by_role("link", name="bob").click()
    expect(page.get_by_role("heading", name="bob")).to_be_visible()
    expect(page.get_by_text("Tour v1 · step 2 · navigated away")).to_be_visible()
    expect(page.get_by_text("searched “dark mode” (0 results)")).to_be_visible()
    shoot(page, "journey")


@pytest.mark.parametrize("width", [1280, 390])
def test_every_analytics_page_is_accessible_and_fits_the_screen(
    rep: Page, server: RunningServer, story: Story, width: int
) -> None:
    page = rep
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{server.url}/admin/analytics")
    page.get_by_role("link", name="Signpost demo").first.click()
    demo_overview = page.url
    pages = {
        "home": f"{server.url}/admin/analytics",
        "demo-overview": demo_overview,
        "story-overview": f"{server.url}/admin/apps/{story.app.id}/analytics/",
        "guide": f"{server.url}/admin/guides/{story.tour.id}/analytics/?days=90",
        "survey": f"{server.url}/admin/guides/{story.survey.id}/analytics/survey",
        "journey-search": f"{server.url}/admin/apps/{story.app.id}/analytics/users",
        "journey": f"{server.url}/admin/apps/{story.app.id}/analytics/users?user=alice",
        "journey-unknown": f"{server.url}/admin/apps/{story.app.id}/analytics/users?user=zed",
        "empty-guide": f"{server.url}/admin/guides/{story.tour.id}/analytics/?version=9",
    }
    for name, url in pages.items():
        page.goto(url)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        shoot(page, f"{name}-{width}")
        assert overflow <= 0, f"{name} is {overflow}px wider than the {width}px screen"
        assert axe_violations(page) == [], f"{name} at {width}px"
    # Each demo guide's page, from the overview's links: the demo has data to show.
    page.goto(demo_overview)
    links = page.locator("#adoption-table tbody a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert len(hrefs) == 4
    for index, href in enumerate(hrefs):
        assert href
        page.goto(href)
        expect(page.locator('[data-kpi="views"]')).not_to_have_text("0")
        shoot(page, f"demo-guide-{index}-{width}")
        assert axe_violations(page) == [], f"{href} at {width}px"
    # By keyboard: a chart's data table opens from its disclosure.
    page.goto(pages["guide"])
    summary = page.get_by_text("Data table: views, users, completions and dismissals per day")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#trend-table")).to_be_visible()
