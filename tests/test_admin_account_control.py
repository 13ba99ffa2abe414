"""Owners reset a member's password with a one-time link, disable and enable accounts; users
change their own password. A disabled user's open session dies at its next request (C7) and
they cannot log in; every change is in the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlmodel import col, select
from starlette.testclient import TestClient

from guides.columns import utcnow
from server.account_control import PasswordReset
from server.app import create_app
from server.audit import AuditEntry
from server.db import Database
from server.sessions import AdminSession
from server.settings import Settings
from tests.admin_client import post, sign_in
from tests.factories import PASSWORD, make_admin, make_workspace_app

NEW_PASSWORD = "a different long passphrase"


@pytest.fixture
def member_id(db: Database) -> int:
    with db.write() as session:
        make_admin(session, "owner@example.com", "owner")
        member = make_admin(session, "member@example.com", "editor")
        make_workspace_app(session)
        assert member.id
        return member.id


@pytest.fixture
def second(settings: Settings) -> Iterator[TestClient]:
    """Another browser: the member's own."""
    with TestClient(create_app(settings)) as other:
        yield other


def can_log_in(client: TestClient, email: str, password: str) -> bool:
    form = client.get("/admin/login")
    response = client.post(
        "/admin/login",
        data={"email": email, "password": password, "login_token": form.context["login_token"]},
        follow_redirects=False,
    )
    return response.status_code == 303


def fresh_login(client: TestClient, email: str, password: str) -> bool:
    """Whether a new browser can log in with these credentials."""
    with TestClient(client.app) as browser:
        return can_log_in(browser, email, password)


def actions(db: Database) -> list[str]:
    with db.read() as session:
        return [e.action for e in session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))]


def reset_link(client: TestClient, member_id: int, csrf: str = "") -> str:
    csrf = csrf or sign_in(client, "owner@example.com")
    response = post(client, f"/admin/members/{member_id}/reset-link", csrf)
    assert response.status_code == 201, response.text
    link = str(response.context["reset_link"])
    assert link in response.text
    return link.removeprefix("http://testserver")


class TestResetLink:
    def test_the_member_sets_a_new_password_once_and_is_signed_out_everywhere(
        self, client: TestClient, second: TestClient, db: Database, member_id: int
    ) -> None:
        sign_in(second, "member@example.com")
        path = reset_link(client, member_id)

        form = second.get(path)
        assert form.status_code == 200 and "member@example.com" in form.text
        # The member's old session died with the reset: the next page asks for a login.
        response = second.post(
            path,
            data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
            follow_redirects=False,
        )
        assert response.status_code == 303
        assert response.headers["location"].endswith("/admin/login?done=password_reset")
        assert second.get("/admin/apps/", follow_redirects=False).status_code == 303

        assert can_log_in(second, "member@example.com", NEW_PASSWORD)
        assert not fresh_login(second, "member@example.com", PASSWORD)
        assert second.get(path).status_code == 404  # used once
        with db.read() as session:
            stored = session.exec(select(PasswordReset)).one()
        assert path.rsplit("/", 1)[1] not in stored.token_digest
        assert "member.reset_link" in actions(db) and "account.password_reset" in actions(db)

    def test_an_expired_link_or_a_mismatched_repeat_changes_nothing(
        self, client: TestClient, second: TestClient, db: Database, member_id: int
    ) -> None:
        path = reset_link(client, member_id)

        differ = second.post(path, data={"password": NEW_PASSWORD, "password_again": "other one!"})
        short = second.post(path, data={"password": "short", "password_again": "short"})
        assert (differ.status_code, differ.context["errors"]) == (
            400,
            {"password_again": "the two passwords differ"},
        )
        assert short.status_code == 400 and "10 characters" in short.context["errors"]["password"]
        with db.write() as session:
            reset = session.exec(select(PasswordReset)).one()
            reset.expires_at = utcnow() - timedelta(seconds=1)
            session.add(reset)
        expired = second.post(path, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD})

        assert expired.status_code == 404
        assert can_log_in(second, "member@example.com", PASSWORD)

    def test_a_new_link_replaces_the_previous_one(
        self, client: TestClient, second: TestClient, member_id: int
    ) -> None:
        csrf = sign_in(client, "owner@example.com")
        first = reset_link(client, member_id, csrf)
        latest = reset_link(client, member_id, csrf)

        assert second.get(first).status_code == 404
        assert second.get(latest).status_code == 200


class TestDisable:
    def test_a_disabled_member_is_signed_out_at_once_and_cannot_log_in_until_enabled(
        self, client: TestClient, second: TestClient, db: Database, member_id: int
    ) -> None:
        sign_in(second, "member@example.com")
        csrf = sign_in(client, "owner@example.com")

        response = post(client, f"/admin/members/{member_id}/disable", csrf)

        assert response.status_code == 303
        assert second.get("/admin/apps/", follow_redirects=False).status_code == 303
        assert not can_log_in(second, "member@example.com", PASSWORD)
        with db.read() as session:
            assert (
                session.exec(select(AdminSession).where(AdminSession.user_id == member_id)).all()
                == []
            )
        page = client.get("/admin/members/")
        assert "Disabled" in page.text and "Enable member@example.com" in page.text

        post(client, f"/admin/members/{member_id}/enable", csrf)

        assert can_log_in(second, "member@example.com", PASSWORD)
        with db.read() as session:
            entries = session.exec(
                select(AuditEntry).where(col(AuditEntry.action).startswith("member."))
            ).all()
        assert [(e.action, e.before, e.after) for e in entries] == [
            ("member.disable", {"active": True}, {"active": False}),
            ("member.enable", {"active": False}, {"active": True}),
        ]

    def test_an_owner_cannot_disable_someone_who_is_also_in_a_workspace_they_do_not_own(
        self, client: TestClient, db: Database, member_id: int
    ) -> None:
        with db.write() as session:
            make_admin(session, "member@example.com", "owner", workspace="Their own")
        csrf = sign_in(client, "owner@example.com")

        disable = post(client, f"/admin/members/{member_id}/disable", csrf)
        reset = post(client, f"/admin/members/{member_id}/reset-link", csrf)

        assert disable.status_code == reset.status_code == 403
        assert "Their own" in disable.context["message"]
        assert fresh_login(client, "member@example.com", PASSWORD)

    def test_an_owner_cannot_disable_themselves(
        self, client: TestClient, db: Database, member_id: int
    ) -> None:
        csrf = sign_in(client, "owner@example.com")
        with db.read() as session:
            me = session.exec(select(AdminSession)).one().user_id

        response = post(client, f"/admin/members/{me}/disable", csrf)

        assert response.status_code == 403
        assert client.get("/admin/apps/").status_code == 200


class TestOwnPassword:
    def test_a_user_changes_their_password_and_their_other_sessions_end(
        self, client: TestClient, second: TestClient, db: Database, member_id: int
    ) -> None:
        sign_in(second, "member@example.com")
        csrf = sign_in(client, "member@example.com")

        response = post(
            client,
            "/admin/account/password",
            csrf,
            current_password=PASSWORD,
            new_password=NEW_PASSWORD,
            new_password_again=NEW_PASSWORD,
        )

        assert response.status_code == 303
        assert "Your password was changed" in client.get(response.headers["location"]).text
        assert second.get("/admin/apps/", follow_redirects=False).status_code == 303
        assert can_log_in(second, "member@example.com", NEW_PASSWORD)
        assert actions(db).count("account.password") == 1

    def test_a_wrong_current_password_shows_next_to_its_field(
        self, client: TestClient, member_id: int
    ) -> None:
        csrf = sign_in(client, "member@example.com")

        response = post(
            client,
            "/admin/account/password",
            csrf,
            current_password="not my password",
            new_password=NEW_PASSWORD,
            new_password_again=NEW_PASSWORD,
        )

        assert response.status_code == 400
        assert response.context["errors"] == {
            "current_password": "that is not your current password"
        }
        assert 'aria-describedby="current_password-error"' in response.text or (
            "current_password-error" in response.text
        )
        assert fresh_login(client, "member@example.com", PASSWORD)
