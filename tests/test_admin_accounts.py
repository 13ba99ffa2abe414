"""Admin accounts: logging in and out, server-side sessions, the login throttle, security
headers, invitations and roles (reliability C7, C8, C11)."""

from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.testclient import TestClient

from server.accounts import AdminUser, Membership, Role
from server.audit import AuditEntry
from server.db import Database
from server.sessions import AdminSession
from tests.admin_client import csrf_token, post, sign_in
from tests.factories import PASSWORD, make_admin, make_workspace_app

COOKIE = "signpost_admin"


def login_form(client: TestClient) -> str:
    return str(client.get("/admin/login").context["login_token"])  # type: ignore[attr-defined]


class TestLogin:
    def test_the_login_page_is_a_form_with_email_and_password(self, client: TestClient) -> None:
        response = client.get("/admin/login")

        assert response.status_code == 200
        assert response.template.name == "accounts/login.html"
        assert response.context["error"] == ""
        assert 'name="email"' in response.text and 'type="password"' in response.text

    def test_a_member_lands_on_the_page_they_asked_for(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
            app = make_workspace_app(session)
        token = login_form(client)

        response = client.post(
            "/admin/login",
            data={
                "email": "Owner@Example.com",
                "password": PASSWORD,
                "login_token": token,
                "next": f"/admin/apps/{app.id}",
            },
            follow_redirects=False,
        )

        assert response.status_code == 303
        assert response.headers["location"] == f"/admin/apps/{app.id}"

    def test_a_next_address_on_another_site_is_ignored(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
        token = login_form(client)

        response = client.post(
            "/admin/login",
            data={
                "email": "owner@example.com",
                "password": PASSWORD,
                "login_token": token,
                "next": "//evil.example/admin/",
            },
            follow_redirects=False,
        )

        assert response.headers["location"] == "http://testserver/admin/"

    def test_an_unknown_email_and_a_wrong_password_look_the_same(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
        token = login_form(client)

        unknown = client.post(
            "/admin/login",
            data={"email": "nobody@example.com", "password": PASSWORD, "login_token": token},
        )
        wrong = client.post(
            "/admin/login",
            data={
                "email": "owner@example.com",
                "password": "not the password",
                "login_token": token,
            },
        )

        assert unknown.status_code == wrong.status_code == 400
        assert unknown.context["error"] == wrong.context["error"]
        assert unknown.context["error"] == "That email and password do not match an account."
        assert COOKIE not in client.cookies

    def test_a_login_form_without_its_token_is_refused(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
        login_form(client)

        response = client.post(
            "/admin/login", data={"email": "owner@example.com", "password": PASSWORD}
        )

        assert response.status_code == 403
        assert response.context["error"] == "Your login form expired. Please try again."
        assert COOKIE not in client.cookies

    def test_repeated_failures_lock_the_email_for_a_while(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
        token = login_form(client)
        for _ in range(5):
            client.post(
                "/admin/login",
                data={
                    "email": "owner@example.com",
                    "password": "guess-guess",
                    "login_token": token,
                },
            )

        response = client.post(
            "/admin/login",
            data={"email": "owner@example.com", "password": PASSWORD, "login_token": token},
        )

        assert response.status_code == 429
        assert response.context["error"] == (
            "Too many failed attempts. Wait 15 minutes, then try again."
        )
        assert COOKIE not in client.cookies
        with db.read() as session:
            failures = session.exec(select(AuditEntry).where(AuditEntry.action == "login.failed"))
            assert len(failures.all()) == 5


class TestSessions:
    def test_the_cookie_holds_only_a_random_id_stored_as_a_digest(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)

        sign_in(client, "owner@example.com")

        token = client.cookies[COOKIE]
        assert len(token) >= 40
        with db.read() as session:
            (row,) = session.exec(select(AdminSession)).all()
        assert row.id != token and len(row.id) == 64

    def test_the_cookie_is_http_only_and_same_site_lax(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
        token = login_form(client)

        response = client.post(
            "/admin/login",
            data={"email": "owner@example.com", "password": PASSWORD, "login_token": token},
            follow_redirects=False,
        )

        cookie = [v for k, v in response.headers.multi_items() if k == "set-cookie" and COOKIE in v]
        assert len(cookie) == 1
        assert "HttpOnly" in cookie[0] and "SameSite=lax" in cookie[0] and "Path=/" in cookie[0]

    def test_logging_in_again_replaces_the_session_id(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
        sign_in(client, "owner@example.com")
        first = client.cookies[COOKIE]
        client.cookies.delete(COOKIE)
        token = login_form(client)
        client.cookies.set(COOKIE, first, domain="testserver.local")

        client.post(
            "/admin/login",
            data={"email": "owner@example.com", "password": PASSWORD, "login_token": token},
        )

        assert client.cookies[COOKIE] != first
        with db.read() as session:
            assert len(session.exec(select(AdminSession)).all()) == 1

    def test_after_logout_the_old_cookie_opens_nothing(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
        csrf = sign_in(client, "owner@example.com")
        old = client.cookies[COOKIE]

        response = post(client, "/admin/logout", csrf)
        client.cookies.set(COOKIE, old, domain="testserver.local")
        after = client.get("/admin/apps/", follow_redirects=False)

        assert response.status_code == 303
        assert after.status_code == 303
        assert after.headers["location"].startswith("http://testserver/admin/login")

    def test_disabling_a_user_ends_their_session(self, client: TestClient, db: Database) -> None:
        with db.write() as session:
            user = make_admin(session)
        sign_in(client, "owner@example.com")
        with db.write() as session:
            row = session.get(AdminUser, user.id)
            assert row is not None
            row.is_active = False
            session.add(row)

        response = client.get("/admin/apps/", follow_redirects=False)

        assert response.status_code == 303


class TestSecurityHeaders:
    def test_signed_in_pages_carry_a_strict_csp_and_are_not_cached(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
        sign_in(client, "owner@example.com")

        response = client.get("/admin/apps/")

        csp = response.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"
        assert response.headers["cache-control"] == "no-store"
        assert "access-control-allow-origin" not in response.headers

    def test_error_pages_show_no_stack_trace_and_keep_the_headers(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
        sign_in(client, "owner@example.com")

        response = client.get("/admin/guides/99999")

        assert response.status_code == 404
        assert response.template.name == "error.html"
        assert response.context["message"] == "no guide with id 99999"
        assert "Traceback" not in response.text
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]

    def test_the_admin_has_no_inline_script_or_style(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
            make_workspace_app(session)
        sign_in(client, "owner@example.com")

        for path in ("/admin/apps/", "/admin/members/", "/admin/audit", "/admin/apps/new"):
            html = client.get(path).text
            assert "<script>" not in html and "style=" not in html and "<style" not in html


class TestMembers:
    @pytest.mark.parametrize(
        ("email", "role", "field"),
        [("not an address", "editor", "email"), ("sam@example.com", "emperor", "role")],
    )
    def test_a_bad_invitation_is_marked_next_to_its_field_and_keeps_what_was_typed(
        self, client: TestClient, db: Database, email: str, role: str, field: str
    ) -> None:
        with db.write() as session:
            make_admin(session)
        csrf = sign_in(client, "owner@example.com")

        response = post(client, "/admin/members/invite", csrf, email=email, role=role)

        assert response.status_code == 422
        assert response.template.name == "members/list.html"
        assert list(response.context["errors"]) == [field]
        assert f'aria-describedby="{field}-error"' in response.text
        assert f'<p class="field-error" id="{field}-error">' in response.text
        assert f'value="{email}"' in response.text

    def test_an_owner_invites_someone_who_joins_with_the_link(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session)
        csrf = sign_in(client, "owner@example.com")

        invited = post(
            client, "/admin/members/invite", csrf, email="Sam@Example.com", role="editor"
        )
        link = invited.context["invite_link"]
        post(client, "/admin/logout", csrf)
        joining = client.get(link)
        joined = client.post(
            link,
            data={"password": "a long new password", "password_again": "a long new password"},
            follow_redirects=False,
        )

        assert invited.status_code == 201
        assert invited.template.name == "members/list.html"
        assert "It works once, for 7 days" in invited.text
        assert joining.template.name == "accounts/invitation.html"
        assert "Join as editor" in joining.text
        assert joined.status_code == 303
        sign_in(client, "sam@example.com", "a long new password")
        page = client.get("/admin/apps/")
        assert page.context["admin"].role == Role.editor
        assert client.get(link).status_code == 404

    def test_the_last_owner_cannot_give_up_the_role(self, client: TestClient, db: Database) -> None:
        with db.write() as session:
            owner = make_admin(session)
        csrf = sign_in(client, "owner@example.com")

        response = post(client, f"/admin/members/{owner.id}/role", csrf, role="viewer")

        assert response.status_code == 403
        assert response.context["message"] == (
            "a workspace needs at least one owner; make someone else owner first"
        )
        with db.read() as session:
            assert session.exec(select(Membership.role)).all() == ["owner"]

    def test_a_viewer_sees_no_edit_controls(self, client: TestClient, db: Database) -> None:
        with db.write() as session:
            make_admin(session, "viewer@example.com", "viewer")
            app = make_workspace_app(session)
        sign_in(client, "viewer@example.com")

        pages = [
            client.get("/admin/apps/"),
            client.get(f"/admin/apps/{app.id}"),
            client.get(f"/admin/apps/{app.id}/install"),
        ]

        for page in pages:
            assert page.status_code == 200
            assert "New app" not in page.text
            assert "Edit app" not in page.text
            assert "Replace the public key" not in page.text
            assert 'name="csrf_token"' in page.text  # the log-out form only
            assert page.text.count('method="post"') == 1
        assert csrf_token(client)


class TestWorkspaces:
    def test_a_member_of_two_workspaces_switches_between_their_apps(
        self, client: TestClient, db: Database
    ) -> None:
        with db.write() as session:
            make_admin(session, workspace="Acme team")
            make_admin(session, workspace="Side project", role="viewer")
            make_workspace_app(session, workspace="Acme team", name="Acme")
            make_workspace_app(session, workspace="Side project", name="Side")
        csrf = sign_in(client, "owner@example.com")
        first = client.get("/admin/apps/")
        (side_id,) = [
            id for id, name in first.context["admin"].workspaces if name == "Side project"
        ]

        switched = post(client, "/admin/workspace", csrf, workspace_id=str(side_id))
        second = client.get("/admin/apps/")
        foreign = post(client, "/admin/workspace", csrf, workspace_id="999")

        assert [app.name for app in first.context["apps"]] == ["Acme"]
        assert 'id="workspace-switch"' in first.text
        assert switched.status_code == 303
        assert [app.name for app in second.context["apps"]] == ["Side"]
        assert (second.context["admin"].workspace_name, second.context["admin"].role) == (
            "Side project",
            Role.viewer,
        )
        assert foreign.status_code == 404
