"""A guide published in the store reaches a customer's page on another origin, for the right
users only, attached to its element."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, Route, expect

from e2e.conftest import RunningServer
from guides import App, publish_guide, save_guide
from server.db import Database
from tests.factories import guide_document, make_app


@pytest.fixture
def host_app(db: Database, host_pages: str) -> Iterator[App]:
    with db.write() as session:
        app = make_app(session, name=f"Host {uuid.uuid4().hex[:8]}", origins=[host_pages])
    yield app


def publish(db: Database, app: App, **overrides: object) -> None:
    assert app.id is not None
    with db.write() as session:
        saved = save_guide(session=session, app_id=app.id, document=guide_document(**overrides))
        assert saved.guide.id is not None
        publish_guide(session=session, guide_id=saved.guide.id, author="e2e")


def test_published_guide_appears_attached_to_its_element(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        slug="create-project",
        steps=[
            {
                "title": "Start here",
                "body": "Create your **first** project.",
                "target": {"selector": "#create-project"},
                "placement": "bottom",
            }
        ],
    )
    page.goto(f"{host_pages}/basic?key={host_app.public_key}")

    dialog = page.get_by_role("dialog", name="Start here")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Create your first project.")
    button = page.locator("#create-project").bounding_box()
    box = dialog.bounding_box()
    assert button is not None and box is not None
    assert box["y"] >= button["y"] + button["height"] - 1, "the step is below its target"
    assert box["x"] < button["x"] + button["width"] and box["x"] + box["width"] > button["x"]


def test_draft_guide_is_not_shown(page: Page, db: Database, host_app: App, host_pages: str) -> None:
    assert host_app.id is not None
    with db.write() as session:
        save_guide(
            session=session,
            app_id=host_app.id,
            document=guide_document(
                "draft-only",
                steps=[{"title": "Unpublished", "target": {"selector": "#import"}}],
            ),
        )
    with page.expect_response("**/sdk/v1/session") as response:
        page.goto(f"{host_pages}/basic?key={host_app.public_key}")
    assert response.value.json()["guides"] == []
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_audience_rules_use_traits_from_calls_queued_before_the_sdk_loaded(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        slug="pro-only",
        audience={"conditions": [{"trait": "plan", "op": "eq", "value": "pro"}]},
        steps=[{"title": "Pro feature", "target": {"selector": "#import"}}],
    )
    with page.expect_request("**/sdk/v1/session") as request:
        page.goto(f"{host_pages}/basic?key={host_app.public_key}&user=user-7&plan=pro")
    sent = request.value.post_data_json
    assert sent["user_id"] == "user-7"
    assert sent["traits"] == {"plan": "pro"}
    expect(page.get_by_role("dialog", name="Pro feature")).to_be_visible()


def test_users_outside_the_audience_do_not_see_the_guide(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        slug="pro-only",
        audience={"conditions": [{"trait": "plan", "op": "eq", "value": "pro"}]},
        steps=[{"title": "Pro feature", "target": {"selector": "#import"}}],
    )
    with page.expect_response("**/sdk/v1/session") as response:
        page.goto(f"{host_pages}/basic?key={host_app.public_key}&user=user-8&plan=free")
    assert response.value.json()["guides"] == []


def test_an_unknown_app_key_is_refused_without_breaking_the_page(
    page: Page, server: RunningServer, host_pages: str
) -> None:
    with page.expect_response("**/sdk/v1/session") as response:
        page.goto(f"{host_pages}/basic?key=pk_not_a_real_key")
    assert response.value.status == 401
    expect(page.get_by_role("button", name="Create project")).to_be_enabled()
    expect(page.get_by_role("dialog")).to_have_count(0)


def test_a_session_answered_with_a_5xx_is_asked_again_and_its_guide_shows(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db,
        host_app,
        slug="after-a-hiccup",
        steps=[{"title": "Back again", "target": {"selector": "#import"}}],
    )
    answers: list[int] = []

    def first_refused(route: Route) -> None:
        if answers:
            answers.append(200)
            route.continue_()
        else:
            answers.append(503)
            route.fulfill(status=503, headers={"Access-Control-Allow-Origin": "*"}, body="")

    page.route("**/sdk/v1/session", first_refused)
    page.goto(f"{host_pages}/basic?key={host_app.public_key}")
    expect(page.get_by_role("dialog", name="Back again")).to_be_visible()
    assert answers == [503, 200]


def test_a_session_that_keeps_failing_is_tried_three_times_then_given_up(
    page: Page, server: RunningServer, host_app: App, host_pages: str
) -> None:
    page.add_init_script(
        "document.addEventListener('signpost:error',"
        " (event) => (window.errors = window.errors || []).push(event.detail.where))"
    )
    answers: list[int] = []

    def refused(route: Route) -> None:
        answers.append(503)
        route.fulfill(status=503, headers={"Access-Control-Allow-Origin": "*"}, body="")

    page.route("**/sdk/v1/session", refused)
    page.goto(f"{host_pages}/basic?key={host_app.public_key}")
    page.wait_for_function("(window.errors || []).includes('session')", timeout=10_000)
    page.wait_for_timeout(1500)  # after the last wait (1 s, then 2 s): no fourth try
    assert answers == [503, 503, 503]
    expect(page.get_by_role("button", name="Create project")).to_be_enabled()


def test_the_session_and_the_events_go_as_text_plain_so_no_preflight(
    page: Page, db: Database, host_app: App, host_pages: str
) -> None:
    publish(
        db, host_app, slug="plain", steps=[{"title": "Plain", "target": {"selector": "#import"}}]
    )
    with (
        page.expect_request("**/sdk/v1/session") as session,
        page.expect_request("**/sdk/v1/events") as events,
    ):
        page.goto(f"{host_pages}/basic?key={host_app.public_key}")
    for request in (session.value, events.value):
        assert request.method == "POST"
        assert request.headers["content-type"] == "text/plain;charset=UTF-8"
