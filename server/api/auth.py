"""Who is calling `/api/v1`: the bearer token's grant, and the apps and guides it reaches.
An app or guide outside the token's apps is answered 404, as if it did not exist."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from guides.apps import get_app
from guides.columns import utcnow
from guides.errors import AppNotFound, GuideNotFound
from guides.models import App, Guide
from server.api_tokens import (
    ApiToken,
    TokenGrant,
    authenticate_token,
    bearer_token,
    can_reach_app,
)
from server.audit import record_audit
from server.state import AppState

# Ids are 32-bit integers in PostgreSQL; a larger one names nothing (and would overflow).
MAX_ID = 2**31 - 1
# `last_used_at` is refreshed at most this often, so reads stay reads.
TOUCH_EVERY = timedelta(minutes=1)


def state_of(request: Request) -> AppState:
    state: AppState = request.state.signpost
    return state


async def authorize(request: Request, *, write: bool = False) -> TokenGrant:
    """The grant of the request's token: 401 without a live one, 403 when a read token
    asks to write."""
    plain = bearer_token(request.headers.get("authorization"))
    db = state_of(request).db

    def check() -> TokenGrant:
        with db.read() as session:
            grant = authenticate_token(session, plain)
            token = session.get(ApiToken, grant.token_id)
            stale = token is not None and (
                token.last_used_at is None or utcnow() - token.last_used_at > TOUCH_EVERY
            )
        if write:
            grant.require_write()
        if stale:
            with db.write() as session:
                row = session.get(ApiToken, grant.token_id)
                if row is not None:
                    row.last_used_at = utcnow()
                    session.add(row)
        return grant

    return await run_in_threadpool(check)


def reachable_app(session: Session, grant: TokenGrant, app_id: int) -> App:
    if not 0 <= app_id <= MAX_ID:
        raise AppNotFound(f"no app with id {app_id} for this token")
    if not can_reach_app(session, grant, app_id):
        raise AppNotFound(f"no app with id {app_id} for this token")
    return get_app(session, app_id)


def reachable_guide(session: Session, grant: TokenGrant, guide_id: int) -> Guide:
    if not 0 <= guide_id <= MAX_ID:
        raise GuideNotFound(f"no guide with id {guide_id} for this token")
    guide = session.get(Guide, guide_id)
    if guide is None or not can_reach_app(session, grant, guide.app_id):
        raise GuideNotFound(f"no guide with id {guide_id} for this token")
    return guide


def audit_api(
    session: Session,
    request: Request,
    grant: TokenGrant,
    action: str,
    *,
    target_type: str,
    target_id: object,
    target_label: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> None:
    """API writes are audited like admin writes, with the token as the actor."""
    record_audit(
        session=session,
        workspace_id=grant.workspace_id,
        actor_id=None,
        actor_email=grant.actor[:320],
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        before=before,
        after=after,
        ip=request.client.host if request.client else "",
    )
