"""The admin's API tokens page: an owner makes a token, sees it once, and revokes it."""

from __future__ import annotations

from sqlmodel import select
from starlette.testclient import TestClient

from server.api_tokens import ApiToken, digest_of
from server.db import Database
from tests.admin_client import post, sign_in
from tests.factories import make_admin, make_workspace_app


def setup(db: Database) -> int:
    with db.write() as session:
        make_admin(session)
        app = make_workspace_app(session)
        make_workspace_app(session, workspace="Rivals", name="Rival")
        assert app.id is not None
        return app.id


class TestMakeToken:
    def test_the_token_is_shown_once_and_works_with_the_api(
        self, client: TestClient, db: Database
    ) -> None:
        app_id = setup(db)
        csrf = sign_in(client, "owner@example.com")

        made = post(
            client, "/admin/api-tokens/", csrf, name="CI sync", scope="write", app_ids=str(app_id)
        )

        assert made.status_code == 201
        assert made.template.name == "api_tokens/list.html"
        token = made.context["new_token"]
        assert token.startswith("spt_") and token in made.text
        listed = client.get("/admin/api-tokens/")
        assert token not in listed.text and "CI sync" in listed.text
        assert f"…{token[-4:]}" in listed.text
        with db.read() as session:
            row = session.exec(select(ApiToken)).one()
        assert (row.digest, row.scope, row.app_ids) == (digest_of(token), "write", [app_id])
        api = client.get("/api/v1/apps", headers={"Authorization": f"Bearer {token}"})
        assert [app["id"] for app in api.json()["apps"]] == [app_id]

    def test_a_token_needs_a_name_a_scope_and_apps_of_this_workspace(
        self, client: TestClient, db: Database
    ) -> None:
        setup(db)
        csrf = sign_in(client, "owner@example.com")
        with db.read() as session:
            from guides import store

            rival = store.app_by_name(session, "Rival")
        assert rival is not None

        response = post(
            client, "/admin/api-tokens/", csrf, name=" ", scope="admin", app_ids=str(rival.id)
        )

        assert response.status_code == 422
        assert response.context["errors"] == {
            "name": "give it a name of 1 to 100 characters",
            "scope": "choose read or write",
            "app_ids": "choose apps of this workspace",
        }
        assert response.context["new_token"] == ""


class TestRevokeToken:
    def test_a_revoked_token_is_refused_by_the_api(self, client: TestClient, db: Database) -> None:
        app_id = setup(db)
        csrf = sign_in(client, "owner@example.com")
        made = post(
            client, "/admin/api-tokens/", csrf, name="CI", scope="read", app_ids=str(app_id)
        )
        token = made.context["new_token"]
        with db.read() as session:
            token_id = session.exec(select(ApiToken)).one().id

        revoked = post(client, f"/admin/api-tokens/{token_id}/revoke", csrf)

        assert revoked.status_code == 303
        page = client.get(revoked.headers["location"])
        assert "The token was revoked" in page.text and "revoked 20" in page.text
        api = client.get("/api/v1/apps", headers={"Authorization": f"Bearer {token}"})
        assert (api.status_code, api.json()["code"]) == (401, "unauthorized")
