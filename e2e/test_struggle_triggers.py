"""Help in the moment: a guide triggered by a struggle signal appears right after the rage
click that triggers it (measured in the page; the 100 ms target is reported precisely by
bench/struggle_trigger.py), respects its cooldown, and a stall on a tour's step opens the
help tied to that step."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Page, expect

from e2e.test_struggle import plant_tour, struggle_loaded
from guides import App, publish_guide, save_guide
from server.db import Database
from tests.factories import guide_document

# Times in the page: each click, each struggle signal, each guide shown (after rendering).
MEASURE = """
const times = (window.__times = {clicks: [], signals: [], shown: []});
document.addEventListener('click', (e) => times.clicks.push(e.timeStamp), true);
document.addEventListener('signpost:struggle', (e) => {
  times.signals.push([e.detail.signal, performance.now()]);
});
document.addEventListener('signpost:guide-shown', (e) => {
  const at = performance.now();
  requestAnimationFrame(() => times.shown.push([e.detail.guide_slug, at, performance.now()]));
});
"""


def publish(db: Database, app: App, slug: str, trigger: dict[str, Any], **kw: Any) -> None:
    assert app.id is not None
    with db.write() as session:
        document = guide_document(
            slug,
            steps=kw.pop(
                "steps",
                [
                    {
                        "title": "Invoices are emailed",
                        "body": "Downloads move to **Settings**.",
                        "target": {"selector": "#download"},
                    }
                ],
            ),
            trigger=trigger,
            pages={"include": [{"match": "exact", "value": "/friction"}]},
            frequency="every_session",
            **kw,
        )
        saved = save_guide(session=session, app_id=app.id, document=document)
        assert saved.guide.id is not None
        publish_guide(session=session, guide_id=saved.guide.id, author="e2e")


def rage_click(page: Page) -> None:
    for _ in range(3):
        page.locator("#download").click(delay=0)


def rage_to_help_ms(page: Page) -> tuple[float, float]:
    """From the click that made it a rage click to the guide drawn, in the page's clock."""
    times = page.evaluate("window.__times")
    (name, signalled), *_ = times["signals"]
    assert name == "rage_click"
    # The signal is raised inside the handler of the click that completed the rage click.
    click = max(at for at in times["clicks"] if at <= signalled)
    (_, shown, painted), *_ = times["shown"]
    return float(shown - click), float(painted - click)


def test_a_rage_click_opens_its_tooltip_within_100_ms_and_not_again_during_the_cooldown(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        "invoice-help",
        {"type": "struggle", "signal": "rage_click", "selector": "#download"},
    )
    page.add_init_script(MEASURE)
    page.goto(f"{host_pages}/friction?key={host_app.public_key}")
    struggle_loaded(page)
    tooltip = page.get_by_role("dialog", name="Invoices are emailed")
    expect(tooltip).to_have_count(0)

    page.locator("#download").click()
    page.locator("#refresh").click()  # two clicks and one elsewhere are no rage click
    page.wait_for_timeout(1100)
    expect(tooltip).to_have_count(0)
    rage_click(page)

    expect(tooltip).to_be_visible()
    shown, painted = rage_to_help_ms(page)
    # The target is 100 ms (bench/struggle_trigger.py measures it); a loaded CI machine
    # gets a generous bound here.
    assert shown < 1000, f"{shown:.1f} ms from the rage click to the guide"
    assert painted < 1500, f"{painted:.1f} ms to the next frame"
    tooltip.get_by_role("button", name="Close").click()
    expect(tooltip).to_have_count(0)
    page.wait_for_timeout(1100)
    rage_click(page)
    page.wait_for_timeout(500)
    expect(tooltip).to_have_count(0)  # within its 300 s cooldown


def test_a_guide_with_no_cooldown_helps_again(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        "invoice-help",
        {"type": "struggle", "signal": "rage_click", "cooldown_seconds": 0},
    )
    page.goto(f"{host_pages}/friction?key={host_app.public_key}")
    struggle_loaded(page)
    tooltip = page.get_by_role("dialog", name="Invoices are emailed")
    for _ in range(2):
        rage_click(page)
        expect(tooltip).to_be_visible()
        tooltip.get_by_role("button", name="Close").click()
        expect(tooltip).to_have_count(0)
        page.wait_for_timeout(1100)


def test_a_stall_on_the_tours_second_step_opens_the_help_for_that_step(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    plant_tour(db, host_app)  # the tour, with a 2 s stall
    publish(
        db,
        host_app,
        "seat-pools-help",
        {"type": "struggle", "signal": "step_stall", "guide": "billing-tour", "step_index": 1},
        kind="modal",
        steps=[{"title": "What are seat pools?", "body": "A pool is a set of seats per region."}],
    )
    page.goto(f"{host_pages}/friction?key={host_app.public_key}")
    expect(page.get_by_role("dialog", name="Your plan")).to_be_visible()
    struggle_loaded(page)
    page.wait_for_timeout(2500)  # a stall on the first step opens nothing
    expect(page.get_by_role("dialog", name="What are seat pools?")).to_have_count(0)
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("dialog", name="Seat pools")).to_be_visible()

    expect(page.get_by_role("dialog", name="What are seat pools?")).to_be_visible(timeout=5000)
