"""Walks the admin's whole route table: anonymous visitors are sent to the login page, a
viewer gets 403 on every write, every write refuses a missing, wrong or cross-site CSRF
token, and every write leaves an audit row. A new route fails here until it is covered."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlmodel import col, select
from starlette.routing import BaseRoute, Mount, Route
from starlette.testclient import TestClient

from admin.routes import routes as admin_routes
from analytics.webhooks import WebhookDelivery, create_endpoint
from guides import App
from server.accounts import Role, ensure_workspace, invite
from server.api_tokens import create_api_token
from server.audit import AuditEntry
from server.db import Database
from tests.admin_client import post, sign_in
from tests.factories import ORIGIN, PASSWORD, make_admin, make_published_guide, make_workspace_app


@dataclass(frozen=True)
class AdminRoute:
    method: str
    path: str
    name: str


def walk(
    routes: list[BaseRoute], prefix: str = "/admin", name: str = "admin"
) -> Iterator[AdminRoute]:
    for route in routes:
        if isinstance(route, Mount):
            if route.routes:
                yield from walk(list(route.routes), prefix + route.path, f"{name}:{route.name}")
        elif isinstance(route, Route):
            for method in sorted(route.methods or []):
                if method != "HEAD":
                    yield AdminRoute(method, prefix + route.path, f"{name}:{route.name}")


ROUTES = list(walk(admin_routes))
PUBLIC = {
    "admin:login",
    "admin:login_submit",
    "admin:invitation",
    "admin:accept_invitation",
    "admin:password_reset",
    "admin:use_password_reset",
}
PAGES = [r for r in ROUTES if r.method == "GET" and r.name not in PUBLIC]
WRITES = [r for r in ROUTES if r.method != "GET" and r.name not in PUBLIC]
# Writes every member may make about themselves.
ANY_MEMBER = {"admin:logout", "admin:switch_workspace", "admin:change_password"}

GUIDE_FORM = {
    "name": "Tour",
    "slug": "new-tour",
    "kind": "walkthrough",
    "priority": "0",
    "frequency": "once",
    "trigger_type": "page_load",
    "trigger_delay_ms": "0",
    "pages_include": "/dashboard",
    "pages_exclude": "",
    "audience_match": "all",
    "audience": "",
    "steps-0-title": "Hello",
    "steps-0-body": "Some **text**",
    "steps-0-selector": "#a",
    "steps-0-placement": "auto",
    "steps-0-missing_target": "skip",
    "steps-1-title": "Next",
    "steps-1-body": "More",
    "steps-1-selector": "#b",
    "steps-1-placement": "auto",
    "steps-1-missing_target": "skip",
    "op": "save",
}

# A valid body for every write route, and the audit action it must record.
VALID_WRITES: dict[str, tuple[dict[str, str], str]] = {
    "admin:logout": ({}, "logout"),
    "admin:switch_workspace": ({"workspace_id": "{other_workspace_id}"}, "workspace.switch"),
    "admin:apps:create": ({"name": "Beta", "origins": "https://beta.example.com"}, "app.create"),
    "admin:apps:update": ({"name": "Acme 2", "origins": ORIGIN}, "app.update"),
    "admin:apps:rotate_key": ({}, "app.rotate_key"),
    "admin:apps:identity_secret": ({}, "app.identity_secret"),
    "admin:apps:identity_mode": ({"identity_mode": "monitor"}, "app.identity_mode"),
    "admin:members:invite": ({"email": "new@example.com", "role": "viewer"}, "member.invite"),
    "admin:members:role": ({"role": "viewer"}, "member.role"),
    "admin:members:remove": ({}, "member.remove"),
    "admin:members:reset_link": ({}, "member.reset_link"),
    "admin:members:disable": ({}, "member.disable"),
    "admin:members:enable": ({}, "member.enable"),
    "admin:change_password": (
        {
            "current_password": PASSWORD,
            "new_password": "a brand new passphrase",
            "new_password_again": "a brand new passphrase",
        },
        "account.password",
    ),
    "admin:members:revoke_invitation": ({}, "invitation.revoke"),
    "admin:guides:create": (GUIDE_FORM, "guide.create"),
    "admin:guides:update": ({**GUIDE_FORM, "name": "Renamed tour"}, "guide.update"),
    "admin:guides:publish": ({}, "guide.publish"),
    "admin:guides:unpublish": ({}, "guide.unpublish"),
    "admin:guides:archive": ({}, "guide.archive"),
    "admin:guides:duplicate": ({}, "guide.duplicate"),
    "admin:guides:rollback": ({"number": "1"}, "guide.rollback"),
    "admin:guides:picker_start": (
        {"op": "pick:1", "pick_id": "0123456789abcdef", "picker_url": ORIGIN + "/dashboard"},
        "guide.pick_element",
    ),
    "admin:guides:preview": ({"picker_url": ORIGIN + "/dashboard"}, "guide.preview"),
    "admin:api_tokens:create": (
        {"name": "CI", "scope": "read", "app_ids": "{app_id}"},
        "api_token.create",
    ),
    "admin:api_tokens:revoke": ({}, "api_token.revoke"),
    "admin:webhooks:create": (
        {"url": "https://hooks.example.com/in", "events": "guide_completed"},
        "webhook.create",
    ),
    "admin:webhooks:rotate": ({}, "webhook.rotate_secret"),
    "admin:webhooks:remove": ({}, "webhook.delete"),
    "admin:webhooks:resend": ({}, "webhook.resend"),
    "admin:server_key:create": ({}, "app.server_key"),
    "admin:resource_center:save": (
        {"item": "guide:welcome", "position-guide:welcome": "1"},
        "app.resource_center",
    ),
}


@dataclass
class World:
    app_id: int
    guide_id: int
    member_id: int
    invitation_id: int
    invitation_token: str
    other_workspace_id: int
    token_id: int
    endpoint_id: int
    delivery_id: int

    def path(self, route: AdminRoute) -> str:
        values = {
            "app_id": self.app_id,
            "guide_id": self.guide_id,
            "user_id": self.member_id,
            "invitation_id": self.invitation_id,
            "token": self.invitation_token,
            "number": 1,
            "pick_id": "0123456789abcdef",
            "token_id": self.token_id,
            "endpoint_id": self.endpoint_id,
            "delivery_id": self.delivery_id,
        }
        return re.sub(r"\{(\w+):\w+\}", lambda m: str(values[m.group(1)]), route.path)

    def body(self, route: AdminRoute) -> dict[str, str]:
        data, _ = VALID_WRITES[route.name]
        return {
            key: value.format(other_workspace_id=self.other_workspace_id, app_id=self.app_id)
            for key, value in data.items()
        }


@pytest.fixture
def world(db: Database) -> World:
    with db.write() as session:
        make_admin(session, "owner@example.com", "owner")
        make_admin(session, "viewer@example.com", "viewer")
        member = make_admin(session, "member@example.com", "editor")
        make_admin(session, "owner@example.com", "owner", workspace="Side project")
        make_admin(session, "viewer@example.com", "viewer", workspace="Side project")
        other = ensure_workspace(session=session, name="Side project")
        app = make_workspace_app(session)
        guide = make_published_guide(session, app, "welcome", steps=2)
        workspace = ensure_workspace(session=session, name="Acme team")
        assert workspace.id and member.id and guide.id and app.id and other.id
        invitation, token = invite(
            session=session,
            workspace_id=workspace.id,
            email="later@example.com",
            role=Role.editor,
            invited_by_id=member.id,
        )
        assert invitation.id
        api_token, _ = create_api_token(
            session=session,
            workspace_id=workspace.id,
            name="CI",
            scope="read",
            app_ids=[app.id],
            created_by="owner@example.com",
        )
        assert api_token.id
        endpoint, _ = create_endpoint(
            session=session,
            app_id=app.id,
            url="https://hooks.example.com/in",
            events=["guide_completed"],
            server_key="k" * 40,
        )
        delivery = WebhookDelivery(
            endpoint_id=endpoint.id or 0,
            app_id=app.id,
            event_id="0190f5c8-0000-7000-8000-000000000001",
            event_type="guide_completed",
            payload={},
            status="failed",
        )
        session.add(delivery)
        session.flush()
        assert endpoint.id and delivery.id
        return World(
            app.id,
            guide.id,
            member.id,
            invitation.id,
            token,
            other.id,
            api_token.id,
            endpoint.id,
            delivery.id,
        )


def audit_actions(db: Database) -> list[str]:
    with db.read() as session:
        return [e.action for e in session.exec(select(AuditEntry).order_by(col(AuditEntry.id)))]


def test_the_route_table_has_what_these_tests_expect() -> None:
    assert len(PAGES) >= 10
    assert {route.name for route in WRITES} == set(VALID_WRITES)


REDIRECTS = {"admin:home", "admin:friction_home"}  # pages that send you on to another
EXPECTED_TEMPLATES = {
    "admin:home": None,
    "admin:apps:list": "apps/list.html",
    "admin:apps:new": "apps/edit.html",
    "admin:apps:detail": "apps/detail.html",
    "admin:apps:install": "apps/install.html",
    "admin:apps:edit": "apps/edit.html",
    "admin:guides:list": "guides/list.html",
    "admin:guides:new": "guides/edit.html",
    "admin:guides:detail": "guides/detail.html",
    "admin:guides:edit": "guides/edit.html",
    "admin:guides:versions": "guides/versions.html",
    "admin:guides:version": "guides/version.html",
    "admin:guides:why": "guides/why.html",
    "admin:guides:pick": None,
    "admin:members:list": "members/list.html",
    "admin:account": "accounts/account.html",
    "admin:audit": "audit/list.html",
    "admin:friction_home": None,
    "admin:friction:report": "friction/report.html",
    "admin:analytics_home": "analytics/home.html",
    "admin:analytics:overview": "analytics/overview.html",
    "admin:analytics:export": None,
    "admin:analytics:journey": "analytics/journey.html",
    "admin:analytics:journey_export": "error.html",
    "admin:guide_analytics:page": "analytics/guide.html",
    "admin:guide_analytics:export": None,
    "admin:guide_analytics:survey": "analytics/surveys.html",
    "admin:guide_analytics:survey_export": None,
    "admin:api_tokens:list": "api_tokens/list.html",
    "admin:webhooks:list": "webhooks/list.html",
    "admin:webhooks:deliveries": "webhooks/deliveries.html",
    "admin:server_key:show": "server_keys/page.html",
    "admin:resource_center:page": "apps/resource_center.html",
}
# Pages that answer something else than 200 when opened without a query string.
EXPECTED_STATUS = {"admin:analytics:journey_export": 404}


class TestOwners:
    def test_every_page_answers_and_no_get_changes_anything(
        self, client: TestClient, db: Database, world: World
    ) -> None:
        sign_in(client, "owner@example.com")
        seen = {}
        for route in PAGES:
            response = client.get(world.path(route), follow_redirects=False)
            template = getattr(response, "template", None)
            seen[route.name] = (response.status_code, template.name if template else None)

        assert seen == {
            name: (EXPECTED_STATUS.get(name, 303 if name in REDIRECTS else 200), template)
            for name, template in EXPECTED_TEMPLATES.items()
        }
        assert audit_actions(db) == ["login"]


class TestAnonymousVisitors:
    def test_every_admin_page_sends_them_to_the_login_page(
        self, client: TestClient, world: World
    ) -> None:
        wrong = []
        for route in PAGES:
            path = world.path(route)
            response = client.get(path, follow_redirects=False)
            expected = "http://testserver/admin/login"
            if path != "/admin/":
                expected += f"?next={path}"
            if (response.status_code, response.headers.get("location")) != (303, expected):
                wrong.append((route.name, response.status_code, response.headers.get("location")))

        assert wrong == []

    def test_every_write_sends_them_to_the_login_page_and_changes_nothing(
        self, client: TestClient, db: Database, world: World
    ) -> None:
        wrong = []
        for route in WRITES:
            response = client.post(
                world.path(route), data=world.body(route), follow_redirects=False
            )
            location = response.headers.get("location")
            if (response.status_code, location) != (303, "http://testserver/admin/login"):
                wrong.append((route.name, response.status_code, location))

        assert wrong == []
        assert audit_actions(db) == []


class TestViewers:
    def test_every_write_is_forbidden_with_the_403_page(
        self, client: TestClient, db: Database, world: World
    ) -> None:
        csrf = sign_in(client, "viewer@example.com")
        wrong = []
        for route in WRITES:
            if route.name in ANY_MEMBER:
                continue
            response = post(client, world.path(route), csrf, **world.body(route))
            if (
                response.status_code != 403
                or response.template.name != "error.html"
                or response.context["code"] != "forbidden"
                or "this needs the" not in response.context["message"]
                or "Your role does not allow this" not in response.text
            ):
                wrong.append((route.name, response.status_code))

        assert wrong == []
        assert audit_actions(db) == ["login"]


CSRF_CASES = {
    "missing": ("", {}),
    "wrong": ("wrong-token", {}),
    "foreign-origin": (None, {"Origin": "https://evil.example"}),
    "cross-site-fetch": (None, {"Sec-Fetch-Site": "cross-site"}),
}


class TestCsrf:
    @pytest.mark.parametrize("route", WRITES, ids=lambda r: r.name)
    def test_every_write_refuses_a_request_that_is_not_from_our_own_page(
        self, client: TestClient, db: Database, world: World, route: AdminRoute
    ) -> None:
        csrf = sign_in(client, "owner@example.com")
        outcomes = {}
        for case, (token, headers) in CSRF_CASES.items():
            body: dict[str, Any] = {
                **world.body(route),
                "csrf_token": csrf if token is None else token,
            }
            response = client.post(
                world.path(route), data=body, headers=headers, follow_redirects=False
            )
            outcomes[case] = (
                response.status_code,
                response.template.name,
                response.context["message"].startswith("This form did not come from"),
            )

        assert outcomes == {case: (403, "error.html", True) for case in CSRF_CASES}
        assert audit_actions(db) == ["login"]

    def test_a_cross_site_form_post_without_the_token_creates_nothing(
        self, client: TestClient, db: Database, world: World
    ) -> None:
        sign_in(client, "owner@example.com")

        response = client.post(
            "/admin/apps/",
            data={"name": "Evil", "origins": "https://evil.example"},
            headers={"Origin": "https://evil.example"},
            follow_redirects=False,
        )

        assert response.status_code == 403
        with db.read() as session:
            assert [app.name for app in session.exec(select(App))] == ["Acme"]


class TestAudit:
    @pytest.mark.parametrize("route", WRITES, ids=lambda r: r.name)
    def test_every_write_leaves_an_audit_row(
        self, client: TestClient, db: Database, world: World, route: AdminRoute
    ) -> None:
        csrf = sign_in(client, "owner@example.com")

        response = post(client, world.path(route), csrf, **world.body(route))

        assert response.status_code in (200, 201, 303), response.text
        assert audit_actions(db) == ["login", VALID_WRITES[route.name][1]]
        with db.read() as session:
            entry = session.exec(select(AuditEntry).order_by(col(AuditEntry.id).desc())).first()
        assert entry is not None
        assert (entry.actor_email, entry.ip) == ("owner@example.com", "testclient")
