"""The element picker and draft preview across the admin and `/sdk/v1/authoring`: the admin
opens the page with a signed token in the fragment, the SDK reports the clicked element with
it, the editor's poll sees it; bad, expired or foreign tokens and origins are refused."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from guides.columns import utcnow
from guides.errors import Forbidden
from guides.picking import AuthoringGrant, read_token, sign_token
from server.db import Database
from tests.admin_client import post, sign_in
from tests.conftest import TEST_SECRET
from tests.factories import ORIGIN, make_admin, make_guide, make_workspace_app

TARGET = {
    "selector": "#new-report",
    "test_id": None,
    "id": "new-report",
    "name": None,
    "role": "button",
    "label": None,
    "text": "New report",
    "path": "body > main > div > div > button:nth-of-type(2)",
}


def open_picker(client: TestClient, db: Database) -> tuple[str, int, str]:
    with db.write() as session:
        make_admin(session)
        app = make_workspace_app(session)
        guide = make_guide(session, app, "welcome", steps=2)
    csrf = sign_in(client, "owner@example.com")
    response = post(
        client,
        f"/admin/guides/{guide.id}/picker",
        csrf,
        op="pick:1",
        pick_id="pick-0123456789",
        picker_url=ORIGIN + "/dashboard?tab=2",
    )
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}?{location.query}" == (
        ORIGIN + "/dashboard?tab=2"
    )
    name, _, token = location.fragment.partition("=")
    assert name == "signpost-authoring"
    return token, guide.id or 0, csrf


class TestPicker:
    def test_the_picked_element_reaches_the_editor(self, client: TestClient, db: Database) -> None:
        token, guide_id, _ = open_picker(client, db)
        poll = f"/admin/guides/{guide_id}/picks/pick-0123456789"
        before = client.get(poll)

        sent = client.post(
            "/sdk/v1/authoring/pick",
            content=json.dumps({"token": token, "target": TARGET}),
            headers={"Origin": ORIGIN, "Content-Type": "text/plain"},
        )
        after = client.get(poll)

        assert before.json() == {"status": "waiting", "step_index": 1}
        assert (sent.status_code, sent.json()) == (200, {"status": "picked", "step_index": 1})
        assert sent.headers["access-control-allow-origin"] == ORIGIN
        assert after.json() == {"status": "picked", "step_index": 1, "target": TARGET}

    def test_a_page_on_another_origin_cannot_report_a_pick(
        self, client: TestClient, db: Database
    ) -> None:
        token, _, _ = open_picker(client, db)

        sent = client.post(
            "/sdk/v1/authoring/pick",
            content=json.dumps({"token": token, "target": TARGET}),
            headers={"Origin": "https://evil.example"},
        )

        assert sent.status_code == 403
        assert sent.json()["code"] == "origin_not_allowed"

    def test_a_tampered_token_is_refused(self, client: TestClient, db: Database) -> None:
        token, _, _ = open_picker(client, db)
        body, signature = token.split(".")

        sent = client.post(
            "/sdk/v1/authoring/pick",
            content=json.dumps({"token": body + "x." + signature, "target": TARGET}),
            headers={"Origin": ORIGIN},
        )

        assert (sent.status_code, sent.json()) == (
            403,
            {
                "error": "this authoring link is not valid; open it again from the admin",
                "code": "forbidden",
                "status": 403,
            },
        )

    def test_a_malformed_target_is_refused_naming_the_field(
        self, client: TestClient, db: Database
    ) -> None:
        token, _, _ = open_picker(client, db)

        sent = client.post(
            "/sdk/v1/authoring/pick",
            content=json.dumps({"token": token, "target": {**TARGET, "selector": ""}}),
            headers={"Origin": ORIGIN},
        )

        assert sent.status_code == 422
        assert sent.json()["fields"][0]["field"] == "target.selector"

    def test_a_page_outside_the_apps_origins_is_not_opened(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
            app = make_workspace_app(session)
            guide = make_guide(session, app, "welcome", steps=2)
        csrf = sign_in(client, "owner@example.com")

        response = post(
            client,
            f"/admin/guides/{guide.id}/picker",
            csrf,
            op="pick:0",
            picker_url="https://evil.example/",
        )

        assert response.status_code == 422
        assert response.template.name == "error.html"
        assert "allowed origins (https://app.example.com)" in response.context["message"]


class TestTokens:
    def test_an_expired_token_is_refused(self) -> None:
        grant = AuthoringGrant("p-0123456789", 1, 1, 0, int(utcnow().timestamp()) - 1)
        token = sign_token(TEST_SECRET, grant)

        with pytest.raises(Forbidden) as refused:
            read_token(TEST_SECRET, token)

        assert refused.value.message == (
            "this authoring link has expired; open it again from the admin"
        )

    def test_a_token_of_another_server_is_refused(self) -> None:
        grant = AuthoringGrant(
            "p-0123456789", 1, 1, 0, int((utcnow() + timedelta(minutes=5)).timestamp())
        )
        token = sign_token("another-server-secret-0123456789abcdef", grant)

        with pytest.raises(Forbidden) as refused:
            read_token(TEST_SECRET, token)

        assert refused.value.message == (
            "this authoring link is not valid; open it again from the admin"
        )


class TestDraftPreview:
    def test_the_draft_comes_back_shaped_like_a_delivered_guide(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
            app = make_workspace_app(session)
            guide = make_guide(session, app, "welcome", steps=2)
        csrf = sign_in(client, "owner@example.com")
        opened = post(client, f"/admin/guides/{guide.id}/preview", csrf, picker_url=ORIGIN + "/")
        token = urlsplit(opened.headers["location"]).fragment.partition("=")[2]

        response = client.post(
            "/sdk/v1/authoring/draft",
            content=json.dumps({"token": token}),
            headers={"Origin": ORIGIN},
        )

        body = response.json()
        assert response.status_code == 200
        assert body["guide"]["preview"] is True
        assert (body["guide"]["id"], body["guide"]["version"], body["guide"]["slug"]) == (
            guide.id,
            0,
            "welcome",
        )
        assert [step["body_html"] for step in body["guide"]["steps"]] == [
            "<p>Body <strong>1</strong></p>",
            "<p>Body <strong>2</strong></p>",
        ]

    def test_the_authoring_module_is_served_to_any_page(self, client: TestClient) -> None:
        response = client.get("/sdk/v1/authoring.js")

        assert response.status_code == 200
        assert response.headers["content-type"] == "application/javascript; charset=utf-8"
        assert b"signpost-authoring" in response.content
