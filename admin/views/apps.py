"""Apps: list, create, edit, rotate the public key, identity secret, install snippet."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from admin.forms import errors_by_field
from admin.guard import current_admin
from admin.templating import render
from admin.views.common import audit, db_of, redirect_to, state_of, text
from analytics.targeting_health import broken_targets
from guides import store
from guides.anticipation import StruggleSettings, StruggleSignal, update_struggle
from guides.apps import (
    create_app,
    get_app,
    new_identity_secret,
    parse_origins,
    rotate_public_key,
    update_app,
    update_theme,
)
from guides.errors import AppNotFound, SignpostError
from guides.identity import IdentityMode, set_identity_mode
from guides.models import App
from guides.themes import DEFAULT_THEME, THEME_FIELDS
from server import accounts
from server.sessions import SignedIn


def app_of_workspace(session: Session, admin: SignedIn, app_id: int) -> App:
    """The app, if it belongs to the admin's workspace; otherwise it does not exist for them."""
    if accounts.workspace_of_app(session, app_id) != admin.workspace_id:
        raise AppNotFound(f"no app with id {app_id}")
    return get_app(session, app_id)


def app_fields(app: App) -> dict[str, Any]:
    return {
        "name": app.name,
        "public_key": app.public_key,
        "allowed_origins": app.allowed_origins,
        "theme": app.theme,
        "struggle": app.struggle,
    }


def _values(request: Request) -> dict[str, str]:
    values = {"name": text(request, "name"), "origins": text(request, "origins")}
    for key in THEME_FIELDS:
        values[f"theme_{key}"] = text(request, f"theme_{key}")
    # The struggle fieldset is only on the edit page; its marker says it was sent.
    if text(request, "struggle_form"):
        values["struggle_enabled"] = "on" if text(request, "struggle_enabled") else ""
        values["struggle_stall_seconds"] = text(request, "struggle_stall_seconds").strip()
        for signal in StruggleSignal:
            values[f"struggle_{signal.value}"] = (
                "on" if text(request, f"struggle_{signal.value}") else ""
            )
    return values


def _struggle_values(app: App) -> dict[str, str]:
    settings = StruggleSettings.of(app.struggle)
    values = {
        "struggle_enabled": "on" if settings.enabled else "",
        "struggle_stall_seconds": str(settings.stall_seconds),
    }
    for signal in StruggleSignal:
        values[f"struggle_{signal.value}"] = "on" if signal in settings.signals else ""
    return values


def _struggle(values: dict[str, str]) -> dict[str, Any] | None:
    """The struggle settings sent with the form, or None when the form had none."""
    if "struggle_enabled" not in values:
        return None
    stall = values["struggle_stall_seconds"]
    return {
        "enabled": values["struggle_enabled"] == "on",
        "signals": [s.value for s in StruggleSignal if values.get(f"struggle_{s.value}") == "on"],
        "stall_seconds": int(stall) if stall.isdigit() and len(stall) < 7 else stall,
    }


def _theme(values: dict[str, str]) -> dict[str, str]:
    return {key: values.get(f"theme_{key}", "") for key in THEME_FIELDS}


def _editor(
    request: Request,
    app: App | None,
    values: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "apps/edit.html",
        {"app": app, "values": values, "errors": errors, "default_theme": DEFAULT_THEME},
        status_code=status_code,
    )


def snippet(request: Request, app: App) -> str:
    base = state_of(request).settings.public_url
    return (
        "<script>window.Signpost=window.Signpost||function(){"
        "(Signpost.q=Signpost.q||[]).push(arguments)};</script>\n"
        f'<script src="{base}/sdk/v1/signpost.js" data-app-key="{app.public_key}" async>'
        "</script>\n"
        "<script>Signpost('identify', 'USER_ID', {plan: 'PLAN'});</script>"
    )


def list_apps(request: Request) -> Response:
    admin = current_admin(request)
    with db_of(request).read() as session:
        apps = store.apps_by_ids(
            session, accounts.app_ids_of_workspace(session, admin.workspace_id)
        )
        counts = {app.id: len(store.guides_of_app(session, app.id or 0)) for app in apps}
    return render(
        request,
        "apps/list.html",
        {"apps": apps, "guide_counts": counts, "done": request.query_params.get("done", "")},
    )


def new_app(request: Request) -> Response:
    return _editor(request, None, {"name": "", "origins": ""}, {})


def create(request: Request) -> Response:
    admin = current_admin(request)
    values = _values(request)
    try:
        with db_of(request).write() as session:
            app = create_app(
                session=session,
                name=values["name"],
                allowed_origins=parse_origins(values["origins"]),
            )
            app_id = app.id
            assert app_id is not None
            app = update_theme(session=session, app_id=app_id, values=_theme(values))
            accounts.add_app_to_workspace(
                session=session, app_id=app_id, workspace_id=admin.workspace_id
            )
            audit(
                session,
                request,
                "app.create",
                target_type="app",
                target_id=app.id,
                target_label=app.name,
                after=app_fields(app),
            )
    except SignpostError as error:
        return _editor(request, None, values, _errors(error), error.status)
    return redirect_to(request, "admin:apps:install", app_id=app.id, done="created")


def _errors(error: SignpostError) -> dict[str, str]:
    errors = errors_by_field(error.fields)
    if "allowed_origins" in errors:
        errors["origins"] = error.message
    if any(key.startswith(("theme.", "struggle.")) for key in errors):
        return errors
    return errors or {"name": error.message}


def detail(request: Request) -> Response:
    admin = current_admin(request)
    with db_of(request).read() as session:
        app = app_of_workspace(session, admin, request.path_params["app_id"])
        guides = store.guides_of_app(session, app.id or 0)
        secrets = store.active_app_secrets(session, app.id or 0)
        broken = broken_targets(session=session, app_id=app.id or 0)
    return render(
        request,
        "apps/detail.html",
        {
            "app": app,
            "guides": guides,
            "secrets": secrets,
            "broken_targets": broken,
            "identity_modes": list(IdentityMode),
            "snippet": snippet(request, app),
            "done": request.query_params.get("done", ""),
        },
    )


def install(request: Request) -> Response:
    admin = current_admin(request)
    with db_of(request).read() as session:
        app = app_of_workspace(session, admin, request.path_params["app_id"])
    return render(
        request,
        "apps/install.html",
        {
            "app": app,
            "snippet": snippet(request, app),
            "server": state_of(request).settings.public_url,
            "done": request.query_params.get("done", ""),
        },
    )


def edit(request: Request) -> Response:
    admin = current_admin(request)
    with db_of(request).read() as session:
        app = app_of_workspace(session, admin, request.path_params["app_id"])
    values = {"name": app.name, "origins": "\n".join(app.allowed_origins)}
    for key in THEME_FIELDS:
        if key in app.theme:
            values[f"theme_{key}"] = str(app.theme[key])
    values |= _struggle_values(app)
    return _editor(request, app, values, {})


def update(request: Request) -> Response:
    admin = current_admin(request)
    values = _values(request)
    app_id = request.path_params["app_id"]
    try:
        with db_of(request).write() as session:
            app = app_of_workspace(session, admin, app_id)
            before = app_fields(app)
            app = update_app(
                session=session,
                app_id=app_id,
                name=values["name"],
                allowed_origins=parse_origins(values["origins"]),
            )
            app = update_theme(session=session, app_id=app_id, values=_theme(values))
            struggle = _struggle(values)
            if struggle is not None:
                app = update_struggle(session=session, app_id=app_id, settings=struggle)
            audit(
                session,
                request,
                "app.update",
                target_type="app",
                target_id=app_id,
                target_label=app.name,
                before=before,
                after=app_fields(app),
            )
    except AppNotFound:
        raise
    except SignpostError as error:
        with db_of(request).read() as session:
            app = app_of_workspace(session, admin, app_id)
        return _editor(request, app, values, _errors(error), error.status)
    return redirect_to(request, "admin:apps:detail", app_id=app_id, done="saved")


def rotate_key(request: Request) -> Response:
    admin = current_admin(request)
    app_id = request.path_params["app_id"]
    with db_of(request).write() as session:
        app = app_of_workspace(session, admin, app_id)
        before = app_fields(app)
        app = rotate_public_key(session=session, app_id=app_id)
        audit(
            session,
            request,
            "app.rotate_key",
            target_type="app",
            target_id=app_id,
            target_label=app.name,
            before=before,
            after=app_fields(app),
        )
    return redirect_to(request, "admin:apps:install", app_id=app_id, done="rotated")


def identity_secret(request: Request) -> Response:
    admin = current_admin(request)
    app_id = request.path_params["app_id"]
    server_key = state_of(request).settings.ensure_secret_key().get_secret_value()
    with db_of(request).write() as session:
        app = app_of_workspace(session, admin, app_id)
        row, secret = new_identity_secret(session=session, app_id=app_id, server_key=server_key)
        audit(
            session,
            request,
            "app.identity_secret",
            target_type="app",
            target_id=app_id,
            target_label=app.name,
            after={"fingerprint": row.fingerprint},
        )
    # Rendered, not redirected: the secret appears in this response only, never in a URL.
    return render(
        request, "apps/secret.html", {"app": app, "secret": secret, "fingerprint": row.fingerprint}
    )


def identity_mode(request: Request) -> Response:
    """Off, monitor (count failures) or enforce (refuse them): see guides/identity.py."""
    admin = current_admin(request)
    app_id = request.path_params["app_id"]
    with db_of(request).write() as session:
        app = app_of_workspace(session, admin, app_id)
        before = {"identity_mode": app.identity_mode}
        try:
            set_identity_mode(session=session, app=app, mode=text(request, "identity_mode"))
        except SignpostError:
            return redirect_to(request, "admin:apps:detail", app_id=app_id, done="bad_mode")
        audit(
            session,
            request,
            "app.identity_mode",
            target_type="app",
            target_id=app_id,
            target_label=app.name,
            before=before,
            after={"identity_mode": app.identity_mode},
        )
    return redirect_to(request, "admin:apps:detail", app_id=app_id, done="identity_mode")
