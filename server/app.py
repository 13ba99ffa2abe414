"""The application factory: explicit routes, middleware and error handlers; nothing at import."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypedDict

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route

from admin.headers import AdminSecurityHeaders
from admin.routes import routes as admin_routes
from guides.delivery import DeliveryCache
from server import api, authoring_api, demo, sdk_api
from server.compression import Compression
from server.db import Database
from server.errors import EXCEPTION_HANDLERS
from server.group_commit import GroupCommitter
from server.hot_paths import HotPathApp
from server.maintenance import MaintenanceThread
from server.migrations import upgrade_to_head
from server.ratelimit import RateLimiter
from server.settings import Settings
from server.state import AppState
from server.transport_security import StrictTransportSecurity
from server.webhook_dispatch import WebhookDispatcher

GZIP_MINIMUM_SIZE = 1000  # bytes: smaller answers gain less than gzip costs


class LifespanState(TypedDict):
    signpost: AppState


async def health(request: Request) -> Response:
    state: AppState = request.state.signpost
    with state.db.read() as session:
        session.connection()
    return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


async def home(request: Request) -> Response:
    state: AppState = request.state.signpost
    if state.settings.demo:
        return RedirectResponse(request.url_for("demo:host"), status_code=303)
    return JSONResponse({"name": "Signpost", "sdk": str(request.url_for("sdk:bundle"))})


async def admin_redirect(request: Request) -> Response:
    return RedirectResponse(request.url_for("admin:home"), status_code=307)


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or Settings()
    settings.ensure_secret_key()

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[LifespanState]:
        db = Database(
            settings.database_url,
            busy_timeout_ms=settings.sqlite_busy_timeout_ms,
            pool_size=settings.database_pool_size,
        )
        if settings.migrate_on_start:
            upgrade_to_head(settings.database_url)
        state = AppState(
            settings=settings,
            db=db,
            delivery=DeliveryCache(),
            bundle=sdk_api.Bundle(),
            ingest_limit=RateLimiter(settings.ingest_rate_per_second, settings.ingest_burst),
            session_limit=RateLimiter(
                settings.session_rate_per_second,
                settings.session_burst,
                message="too many session requests for this app key; retry after the number "
                "of seconds in Retry-After",
            ),
            client_limit=RateLimiter(
                settings.client_rate_per_second,
                settings.client_burst,
                message="too many requests from this address; retry after the number of "
                "seconds in Retry-After",
            ),
            committer=GroupCommitter(db),
            webhooks=WebhookDispatcher(
                db,
                settings.ensure_secret_key().get_secret_value(),
                retry_seconds=settings.webhook_retry_seconds,
                timeout_seconds=settings.webhook_timeout_seconds,
                allow_private=settings.webhook_private_addresses,
            ),
        )
        state.committer.start()
        maintenance = MaintenanceThread(
            db,
            retention_days=settings.raw_event_retention_days,
            interval=settings.maintenance_interval_seconds,
        )
        maintenance.start()
        state.webhooks.start()
        logging.getLogger("signpost").info("Signpost on %s", settings.public_url)
        try:
            yield {"signpost": state}
        finally:
            maintenance.stop()
            state.webhooks.stop()
            state.committer.stop()
            db.dispose()

    routes: list[BaseRoute] = [
        Route("/", home, name="home"),
        Route("/healthz", health, name="health"),
        # Before "/sdk/v1": a Mount that matches a prefix never falls through to the next one.
        Mount("/sdk/v1/authoring", routes=authoring_api.routes, name="authoring"),
        Mount("/sdk/v1", routes=sdk_api.routes, name="sdk"),
        Mount("/api/v1", routes=api.routes, name="api"),
        Route("/admin", admin_redirect, name="admin_root"),
        Mount("/admin", routes=admin_routes, name="admin"),
    ]
    if settings.demo:
        routes.append(Mount("/demo", routes=demo.routes, name="demo"))
    middleware = [
        Middleware(Compression, minimum_size=GZIP_MINIMUM_SIZE),
        Middleware(AdminSecurityHeaders),
        Middleware(StrictTransportSecurity),
    ]
    app = HotPathApp(
        debug=False,
        routes=routes,
        middleware=middleware,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.serve_hot(
        {"/sdk/v1/session": sdk_api.session, "/sdk/v1/events": sdk_api.events},
        EXCEPTION_HANDLERS,
        gzip_minimum=GZIP_MINIMUM_SIZE,
    )
    return app
