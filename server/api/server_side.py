"""`/api/v1/identify` and `/api/v1/track`: a customer's back end updates a user's traits and
records events, authenticated with the app's secret server key (server/server_keys.py).
Events go through the same validation, de-duplication, rollups and webhooks as the SDK's."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from analytics.ingest import EventBatch, prepare_batch
from guides.apps import get_app
from guides.delivery import SessionRequest, TraitValue, remember_user
from server.api.auth import state_of
from server.api_tokens import bearer_token
from server.http import parse, read_json
from server.server_keys import app_of_server_key

MAX_BODY = 512 * 1024


class IdentifyBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(min_length=1, max_length=255, description="Your id of the user.")
    traits: dict[str, TraitValue] = Field(
        default_factory=dict, description="Merged into the user's traits (audience rules)."
    )


class IdentifyAnswer(BaseModel):
    user_id: str
    traits: dict[str, Any]


class ServerEvent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=100, description="What happened, e.g. invoice_paid.")
    event_id: uuid.UUID | None = Field(
        None, description="Your id of the event: a repeat with the same id is stored once."
    )
    timestamp: datetime | None = Field(None, description="When it happened (default: now).")
    properties: dict[str, Any] = Field(default_factory=dict)


class TrackBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: str = Field(min_length=1, max_length=255)
    events: list[ServerEvent] = Field(min_length=1, max_length=500)


class TrackAnswer(BaseModel):
    accepted: int
    duplicates: int
    rejected: list[dict[str, Any]]


async def _app_id(request: Request) -> int:
    plain = bearer_token(request.headers.get("authorization"))

    def find() -> int:
        with state_of(request).db.read() as session:
            return app_of_server_key(session, plain)

    return await run_in_threadpool(find)


async def identify(request: Request) -> Response:
    app_id = await _app_id(request)
    body = parse(IdentifyBody, await read_json(request, MAX_BODY), strict=True)

    def store() -> IdentifyAnswer:
        with state_of(request).db.write() as session:
            user = remember_user(
                session=session,
                app_id=app_id,
                request=SessionRequest(app_key="-", user_id=body.user_id, traits=body.traits),
            )
            return IdentifyAnswer(user_id=user.external_id, traits=user.traits)

    answer = await run_in_threadpool(store)
    return JSONResponse(answer.model_dump(mode="json"), headers={"Cache-Control": "no-store"})


async def track(request: Request) -> Response:
    app_id = await _app_id(request)
    body = parse(TrackBody, await read_json(request, MAX_BODY), strict=True)
    now = datetime.now(UTC)
    state = state_of(request)
    batch = EventBatch.model_validate(
        {
            "app_key": "-",
            "user_id": body.user_id,
            "sent_at": now,
            "events": [
                {
                    "event_id": str(event.event_id or uuid.uuid4()),
                    "type": "track",
                    "timestamp": (event.timestamp or now).isoformat(),
                    "properties": {**event.properties, "name": event.name},
                }
                for event in body.events
            ],
        }
    )

    def prepare() -> Any:
        with state.db.read() as session:
            get_app(session, app_id)  # 404 for an app that is gone
        return prepare_batch(app_id, batch, now)

    prepared = await run_in_threadpool(prepare)
    result = await state.committer.store(app_id, prepared)
    answer = TrackAnswer(
        accepted=result.accepted, duplicates=result.duplicates, rejected=result.rejected
    )
    return JSONResponse(answer.model_dump(mode="json"), headers={"Cache-Control": "no-store"})
