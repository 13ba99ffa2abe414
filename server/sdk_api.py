"""`/sdk/v1`: the thin HTTP layer the browser SDK talks to (docs/sdk-protocol.md)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from analytics.ingest import EventBatch, PreparedBatch, prepare_batch
from guides.apps import app_for_key, app_row_for_events, check_origin
from guides.delivery import SessionRequest, returning_user_session, start_session
from guides.identity import (
    EVENT_GRACE_SECONDS,
    IdentityMode,
    identity_problem,
    record_identity_failure,
    refuse_if_enforced,
)
from sdk import BUNDLE_PATH
from server.http import FastJSONResponse, parse, read_json
from server.openapi import openapi_document
from server.sdk_chunks import build_version, chunks_for
from server.state import AppState

OPENAPI = openapi_document()
CORS_PREFLIGHT_HEADERS = {
    "Access-Control-Allow-Methods": "POST, OPTIONS",
    "Access-Control-Allow-Headers": "Content-Type",
    "Access-Control-Max-Age": "86400",
}


def _cors(origin: str | None) -> dict[str, str]:
    # Only reached after check_origin accepted the origin for this app.
    if not origin:
        return {}
    return {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Expose-Headers": "Retry-After",
        "Vary": "Origin",
    }


def _charge_client(request: Request, state: AppState) -> None:
    """One token of the client address's bucket, before reading the body (429 beyond)."""
    state.client_limit.take(request.client.host if request.client else "", 1)


async def _read(request: Request, state: AppState) -> object:
    settings = state.settings
    return await read_json(request, settings.max_body_bytes, settings.body_timeout_seconds)


async def session(request: Request) -> Response:
    state: AppState = request.state.signpost
    _charge_client(request, state)
    payload = parse(
        SessionRequest,
        await read_json(
            request, state.settings.max_body_bytes, state.settings.body_timeout_seconds
        ),
    )
    # Before any database work: one app's flood of sessions costs the others nothing.
    state.session_limit.take(payload.app_key, 1)
    origin = request.headers.get("origin")
    body = None
    if state.db.is_sqlite:
        # A WAL-mode read never waits for a writer and takes well under a millisecond here:
        # answering on the event loop saves the worker-thread hop (a third of the request's
        # time, bench/delivery.py). Storing a new user or new traits still goes to a thread.
        body = returning_user_session(
            sessions=state.db,
            cache=state.delivery,
            request=payload,
            origin=origin,
            server_key=state.server_key,
        )
    if body is None:
        body = await run_in_threadpool(
            start_session,
            sessions=state.db,
            cache=state.delivery,
            request=payload,
            origin=origin,
            server_key=state.server_key,
        )
    bundle = state.bundle
    if payload.build is not None and payload.build == bundle.version:
        cached = payload.cached or ()
        names = [n for n in chunks_for(body["guides"], payload.url) if n not in cached]
        if names:
            # `build` names the chunks' URLs (`?v=`) for the SDK to keep them cached.
            chunks = {name: bundle.chunks[name].text for name in names}
            body = {**body, "chunks": chunks, "build": bundle.version}
    return FastJSONResponse(body, headers={**_cors(origin), "Cache-Control": "no-store"})


async def events(request: Request) -> Response:
    state: AppState = request.state.signpost
    _charge_client(request, state)
    batch = parse(
        EventBatch,
        await read_json(
            request, state.settings.max_body_bytes, state.settings.body_timeout_seconds
        ),
    )
    # Before any database work: a flood from one app costs the others nothing.
    state.ingest_limit.take(batch.app_key, len(batch.events))
    origin = request.headers.get("origin")
    # SQLite: the app is read on the event loop (a WAL read never waits, bench/ingest.py) and
    # the batch checked there too, saving the worker-thread hop. Identity checks go to one.
    quick = _quick_prepare(state, batch, origin) if state.db.quick is not None else None
    if quick is None:
        quick = await run_in_threadpool(_prepare, state, batch, origin)
    app_id, prepared = quick
    if prepared.rows:  # answered once the group holding it is committed
        await state.committer.store(app_id, prepared)
    return FastJSONResponse(
        prepared.result.to_json(), headers={**_cors(origin), "Cache-Control": "no-store"}
    )


def _quick_prepare(
    state: AppState, batch: EventBatch, origin: str | None
) -> tuple[int, PreparedBatch] | None:
    """`_prepare` for an app that does not verify identities, read by the quick reader; None
    when the app does verify them."""
    assert state.db.quick is not None
    app = app_row_for_events(state.db.quick, batch.app_key, origin)
    if app.identity_mode != IdentityMode.off:
        return None
    return app.id, prepare_batch(app.id, batch, datetime.now(UTC))


def _prepare(state: AppState, batch: EventBatch, origin: str | None) -> tuple[int, PreparedBatch]:
    received_at = datetime.now(UTC)
    with state.db.read() as read_session:
        app = app_for_key(read_session, batch.app_key)
        check_origin(app, origin)
        assert app.id is not None
        problem = identity_problem(
            read_session,
            app_id=app.id,
            mode=app.identity_mode,
            server_key=state.server_key,
            user_id=batch.user_id,
            token=batch.user_token,
            grace_seconds=EVENT_GRACE_SECONDS,
        )
    if problem is not None:
        with state.db.write() as write_session:
            record_identity_failure(session=write_session, app_id=app.id)
        refuse_if_enforced(app.identity_mode, problem)
    return app.id, prepare_batch(app.id, batch, received_at)


async def preflight(request: Request) -> Response:
    origin = request.headers.get("origin")
    return Response(status_code=204, headers={**_cors(origin), **CORS_PREFLIGHT_HEADERS})


@dataclass(frozen=True)
class BuiltFile:
    body: bytes

    @cached_property
    def text(self) -> str:
        """The code as text, decoded once: session answers carry it (server/sdk_chunks.py)."""
        return self.body.decode()

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'


class Bundle:
    """The built SDK, read once: the core (`signpost.js`) and the chunks it loads when a
    guide needs them (`ui.js`, `survey.js`, ...), each served with a content-hash ETag."""

    def __init__(self) -> None:
        core = BUNDLE_PATH.read_bytes() if BUNDLE_PATH.exists() else b""
        self.core = BuiltFile(core)
        folder = BUNDLE_PATH.parent
        self.chunks = {
            path.stem: BuiltFile(path.read_bytes())
            for path in (sorted(folder.glob("*.js")) if folder.is_dir() else [])
            if path != BUNDLE_PATH
        }
        self.version = build_version({name: f.body for name, f in self.chunks.items()})


def _serve_js(request: Request, built: BuiltFile, pinned: bool = False) -> Response:
    headers = {
        "ETag": built.etag,
        # A chunk asked for with this build's `?v=` never changes: no revalidation request
        # on later pages. Otherwise short: a new release reaches users within minutes.
        "Cache-Control": "public, max-age=31536000, immutable" if pinned else "public, max-age=300",
        "Access-Control-Allow-Origin": "*",
        # The host page may time the SDK's files (Resource Timing: a cached file shows a
        # transfer size of 0, one from the network its size).
        "Timing-Allow-Origin": "*",
    }
    if request.headers.get("if-none-match") == built.etag:
        return Response(status_code=304, headers=headers)
    return Response(built.body, media_type="application/javascript; charset=utf-8", headers=headers)


async def bundle(request: Request) -> Response:
    state: AppState = request.state.signpost
    if not state.bundle.core.body:
        return JSONResponse(
            {"error": "the SDK bundle is not built", "code": "bundle_missing", "status": 503},
            status_code=503,
            headers={"Retry-After": "60"},
        )
    return _serve_js(request, state.bundle.core)


async def chunk(request: Request) -> Response:
    """A chunk the core loads when a guide needs it (sdk/src/loader.js)."""
    state: AppState = request.state.signpost
    built = state.bundle.chunks.get(request.path_params["name"])
    if built is None:
        return JSONResponse(
            {"error": "no such SDK file", "code": "sdk_file_not_found", "status": 404},
            status_code=404,
        )
    pinned = request.query_params.get("v") == state.bundle.version
    return _serve_js(request, built, pinned)


async def openapi(request: Request) -> Response:
    return JSONResponse(OPENAPI, headers={"Access-Control-Allow-Origin": "*"})


routes = [
    Route("/signpost.js", bundle, methods=["GET", "HEAD"], name="bundle"),
    Route("/{name:str}.js", chunk, methods=["GET", "HEAD"], name="chunk"),
    Route("/openapi.json", openapi, methods=["GET"], name="openapi"),
    Route("/session", session, methods=["POST"], name="session"),
    Route("/session", preflight, methods=["OPTIONS"]),
    Route("/events", events, methods=["POST"], name="events"),
    Route("/events", preflight, methods=["OPTIONS"]),
]
