"""`/api/v1` with API tokens: who may call it, apps, guides with their lifecycle, articles.
Every answer goes through tests/api_client.py, which checks it against the OpenAPI document."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from guides.models import Guide
from server.api_tokens import revoke_api_token
from server.audit import AuditEntry
from server.db import Database
from tests.api_client import call
from tests.factories import (
    guide_document,
    make_api_token,
    make_published_guide,
    make_workspace_app,
)


@dataclass
class World:
    app_id: int
    other_app_id: int
    foreign_app_id: int
    guide_id: int
    foreign_guide_id: int
    public_key: str
    write: str
    read: str


@pytest.fixture
def world(db: Database) -> World:
    with db.write() as session:
        app = make_workspace_app(session)
        other = make_workspace_app(session, name="Beta")
        foreign = make_workspace_app(session, workspace="Rivals", name="Rival")
        guide = make_published_guide(session, app, "welcome", steps=2)
        foreign_guide = make_published_guide(session, foreign, "theirs")
        write = make_api_token(session, [app], "write")
        read = make_api_token(session, [app], "read")
        assert app.id and other.id and foreign.id and guide.id and foreign_guide.id
        return World(
            app.id,
            other.id,
            foreign.id,
            guide.id,
            foreign_guide.id,
            app.public_key,
            write,
            read,
        )


def document(slug: str = "tour", steps: int = 2, **overrides: Any) -> dict[str, Any]:
    return guide_document(slug, steps, **overrides).model_dump(mode="json", exclude={"status"})


class TestWhoMayCall:
    def test_no_token_is_refused_with_401(self, client: TestClient, world: World) -> None:
        response = call(client, "GET", "/api/v1/apps")

        assert response.status_code == 401
        assert response.json() == {
            "error": "send an API token as `Authorization: Bearer spt_…`",
            "code": "unauthorized",
            "status": 401,
        }

    @pytest.mark.parametrize(
        "path", ["/api/v1/apps", "/api/v1/apps/{app_id}/guides", "/api/v1/guides/{guide_id}"]
    )
    def test_the_public_sdk_key_reaches_no_route(
        self, client: TestClient, world: World, path: str
    ) -> None:
        path = path.format(app_id=world.app_id, guide_id=world.guide_id)

        response = call(client, "GET", path, world.public_key)

        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"

    def test_an_unknown_token_is_refused(self, client: TestClient, world: World) -> None:
        response = call(client, "GET", "/api/v1/apps", "spt_" + "x" * 43)

        assert (response.status_code, response.json()["error"]) == (401, "unknown API token")

    def test_a_revoked_token_is_refused_from_the_next_request(
        self, client: TestClient, db: Database, world: World
    ) -> None:
        assert call(client, "GET", "/api/v1/apps", world.read).status_code == 200
        with db.write() as session:
            from server.api_tokens import ApiToken, digest_of

            token = session.exec(
                select(ApiToken).where(ApiToken.digest == digest_of(world.read))
            ).one()
            assert token.id is not None
            revoke_api_token(session=session, workspace_id=token.workspace_id, token_id=token.id)

        response = call(client, "GET", "/api/v1/apps", world.read)

        assert response.status_code == 401
        assert response.json()["error"] == "this API token was revoked"

    def test_only_the_digest_of_a_token_is_stored(self, db: Database, world: World) -> None:
        from server.api_tokens import ApiToken

        with db.read() as session:
            rows = session.exec(select(ApiToken)).all()
        stored = " ".join(str(row.model_dump()) for row in rows)
        assert world.write not in stored and world.read not in stored
        assert {row.hint for row in rows} == {world.write[-4:], world.read[-4:]}

    def test_a_read_token_cannot_write(self, client: TestClient, world: World) -> None:
        response = call(client, "POST", f"/api/v1/guides/{world.guide_id}/unpublish", world.read)

        assert response.status_code == 403
        assert response.json() == {
            "error": "this token is read-only; make a write token for changes",
            "code": "insufficient_scope",
            "status": 403,
        }

    def test_apps_not_chosen_for_the_token_do_not_exist_for_it(
        self, client: TestClient, world: World
    ) -> None:
        statuses = [
            call(client, "GET", path, world.write).json()["code"]
            for path in (
                f"/api/v1/apps/{world.other_app_id}",
                f"/api/v1/apps/{world.foreign_app_id}/guides",
                f"/api/v1/guides/{world.foreign_guide_id}",
            )
        ]
        publish = call(
            client, "POST", f"/api/v1/guides/{world.foreign_guide_id}/publish", world.write
        )

        assert statuses == ["app_not_found", "app_not_found", "guide_not_found"]
        assert publish.status_code == 404

    @pytest.mark.parametrize(
        "path",
        [
            "/api/v1/guides/352653119561677395722240",
            "/api/v1/analytics/guides/10066792338691175753973760/surveys",
            "/api/v1/apps/99999999999999999999999",
        ],
    )
    def test_an_id_too_large_for_the_database_is_a_404(
        self, client: TestClient, world: World, path: str
    ) -> None:
        response = call(client, "GET", path, world.read)

        assert response.status_code == 404


class TestApps:
    def test_lists_the_apps_of_the_token(self, client: TestClient, world: World) -> None:
        response = call(client, "GET", "/api/v1/apps", world.read)

        assert response.status_code == 200
        apps = response.json()["apps"]
        assert [(a["id"], a["name"], a["public_key"]) for a in apps] == [
            (world.app_id, "Acme", world.public_key)
        ]
        assert apps[0]["allowed_origins"] == ["https://app.example.com"]


class TestGuides:
    def test_lists_guides_with_their_status(self, client: TestClient, world: World) -> None:
        response = call(client, "GET", f"/api/v1/apps/{world.app_id}/guides", world.read)

        assert response.status_code == 200
        [guide] = response.json()["guides"]
        assert {k: guide[k] for k in ("id", "slug", "kind", "status", "live_version")} == {
            "id": world.guide_id,
            "slug": "welcome",
            "kind": "walkthrough",
            "status": "published",
            "live_version": 1,
        }

    def test_reads_a_guide_with_its_draft_document(self, client: TestClient, world: World) -> None:
        response = call(client, "GET", f"/api/v1/guides/{world.guide_id}", world.read)

        body = response.json()
        assert response.status_code == 200
        assert body["unpublished_changes"] is False
        assert body["document"]["slug"] == "welcome"
        assert [s["target"] for s in body["document"]["steps"]] == [
            {"selector": "#s0"},
            {"selector": "#s1"},
        ]

    def test_creates_a_draft_and_audits_it(
        self, client: TestClient, db: Database, world: World
    ) -> None:
        response = call(
            client, "POST", f"/api/v1/apps/{world.app_id}/guides", world.write, document()
        )

        body = response.json()
        assert response.status_code == 201
        assert (body["slug"], body["status"], body["live_version"]) == ("tour", "draft", None)
        assert body["document"]["steps"][1]["title"] == "Step 2"
        with db.read() as session:
            entry = session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc())).first()
        assert entry is not None
        assert (entry.action, entry.actor_email, entry.target_id) == (
            "guide.create",
            "api token: write token",
            str(body["id"]),
        )

    def test_creates_and_publishes_when_the_document_asks(
        self, client: TestClient, world: World
    ) -> None:
        response = call(
            client,
            "POST",
            f"/api/v1/apps/{world.app_id}/guides",
            world.write,
            {**document(), "status": "published"},
        )

        assert (response.status_code, response.json()["live_version"]) == (201, 1)

    def test_a_used_slug_is_a_conflict(self, client: TestClient, world: World) -> None:
        response = call(
            client,
            "POST",
            f"/api/v1/apps/{world.app_id}/guides",
            world.write,
            document("welcome"),
        )

        assert response.status_code == 409
        assert response.json()["fields"] == [
            {"field": "slug", "message": "already used in this app"}
        ]

    def test_an_invalid_document_names_each_wrong_field(
        self, client: TestClient, world: World
    ) -> None:
        bad = {**document(), "kind": "popup", "priority": 5000}

        response = call(client, "POST", f"/api/v1/apps/{world.app_id}/guides", world.write, bad)

        assert response.status_code == 422
        assert response.json()["code"] == "invalid_payload"
        assert {f["field"] for f in response.json()["fields"]} == {"kind", "priority"}

    def test_an_unreadable_theme_is_refused_with_its_field_and_nothing_saved(
        self, client: TestClient, world: World
    ) -> None:
        dark = {**document("dark"), "theme": {"background": "#111827"}}

        response = call(client, "POST", f"/api/v1/apps/{world.app_id}/guides", world.write, dark)

        assert response.status_code == 422
        assert response.json() == {
            "error": "dark: the theme is hard to read: theme.background: contrast with text "
            "is 1.2:1; it needs at least 4.5:1 to be readable",
            "code": "invalid_payload",
            "status": 422,
            "fields": [
                {
                    "field": "theme.background",
                    "message": "contrast with text is 1.2:1; "
                    "it needs at least 4.5:1 to be readable",
                }
            ],
        }
        listed = call(client, "GET", f"/api/v1/apps/{world.app_id}/guides", world.write)
        assert "dark" not in {guide["slug"] for guide in listed.json()["guides"]}

    def test_malformed_json_is_a_400(self, client: TestClient, world: World) -> None:
        response = call(
            client,
            "POST",
            f"/api/v1/apps/{world.app_id}/guides",
            world.write,
            content=b"{not json",
            headers={"Content-Type": "application/json"},
        )

        assert (response.status_code, response.json()["code"]) == (400, "malformed_json")

    def test_an_update_without_status_keeps_the_live_version_live(
        self, client: TestClient, world: World
    ) -> None:
        changed = document("welcome")
        changed["steps"][0]["title"] = "Hello again"

        response = call(client, "PUT", f"/api/v1/guides/{world.guide_id}", world.write, changed)

        body = response.json()
        assert response.status_code == 200
        assert (body["status"], body["live_version"], body["unpublished_changes"]) == (
            "published",
            1,
            True,
        )
        assert body["document"]["steps"][0]["title"] == "Hello again"

    def test_an_update_cannot_change_the_slug(self, client: TestClient, world: World) -> None:
        response = call(
            client, "PUT", f"/api/v1/guides/{world.guide_id}", world.write, document("renamed")
        )

        assert response.status_code == 422
        assert response.json()["fields"] == [{"field": "slug", "message": "must be 'welcome'"}]


class TestLifecycle:
    def test_publish_unpublish_and_roll_back(
        self, client: TestClient, db: Database, world: World
    ) -> None:
        guide = f"/api/v1/guides/{world.guide_id}"
        changed = document("welcome")
        changed["name"] = "Welcome v2"
        call(client, "PUT", guide, world.write, changed)

        published = call(client, "POST", f"{guide}/publish", world.write).json()
        unpublished = call(client, "POST", f"{guide}/unpublish", world.write).json()
        rolled = call(client, "POST", f"{guide}/rollback", world.write, {"version": 1}).json()
        versions = call(client, "GET", f"{guide}/versions", world.read).json()["versions"]

        assert (published["status"], published["live_version"]) == ("published", 2)
        assert (unpublished["status"], unpublished["live_version"]) == ("draft", None)
        assert (rolled["status"], rolled["live_version"]) == ("published", 1)
        assert [(v["number"], v["live"]) for v in versions] == [(2, False), (1, True)]
        assert versions[0]["published_by"] == "api token: write token"
        with db.read() as session:
            actions = [
                e.action
                for e in session.exec(select(AuditEntry).order_by(col(AuditEntry.id))).all()
            ]
        assert actions == ["guide.update", "guide.publish", "guide.unpublish", "guide.rollback"]

    def test_rolling_back_to_a_missing_version_is_a_404(
        self, client: TestClient, world: World
    ) -> None:
        response = call(
            client, "POST", f"/api/v1/guides/{world.guide_id}/rollback", world.write, {"version": 9}
        )

        assert response.status_code == 404
        assert response.json()["error"] == f"guide {world.guide_id} has no version 9"

    def test_archive_takes_the_guide_out_of_delivery(
        self, client: TestClient, db: Database, world: World
    ) -> None:
        response = call(client, "POST", f"/api/v1/guides/{world.guide_id}/archive", world.write)

        assert response.json()["status"] == "archived"
        with db.read() as session:
            guide = session.get(Guide, world.guide_id)
            assert guide is not None and guide.status == "archived"


class TestArticles:
    def test_lists_the_articles_of_resource_centers(
        self, client: TestClient, db: Database, world: World
    ) -> None:
        with db.write() as session:
            from guides.models import App

            app = session.get(App, world.app_id)
            assert app is not None
            make_published_guide(
                session,
                app,
                "help",
                kind="resource_center",
                steps=[
                    {
                        "title": "Export data",
                        "body": "Use **Export**.",
                        "content": {
                            "id": "export",
                            "link_url": "https://docs.example.com/export",
                            "keywords": ["csv"],
                        },
                    }
                ],
            )

        response = call(client, "GET", f"/api/v1/apps/{world.app_id}/articles", world.read)

        assert response.status_code == 200
        [article] = response.json()["articles"]
        assert article == {
            "guide_id": article["guide_id"],
            "guide_slug": "help",
            "step_index": 0,
            "id": "export",
            "title": "Export data",
            "body": "Use **Export**.",
            "body_html": "<p>Use <strong>Export</strong>.</p>",
            "link_url": "https://docs.example.com/export",
            "keywords": ["csv"],
            "live": True,
        }


class TestDocument:
    def test_every_api_route_is_in_the_document_and_back(self, client: TestClient) -> None:
        from server.api.routes import routes

        served = {
            (method.lower(), "/api/v1" + re.sub(r":\w+}", "}", route.path))
            for route in routes
            for method in (route.methods or [])
            if method != "HEAD" and route.name not in ("openapi", "reference", "guide_schema")
        }
        document = client.get("/api/v1/openapi.json").json()
        described = {(m, p) for p, methods in document["paths"].items() for m in methods}

        assert served == described

    def test_the_reference_page_lists_every_endpoint(self, client: TestClient) -> None:
        response = client.get("/api/v1/")

        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "<script" not in response.text
        assert "POST /api/v1/guides/{guide_id}/rollback" in response.text
        assert 'id="schema-GuideDocument"' in response.text

    def test_an_unknown_path_under_the_api_is_json(self, client: TestClient) -> None:
        response = client.get("/api/v1/nothing")

        assert response.status_code == 404
        assert response.json() == {"error": "Not Found", "code": "not_found", "status": 404}
