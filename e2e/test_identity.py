"""Identity verification in a real browser (reliability.md C3): the token a customer's server
signed travels with the SDK's session and events; without it an enforcing app refuses the
user id and the page carries on unharmed."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from analytics.models import Event
from e2e.conftest import RunningServer
from e2e.test_delivery import publish
from guides import App, EndUser
from guides.apps import new_identity_secret
from guides.identity import set_identity_mode, sign_token
from server.db import Database
from server.settings import SECRET_KEY_FILE


@pytest.fixture
def enforcing_app(db: Database, host_app: App, server: RunningServer) -> Iterator[tuple[App, str]]:
    server_key = (server.log.parent / SECRET_KEY_FILE).read_text().strip()
    assert host_app.id is not None
    with db.write() as session:
        app = session.get(App, host_app.id)
        assert app is not None
        _, secret = new_identity_secret(session=session, app_id=host_app.id, server_key=server_key)
        set_identity_mode(session=session, app=app, mode="enforce")
    publish(
        db,
        host_app,
        slug="pro-only",
        audience={"conditions": [{"trait": "plan", "op": "eq", "value": "pro"}]},
        steps=[{"title": "Pro feature", "target": {"selector": "#import"}}],
    )
    yield host_app, secret


def test_a_signed_user_gets_their_guides_and_their_events_are_stored(
    page: Page, db: Database, enforcing_app: tuple[App, str], host_pages: str
) -> None:
    app, secret = enforcing_app
    token = sign_token(secret, {"sub": "user-9", "exp": time.time() + 600})
    with page.expect_request("**/sdk/v1/session") as request:
        page.goto(f"{host_pages}/basic?key={app.public_key}&user=user-9&plan=pro&token={token}")
    assert request.value.post_data_json["user_token"] == token
    dialog = page.get_by_role("dialog", name="Pro feature")
    expect(dialog).to_be_visible()
    # A traits update without a token keeps the user's token for what follows.
    with page.expect_request("**/sdk/v1/session") as again:
        page.evaluate("Signpost.identify('user-9', {seats: 3})")
    assert again.value.post_data_json["user_token"] == token
    with page.expect_request("**/sdk/v1/events") as sent:
        page.evaluate("Signpost.track('Exported')")
    assert sent.value.post_data_json["user_token"] == token
    assert sent.value.post_data_json["user_id"] == "user-9"
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with db.read() as session:
            stored = session.exec(
                select(Event.type)
                .join(EndUser, EndUser.id == Event.end_user_id)  # type: ignore[arg-type]
                .where(EndUser.external_id == "user-9", Event.app_id == app.id)
            ).all()
        if "track" in stored:
            break
        time.sleep(0.1)
    assert "track" in stored


def test_an_unsigned_user_id_is_refused_and_the_page_carries_on(
    page: Page, db: Database, enforcing_app: tuple[App, str], host_pages: str
) -> None:
    app, _ = enforcing_app
    with page.expect_response("**/sdk/v1/session") as response:
        page.goto(f"{host_pages}/basic?key={app.public_key}&user=user-10&plan=pro")
    assert response.value.status == 401
    expect(page.get_by_role("button", name="Create project")).to_be_enabled()
    expect(page.get_by_role("dialog")).to_have_count(0)
    with db.read() as session:
        assert session.exec(select(EndUser).where(EndUser.external_id == "user-10")).first() is None
        assert session.exec(select(App.identity_failures).where(App.id == app.id)).one() == 1
