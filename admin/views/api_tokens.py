"""API tokens of the workspace (owners only): make one (shown once), list, revoke."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin.forms import errors_by_field
from admin.guard import current_admin
from admin.templating import render
from admin.views.common import audit, db_of, form_of, redirect_to, state_of, text
from guides import store
from guides.errors import SignpostError
from server import accounts
from server.api_tokens import Scope, api_tokens, create_api_token, revoke_api_token


def _page(request: Request, status_code: int = 200, **extra: object) -> Response:
    admin = current_admin(request)
    with db_of(request).read() as session:
        apps = store.apps_by_ids(
            session, accounts.app_ids_of_workspace(session, admin.workspace_id)
        )
        context = {
            "tokens": api_tokens(session, admin.workspace_id),
            "apps": apps,
            "app_names": {app.id: app.name for app in apps},
            "scopes": [scope.value for scope in Scope],
            "errors": {},
            "values": {"name": "", "scope": "read", "app_ids": []},
            "new_token": "",
            "api_base": state_of(request).settings.public_url + "/api/v1",
            "done": request.query_params.get("done", ""),
            **extra,
        }
    return render(request, "api_tokens/list.html", context, status_code=status_code)


def list_tokens(request: Request) -> Response:
    return _page(request)


def create(request: Request) -> Response:
    admin = current_admin(request)
    chosen = [value for value in form_of(request).getlist("app_ids") if isinstance(value, str)]
    name, scope = text(request, "name"), text(request, "scope")
    values: dict[str, object] = {"name": name, "scope": scope, "app_ids": chosen}
    try:
        app_ids = [int(value) for value in chosen if value.isdigit()]
        with db_of(request).write() as session:
            token, plain = create_api_token(
                session=session,
                workspace_id=admin.workspace_id,
                name=name,
                scope=scope,
                app_ids=app_ids,
                created_by=admin.email,
            )
            audit(
                session,
                request,
                "api_token.create",
                target_type="api_token",
                target_id=token.id,
                target_label=token.name,
                after={"name": token.name, "scope": token.scope, "app_ids": token.app_ids},
            )
    except SignpostError as error:
        errors = errors_by_field(error.fields) or {"name": error.message}
        return _page(request, error.status, errors=errors, values=values)
    # Rendered, not redirected: the token appears in this response only; its digest is kept.
    return _page(request, 201, new_token=plain, new_token_name=token.name)


def revoke(request: Request) -> Response:
    admin = current_admin(request)
    token_id = request.path_params["token_id"]
    with db_of(request).write() as session:
        token = revoke_api_token(
            session=session, workspace_id=admin.workspace_id, token_id=token_id
        )
        audit(
            session,
            request,
            "api_token.revoke",
            target_type="api_token",
            target_id=token_id,
            target_label=token.name,
            after={"revoked_at": token.revoked_at.isoformat() if token.revoked_at else None},
        )
    return redirect_to(request, "admin:api_tokens:list", done="revoked")
