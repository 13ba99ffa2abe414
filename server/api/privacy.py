"""`/api/v1/apps/{app_id}/users/{user}`: a privacy request about one end user, answered by
the same domain functions as `signpost users export|delete` (analytics/privacy.py). `user`
is the customer's user id, or `anon:<anonymous id>` for a visitor never identified."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field
from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from analytics.privacy import delete_end_user, export_end_user
from server.api.auth import audit_api, reachable_app
from server.api.resources import _read, _write
from server.api_tokens import TokenGrant

MAX_USER_ID = 255


class UserExport(BaseModel):
    format: int = Field(description="The version of this export's format.")
    app: dict[str, Any]
    user: dict[str, Any] = Field(description="The end user's profile: ids, traits, dates.")
    tables: dict[str, list[dict[str, Any]]] = Field(
        description="Every stored row naming the user, per table (events, guide states, ...)."
    )


class UserDeleted(BaseModel):
    deleted: dict[str, int] = Field(description="Rows deleted per table.")


def _user_id(request: Request) -> str:
    return str(request.path_params["user"])[:MAX_USER_ID]


async def export_user(request: Request) -> Response:
    app_id, user_id = request.path_params["app_id"], _user_id(request)

    def body(session: Session, grant: TokenGrant) -> BaseModel:
        reachable_app(session, grant, app_id)
        return UserExport(**export_end_user(session=session, app_id=app_id, user_id=user_id))

    return await _read(request, body)


async def delete_user(request: Request) -> Response:
    app_id, user_id = request.path_params["app_id"], _user_id(request)

    def body(session: Session, grant: TokenGrant) -> BaseModel:
        app = reachable_app(session, grant, app_id)
        deleted = delete_end_user(session=session, app_id=app_id, user_id=user_id)
        audit_api(
            session,
            request,
            grant,
            "end_user.delete",
            target_type="end_user",
            target_id=user_id,
            target_label=f"{user_id} of {app.name}",
            after={"deleted": deleted},
        )
        return UserDeleted(deleted=deleted)

    return await _write(request, body)
