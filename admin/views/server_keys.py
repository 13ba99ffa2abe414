"""An app's secret server key for `/api/v1/identify` and `/track` (owners): see the active
keys' last characters, make a new one (shown once; the previous one keeps working)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin.guard import current_admin
from admin.templating import render
from admin.views.apps import app_of_workspace
from admin.views.common import audit, db_of, state_of
from server.server_keys import active_server_keys, new_server_key


def _page(request: Request, status_code: int = 200, new_key: str = "") -> Response:
    admin = current_admin(request)
    app_id = request.path_params["app_id"]
    with db_of(request).read() as session:
        app = app_of_workspace(session, admin, app_id)
        keys = active_server_keys(session, app_id)
    return render(
        request,
        "server_keys/page.html",
        {
            "app": app,
            "keys": keys,
            "new_key": new_key,
            "api_base": state_of(request).settings.public_url + "/api/v1",
        },
        status_code=status_code,
    )


def show(request: Request) -> Response:
    return _page(request)


def create(request: Request) -> Response:
    admin = current_admin(request)
    app_id = request.path_params["app_id"]
    with db_of(request).write() as session:
        app = app_of_workspace(session, admin, app_id)
        key, plain = new_server_key(session=session, app_id=app_id, created_by=admin.email)
        audit(
            session,
            request,
            "app.server_key",
            target_type="app",
            target_id=app_id,
            target_label=app.name,
            after={"hint": key.hint},
        )
    # Rendered, not redirected: the key appears in this response only; its digest is kept.
    return _page(request, 201, new_key=plain)
