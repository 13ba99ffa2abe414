"""The admin's route table. Every route is wrapped by `page`, `action` or `public`
(admin/guard.py); tests walk this table to prove it."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from admin.guard import action, page, public
from admin.views import (
    accounts,
    analytics,
    api_tokens,
    apps,
    audit_log,
    friction,
    guide_analytics,
    guides,
    lifecycle,
    members,
    picker,
    resource_center,
    server_keys,
    webhooks,
    why,
)
from server.accounts import Role

STATIC = Path(__file__).parent / "static"


def home(request: Request) -> Response:
    return RedirectResponse(request.url_for("admin:apps:list"), status_code=303)


def _get(path: str, handler: object, name: str, role: Role = Role.viewer) -> Route:
    return Route(path, page(handler, role), methods=["GET"], name=name)  # type: ignore[arg-type]


def _post(path: str, handler: object, name: str, role: Role = Role.editor) -> Route:
    return Route(path, action(handler, role), methods=["POST"], name=name)  # type: ignore[arg-type]


app_routes: list[BaseRoute] = [
    _get("/", apps.list_apps, "list"),
    _get("/new", apps.new_app, "new", Role.owner),
    _post("/", apps.create, "create", Role.owner),
    _get("/{app_id:int}", apps.detail, "detail"),
    _get("/{app_id:int}/install", apps.install, "install"),
    _get("/{app_id:int}/edit", apps.edit, "edit", Role.owner),
    _post("/{app_id:int}/edit", apps.update, "update", Role.owner),
    _post("/{app_id:int}/rotate-key", apps.rotate_key, "rotate_key", Role.owner),
    _post("/{app_id:int}/identity-secret", apps.identity_secret, "identity_secret", Role.owner),
    _post("/{app_id:int}/identity-mode", apps.identity_mode, "identity_mode", Role.owner),
]

# Guides of one app live under /apps/{app_id}/guides; a guide's own pages under /guides/{id}.
app_guide_routes: list[BaseRoute] = [
    _get("/", guides.list_page, "list"),
    _get("/new", guides.new_page, "new", Role.editor),
    _post("/new", guides.create, "create"),
]

guide_routes: list[BaseRoute] = [
    _get("/{guide_id:int}", guides.detail, "detail"),
    _get("/{guide_id:int}/edit", guides.edit_page, "edit", Role.editor),
    _post("/{guide_id:int}/edit", guides.update, "update"),
    _post("/{guide_id:int}/publish", lifecycle.publish, "publish"),
    _post("/{guide_id:int}/unpublish", lifecycle.unpublish, "unpublish"),
    _post("/{guide_id:int}/archive", lifecycle.archive, "archive"),
    _post("/{guide_id:int}/duplicate", lifecycle.duplicate, "duplicate"),
    _get("/{guide_id:int}/versions", lifecycle.versions, "versions"),
    _get("/{guide_id:int}/why", why.why, "why"),
    _get("/{guide_id:int}/versions/{number:int}", lifecycle.version_detail, "version"),
    _post("/{guide_id:int}/rollback", lifecycle.rollback, "rollback"),
    _post("/{guide_id:int}/picker", picker.start, "picker_start"),
    _get("/{guide_id:int}/picks/{pick_id:str}", picker.result, "pick", Role.editor),
    _post("/{guide_id:int}/preview", picker.preview, "preview"),
]

# The friction report of one app; every member may read it.
friction_routes: list[BaseRoute] = [
    _get("/", friction.report, "report"),
]

# Analytics: read-only pages and their CSV downloads, open to every role.
analytics_routes: list[BaseRoute] = [
    _get("/", analytics.overview, "overview"),
    _get("/export", analytics.overview_export, "export"),
    _get("/users", analytics.journey, "journey"),
    _get("/users/export", analytics.journey_export, "journey_export"),
]

guide_analytics_routes: list[BaseRoute] = [
    _get("/", guide_analytics.guide_analytics, "page"),
    _get("/export", guide_analytics.guide_export, "export"),
    _get("/survey", guide_analytics.surveys, "survey"),
    _get("/survey/export", guide_analytics.survey_export, "survey_export"),
]

member_routes: list[BaseRoute] = [
    _get("/", members.list_members, "list", Role.owner),
    _post("/invite", members.invite, "invite", Role.owner),
    _post("/{user_id:int}/role", members.change_role, "role", Role.owner),
    _post("/{user_id:int}/remove", members.remove, "remove", Role.owner),
    _post("/{user_id:int}/reset-link", members.reset_link, "reset_link", Role.owner),
    _post("/{user_id:int}/disable", members.disable, "disable", Role.owner),
    _post("/{user_id:int}/enable", members.enable, "enable", Role.owner),
    _post(
        "/invitations/{invitation_id:int}/revoke",
        members.revoke_invitation,
        "revoke_invitation",
        Role.owner,
    ),
]

webhook_routes: list[BaseRoute] = [
    _get("/", webhooks.list_endpoints, "list"),
    _post("/", webhooks.create, "create", Role.owner),
    _get("/{endpoint_id:int}", webhooks.deliveries, "deliveries"),
    _post("/{endpoint_id:int}/rotate-secret", webhooks.rotate, "rotate", Role.owner),
    _post("/{endpoint_id:int}/remove", webhooks.remove, "remove", Role.owner),
    _post("/deliveries/{delivery_id:int}/resend", webhooks.resend, "resend", Role.owner),
]

resource_center_routes: list[BaseRoute] = [
    _get("/", resource_center.page, "page"),
    _post("/", resource_center.save, "save"),
]

server_key_routes: list[BaseRoute] = [
    _get("/", server_keys.show, "show", Role.owner),
    _post("/", server_keys.create, "create", Role.owner),
]

api_token_routes: list[BaseRoute] = [
    _get("/", api_tokens.list_tokens, "list", Role.owner),
    _post("/", api_tokens.create, "create", Role.owner),
    _post("/{token_id:int}/revoke", api_tokens.revoke, "revoke", Role.owner),
]

routes: list[BaseRoute] = [
    _get("/", home, "home"),
    Route("/login", public(accounts.login_form), methods=["GET"], name="login"),
    Route("/login", public(accounts.login, writes=True), methods=["POST"], name="login_submit"),
    _post("/logout", accounts.logout, "logout", Role.viewer),
    _post("/workspace", accounts.switch, "switch_workspace", Role.viewer),
    _get("/account", accounts.account, "account"),
    _post("/account/password", accounts.change_password, "change_password", Role.viewer),
    Route(
        "/password-reset/{token:str}",
        public(accounts.reset_form),
        methods=["GET"],
        name="password_reset",
    ),
    Route(
        "/password-reset/{token:str}",
        public(accounts.use_reset, writes=True),
        methods=["POST"],
        name="use_password_reset",
    ),
    Route(
        "/invitations/{token:str}",
        public(accounts.invitation_form),
        methods=["GET"],
        name="invitation",
    ),
    Route(
        "/invitations/{token:str}",
        public(accounts.accept_invitation, writes=True),
        methods=["POST"],
        name="accept_invitation",
    ),
    # Before "/apps": a Mount that matches a prefix never falls through to the next one.
    Mount("/apps/{app_id:int}/guides", routes=app_guide_routes, name="guides"),
    Mount("/apps/{app_id:int}/friction", routes=friction_routes, name="friction"),
    _get("/friction", friction.home, "friction_home"),
    Mount("/apps/{app_id:int}/analytics", routes=analytics_routes, name="analytics"),
    Mount("/apps/{app_id:int}/webhooks", routes=webhook_routes, name="webhooks"),
    Mount("/apps/{app_id:int}/server-key", routes=server_key_routes, name="server_key"),
    Mount(
        "/apps/{app_id:int}/resource-center",
        routes=resource_center_routes,
        name="resource_center",
    ),
    Mount("/apps", routes=app_routes, name="apps"),
    Mount(
        "/guides/{guide_id:int}/analytics", routes=guide_analytics_routes, name="guide_analytics"
    ),
    Mount("/guides", routes=guide_routes, name="guides"),
    Mount("/members", routes=member_routes, name="members"),
    Mount("/api-tokens", routes=api_token_routes, name="api_tokens"),
    _get("/audit", audit_log.list_entries, "audit", Role.owner),
    _get("/analytics", analytics.home, "analytics_home"),
    Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
]
