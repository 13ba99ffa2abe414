"""No typed text is captured anywhere: what a user types in the host page's inputs, text
areas and editable regions reaches no request the SDK sends, no stored row and no storage
the SDK writes, while a guide runs on those very fields and events flow."""

from __future__ import annotations

import time

from playwright.sync_api import Page, expect
from sqlalchemy import text

from e2e.test_delivery import publish
from guides import App
from server.db import Database

TYPED = "Zq7-typed-secret-4111"


def test_typed_text_reaches_no_request_row_or_storage(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        slug="billing-tour",
        steps=[
            {"title": "Card holder", "target": {"selector": "#holder"}},
            {"title": "Notes", "target": {"selector": "#notes"}},
        ],
    )
    bodies: list[str] = []
    page.on("request", lambda request: bodies.append(request.post_data or ""))
    page.goto(f"{host_pages}/typing?key={host_app.public_key}")
    expect(page.get_by_role("dialog", name="Card holder")).to_be_visible()

    page.locator("#holder").press_sequentially(TYPED)
    page.locator("#notes").fill(TYPED)
    page.locator("#editor").press_sequentially(TYPED)
    for _ in range(4):  # rage clicks on the field, for struggle detectors
        page.locator("#holder").click()
    page.locator("#save").click()
    page.get_by_role("button", name="Next").click()
    with page.expect_request("**/sdk/v1/events"):
        page.evaluate("Signpost.track('Saved billing')")
    storage = page.evaluate("JSON.stringify(Object.entries(localStorage))")
    page.close(run_before_unload=True)  # pagehide: the beacon carries what is left
    time.sleep(1)

    assert any("/sdk/v1/events" in b or "guide_shown" in b for b in bodies)
    assert not [b for b in bodies if TYPED in b]
    assert TYPED not in storage
    with db.read() as session:
        dump = session.execute(
            text("SELECT url, CAST(properties AS TEXT) FROM event WHERE app_id = :app"),
            {"app": host_app.id},
        ).all()
        traits = session.execute(
            text("SELECT CAST(traits AS TEXT) FROM end_user WHERE app_id = :app"),
            {"app": host_app.id},
        ).all()
    assert dump, "the events reached the database"
    assert not [row for row in [*dump, *traits] if any(TYPED in str(v) for v in row)]
