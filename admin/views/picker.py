"""Opening the customer's page in authoring mode: "Pick element" for a step, and "Preview this
draft here". The page gets a short-lived signed token in its URL fragment (guides/picking.py);
the editor polls for the picked element."""

from __future__ import annotations

import secrets
from datetime import timedelta

from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from admin.guard import current_admin
from admin.views.common import audit, db_of, state_of, text
from admin.views.guides import guide_of_workspace
from guides.apps import normalize_origin
from guides.columns import utcnow
from guides.errors import InvalidPayload
from guides.models import App
from guides.picking import AuthoringGrant, pick_of_guide, sign_token, start_pick

FRAGMENT = "signpost-authoring"


def _page_url(app: App, raw: str) -> str:
    url = raw.strip()
    try:
        origin = normalize_origin(url)
    except InvalidPayload:
        origin = ""
    if not origin or origin not in app.allowed_origins:
        raise InvalidPayload(
            "open a page of this app: its address must start with one of the app's allowed "
            f"origins ({', '.join(app.allowed_origins) or 'none yet'})",
            fields=[{"field": "picker_url", "message": "not an allowed origin"}],
        )
    return url.split("#")[0]


def _open(url: str, token: str) -> Response:
    return RedirectResponse(f"{url}#{FRAGMENT}={token}", status_code=303)


def start(request: Request) -> Response:
    """Start picking an element for one step: record the pick, open the page with the token."""
    admin = current_admin(request)
    state = state_of(request)
    operation = text(request, "op")
    raw_index = operation.partition(":")[2]
    step_index = int(raw_index) if raw_index.isdigit() else 0
    pick_id = text(request, "pick_id") or secrets.token_hex(16)
    lifetime = timedelta(minutes=state.settings.authoring_token_minutes)
    with db_of(request).write() as session:
        guide, app = guide_of_workspace(session, admin, request.path_params["guide_id"])
        url = _page_url(app, text(request, "picker_url"))
        start_pick(
            session=session,
            pick_id=pick_id,
            guide_id=guide.id or 0,
            step_index=step_index,
            user_id=admin.user_id,
            lifetime=lifetime,
        )
        audit(
            session,
            request,
            "guide.pick_element",
            target_type="guide",
            target_id=guide.id,
            target_label=guide.name,
            after={"step_index": step_index, "url": url},
        )
    grant = AuthoringGrant(
        pick_id=pick_id,
        guide_id=guide.id or 0,
        app_id=app.id or 0,
        step_index=step_index,
        expires_at=int((utcnow() + lifetime).timestamp()),
    )
    return _open(url, sign_token(state.settings.ensure_secret_key().get_secret_value(), grant))


def preview(request: Request) -> Response:
    """Open the page with the draft shown to this author alone."""
    admin = current_admin(request)
    state = state_of(request)
    lifetime = timedelta(minutes=state.settings.authoring_token_minutes)
    with db_of(request).write() as session:
        guide, app = guide_of_workspace(session, admin, request.path_params["guide_id"])
        url = _page_url(app, text(request, "picker_url"))
        audit(
            session,
            request,
            "guide.preview",
            target_type="guide",
            target_id=guide.id,
            target_label=guide.name,
            after={"url": url},
        )
    grant = AuthoringGrant(
        pick_id="preview-" + secrets.token_hex(8),
        guide_id=guide.id or 0,
        app_id=app.id or 0,
        step_index=-1,
        expires_at=int((utcnow() + lifetime).timestamp()),
    )
    return _open(url, sign_token(state.settings.ensure_secret_key().get_secret_value(), grant))


def result(request: Request) -> Response:
    """What the editor polls: `waiting` until the author has clicked an element."""
    admin = current_admin(request)
    with db_of(request).read() as session:
        guide, _ = guide_of_workspace(session, admin, request.path_params["guide_id"])
        pick = pick_of_guide(session, guide.id or 0, request.path_params["pick_id"])
    if pick is None:
        # Not there yet: the new tab's request may arrive after the first poll.
        return JSONResponse({"status": "unknown"})
    if pick.target is None:
        status = "expired" if pick.expires_at < utcnow() else "waiting"
        return JSONResponse({"status": status, "step_index": pick.step_index})
    return JSONResponse({"status": "picked", "step_index": pick.step_index, "target": pick.target})
