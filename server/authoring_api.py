"""`/sdk/v1/authoring`: what the SDK's authoring mode talks to. Every call carries the signed
token the admin put in the page's URL fragment, and comes from one of the app's origins."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from guides.apps import check_origin, get_app
from guides.errors import GuideNotFound
from guides.models import Guide
from guides.picking import PickedTarget, read_token, record_pick
from guides.publishing import snapshot_of
from server.http import parse, read_json
from server.sdk_api import _cors
from server.state import AppState

MAX_BODY = 16 * 1024


class PickBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(max_length=1000)
    target: PickedTarget


class DraftBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(max_length=1000)


def _secret(state: AppState) -> str:
    return state.settings.ensure_secret_key().get_secret_value()


async def pick(request: Request) -> Response:
    state: AppState = request.state.signpost
    body = parse(PickBody, await read_json(request, MAX_BODY))
    origin = request.headers.get("origin")

    def store() -> dict:
        grant = read_token(_secret(state), body.token)
        with state.db.write() as session:
            check_origin(get_app(session, grant.app_id), origin)
            record_pick(session=session, grant=grant, target=body.target)
        return {"status": "picked", "step_index": grant.step_index}

    result = await run_in_threadpool(store)
    return JSONResponse(result, headers={**_cors(origin), "Cache-Control": "no-store"})


async def draft(request: Request) -> Response:
    """The guide's unpublished draft, shaped like a delivered guide, for the author's preview."""
    state: AppState = request.state.signpost
    body = parse(DraftBody, await read_json(request, MAX_BODY))
    origin = request.headers.get("origin")

    def load() -> dict:
        grant = read_token(_secret(state), body.token)
        with state.db.read() as session:
            check_origin(get_app(session, grant.app_id), origin)
            guide = session.get(Guide, grant.guide_id)
            if guide is None or guide.app_id != grant.app_id:
                raise GuideNotFound("the guide of this preview no longer exists")
            snapshot = snapshot_of(session, guide, 0)
        return {"guide": {**snapshot, "preview": True}}

    result = await run_in_threadpool(load)
    return JSONResponse(result, headers={**_cors(origin), "Cache-Control": "no-store"})


routes = [
    Route("/pick", pick, methods=["POST"], name="pick"),
    Route("/draft", draft, methods=["POST"], name="draft"),
]
