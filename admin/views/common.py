"""Small pieces every admin handler uses: redirects after a write, the audit call, the
database of the request."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse

from admin.guard import current_admin
from server.addresses import anonymize_ip
from server.audit import record_audit
from server.db import Database
from server.state import AppState


def state_of(request: Request) -> AppState:
    state: AppState = request.state.signpost
    return state


def db_of(request: Request) -> Database:
    return state_of(request).db


def client_ip(request: Request) -> str:
    """The client's network, never its whole address (server/addresses.py)."""
    return anonymize_ip(request.client.host) if request.client else ""


def redirect_to(request: Request, name: str, *, done: str = "", **params: Any) -> RedirectResponse:
    """303 to a named admin page; `done` names the notice it shows (a fixed set, no text)."""
    url = str(request.url_for(name, **params))
    if done:
        url += "?" + urlencode({"done": done})
    return RedirectResponse(url, status_code=303)


def audit(
    session: Session,
    request: Request,
    action: str,
    *,
    target_type: str = "",
    target_id: object = "",
    target_label: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    admin = current_admin(request)
    record_audit(
        session=session,
        workspace_id=admin.workspace_id,
        actor_id=admin.user_id,
        actor_email=admin.email,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        before=before,
        after=after,
        ip=client_ip(request),
    )


def form_of(request: Request) -> Any:
    return request.state.form


def text(request: Request, name: str) -> str:
    value = request.state.form.get(name, "")
    return value if isinstance(value, str) else ""
