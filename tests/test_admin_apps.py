"""Apps in the admin: creating one, editing its origins, the install snippet, the public key
and the identity-verification secret."""

from __future__ import annotations

import json

from sqlmodel import select
from starlette.testclient import TestClient

from guides import App
from guides.apps import identity_secrets
from guides.models import AppSecret
from guides.themes import THEME_FIELDS
from server.audit import AuditEntry
from server.db import Database
from tests.admin_client import post, sign_in
from tests.conftest import TEST_SECRET
from tests.factories import make_admin, make_app, make_workspace_app


class TestCreateApp:
    def test_an_owner_creates_an_app_and_lands_on_its_install_page(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
        csrf = sign_in(client, "owner@example.com")

        response = post(
            client,
            "/admin/apps/",
            csrf,
            name="  Acme CRM ",
            origins="https://crm.example.com\nhttps://CRM.example.com:443/x, http://localhost:3000",
        )
        page = client.get(response.headers["location"])

        with db.read() as session:
            app = session.exec(select(App)).one()
        assert response.status_code == 303
        assert response.headers["location"] == (
            f"http://testserver/admin/apps/{app.id}/install?done=created"
        )
        assert (app.name, app.allowed_origins) == (
            "Acme CRM",
            ["http://localhost:3000", "https://crm.example.com"],
        )
        assert page.template.name == "apps/install.html"
        assert page.context["snippet"] == (
            "<script>window.Signpost=window.Signpost||function(){"
            "(Signpost.q=Signpost.q||[]).push(arguments)};</script>\n"
            f'<script src="http://testserver/sdk/v1/signpost.js" data-app-key="{app.public_key}"'
            " async></script>\n"
            "<script>Signpost('identify', 'USER_ID', {plan: 'PLAN'});</script>"
        )
        assert "The app was created. Paste the snippet below into your app." in page.text
        assert f"data-app-key=&#34;{app.public_key}&#34;" in page.text

    def test_a_bad_origin_shows_next_to_its_field_and_keeps_what_was_typed(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
        csrf = sign_in(client, "owner@example.com")

        response = post(client, "/admin/apps/", csrf, name="Acme", origins="crm.example.com")

        assert response.status_code == 422
        assert response.template.name == "apps/edit.html"
        assert response.context["errors"] == {
            "allowed_origins": "not an http(s) origin",
            "origins": "'crm.example.com' is not an origin like https://app.example.com",
        }
        assert response.context["values"] == {
            "name": "Acme",
            "origins": "crm.example.com",
            **{f"theme_{key}": "" for key in THEME_FIELDS},
        }
        assert 'id="origins-error"' in response.text
        with db.read() as session:
            assert session.exec(select(App)).all() == []


class TestAppsOfOtherWorkspaces:
    def test_an_app_of_another_workspace_does_not_exist_for_you(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
            other = make_workspace_app(session, workspace="Someone else", name="Theirs")
            make_workspace_app(session, name="Ours")
        sign_in(client, "owner@example.com")

        listing = client.get("/admin/apps/")
        detail = client.get(f"/admin/apps/{other.id}")

        assert [app.name for app in listing.context["apps"]] == ["Ours"]
        assert detail.status_code == 404
        assert detail.context["code"] == "app_not_found"


class TestKeys:
    def test_replacing_the_public_key_changes_the_snippet(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
            app = make_workspace_app(session)
        csrf = sign_in(client, "owner@example.com")

        response = post(client, f"/admin/apps/{app.id}/rotate-key", csrf)
        page = client.get(response.headers["location"])

        with db.read() as session:
            fresh = session.get(App, app.id)
        assert fresh is not None and fresh.public_key != app.public_key
        assert fresh.public_key in page.context["snippet"]
        assert "the old key no longer works" in page.text

    def test_the_identity_secret_is_shown_once_and_never_stored(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
            app = make_workspace_app(session)
        csrf = sign_in(client, "owner@example.com")

        response = post(client, f"/admin/apps/{app.id}/identity-secret", csrf)
        secret = response.context["secret"]
        later = client.get(f"/admin/apps/{app.id}")

        assert response.status_code == 200
        assert response.template.name == "apps/secret.html"
        assert secret.startswith("sk_") and secret in response.text
        assert secret not in later.text
        with db.read() as session:
            (row,) = session.exec(select(AppSecret)).all()
            assert secret not in (row.salt, row.fingerprint)
            assert identity_secrets(
                session=session, app_id=app.id or 0, server_key=TEST_SECRET
            ) == [secret]
            entry = session.exec(
                select(AuditEntry).where(AuditEntry.action == "app.identity_secret")
            ).one()
        assert entry.after == {"fingerprint": row.fingerprint}
        assert f"…{row.fingerprint}" in later.text

    def test_rotating_keeps_the_previous_secret_valid_until_the_next_rotation(
        self, db: Database
    ) -> None:
        from guides.apps import new_identity_secret

        with db.write() as session:
            app = make_app(session)
            _, first = new_identity_secret(session=session, app_id=app.id, server_key=TEST_SECRET)
            _, second = new_identity_secret(session=session, app_id=app.id, server_key=TEST_SECRET)
            _, third = new_identity_secret(session=session, app_id=app.id, server_key=TEST_SECRET)
            assert identity_secrets(session=session, app_id=app.id, server_key=TEST_SECRET) == [
                third,
                second,
            ]
            assert first not in (second, third)


class TestTheme:
    def test_an_owner_sets_the_theme_and_sdk_sessions_get_it(
        self, client: TestClient, db: Database
    ) -> None:
        from tests.factories import ORIGIN, session_body

        with db.write() as session:
            make_admin(session)
            app = make_workspace_app(session)
        csrf = sign_in(client, "owner@example.com")

        response = post(
            client,
            f"/admin/apps/{app.id}/edit",
            csrf,
            name="Acme",
            origins=ORIGIN,
            theme_accent="#0F766E",
            theme_radius="4",
            theme_font="Inter, sans-serif",
        )
        delivered = client.post(
            "/sdk/v1/session", content=json.dumps(session_body(app)), headers={"Origin": ORIGIN}
        )
        editor = client.get(f"/admin/apps/{app.id}/edit")

        assert response.status_code == 303
        assert delivered.json()["theme"]["accent"] == "#0f766e"
        assert delivered.json()["theme"]["radius"] == 4
        assert delivered.json()["theme"]["font"] == "Inter, sans-serif"
        assert editor.context["values"]["theme_accent"] == "#0f766e"
        assert 'value="Inter, sans-serif"' in editor.text

    def test_a_font_that_is_not_a_family_list_is_refused_next_to_its_field(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
            app = make_workspace_app(session)
        csrf = sign_in(client, "owner@example.com")

        response = post(
            client,
            f"/admin/apps/{app.id}/edit",
            csrf,
            name="Renamed",
            origins="https://app.example.com",
            theme_font="Inter; } :host { display: none",
        )

        assert response.status_code == 422
        assert list(response.context["errors"]) == ["theme.font"]
        assert 'id="theme-font-error"' in response.text
        assert 'aria-describedby="theme-font-hint theme-font-error"' in response.text
        with db.read() as session:
            fresh = session.get(App, app.id)
            assert fresh is not None and (fresh.name, fresh.theme) == ("Acme", {})

    def test_an_unreadable_theme_is_refused_next_to_its_field(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
            app = make_workspace_app(session)
        csrf = sign_in(client, "owner@example.com")

        response = post(
            client,
            f"/admin/apps/{app.id}/edit",
            csrf,
            name="Renamed",
            origins="https://app.example.com",
            theme_background="#1f2937",
        )

        assert response.status_code == 422
        assert response.context["errors"] == {
            "theme.text": "contrast with background is 1.0:1; it needs at least 4.5:1 to be "
            "readable",
            "theme.muted": "contrast with background is 1.9:1; it needs at least 4.5:1 to be "
            "readable",
        }
        assert response.context["values"]["theme_background"] == "#1f2937"
        assert 'id="theme-text-error"' in response.text
        with db.read() as session:
            fresh = session.get(App, app.id)
            assert fresh is not None and (fresh.name, fresh.theme) == ("Acme", {})


class TestIdentityMode:
    def test_an_owner_switches_to_monitor_and_sees_the_failures_counted(
        self, client: TestClient, db: Database
    ) -> None:
        from guides.identity import record_identity_failure

        with db.write() as session:
            make_admin(session)
            app = make_workspace_app(session)
        csrf = sign_in(client, "owner@example.com")

        response = post(
            client, f"/admin/apps/{app.id}/identity-mode", csrf, identity_mode="monitor"
        )
        assert response.status_code == 303
        with db.write() as session:
            record_identity_failure(session=session, app_id=app.id or 0)
            record_identity_failure(session=session, app_id=app.id or 0)
        page = client.get(response.headers["location"])

        assert page.template.name == "apps/detail.html"
        assert page.context["app"].identity_mode == "monitor"
        assert page.context["app"].identity_failures == 2
        assert "Monitor: failures are counted, nobody is refused" in page.text
        assert "<strong>2</strong>" in page.text

    def test_an_unknown_mode_changes_nothing(self, client: TestClient, db: Database) -> None:
        with db.write() as session:
            make_admin(session)
            app = make_workspace_app(session)
        csrf = sign_in(client, "owner@example.com")
        response = post(client, f"/admin/apps/{app.id}/identity-mode", csrf, identity_mode="strict")
        page = client.get(response.headers["location"])
        assert page.context["app"].identity_mode == "off"
        assert "Choose off, monitor or enforce." in page.text
