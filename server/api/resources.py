"""`/api/v1` handlers for apps, guides (with their lifecycle) and articles. Each parses its
input, checks the token reaches the resource, calls the domain function the admin calls, and
answers with a model from `server/api/schemas.py`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from guides import store
from guides.articles import articles_of_app
from guides.authoring import save_guide
from guides.documents import GuideDocument
from guides.errors import Conflict, InvalidPayload
from guides.models import Guide
from guides.publishing import (
    archive_guide,
    bring_to_status,
    publish_guide,
    rollback_guide,
    unpublish_guide,
)
from server.api import schemas
from server.api.auth import audit_api, authorize, reachable_app, reachable_guide, state_of
from server.api_tokens import TokenGrant, can_reach_app
from server.http import parse, read_json

MAX_GUIDE_BODY = 1024 * 1024
MAX_SMALL_BODY = 4 * 1024


def answer(model: BaseModel, status_code: int = 200) -> Response:
    return JSONResponse(
        model.model_dump(mode="json"),
        status_code=status_code,
        headers={"Cache-Control": "no-store"},
    )


async def _read(request: Request, body: Callable[[Session, TokenGrant], BaseModel]) -> Response:
    grant = await authorize(request)

    def run() -> BaseModel:
        with state_of(request).db.read() as session:
            return body(session, grant)

    return answer(await run_in_threadpool(run))


async def _write(
    request: Request,
    body: Callable[[Session, TokenGrant], BaseModel],
    status_code: int = 200,
    grant: TokenGrant | None = None,
) -> Response:
    grant = grant or await authorize(request, write=True)

    def run() -> BaseModel:
        with state_of(request).db.write() as session:
            return body(session, grant)

    return answer(await run_in_threadpool(run), status_code)


def _guide_state(guide: Guide) -> dict[str, Any]:
    return {"status": guide.status, "live_version": guide.live_version}


# Apps


async def list_apps(request: Request) -> Response:
    def body(session: Session, grant: TokenGrant) -> BaseModel:
        apps = store.apps_by_ids(session, sorted(grant.app_ids))
        return schemas.AppList(
            apps=[
                schemas.AppOut.of(app) for app in apps if can_reach_app(session, grant, app.id or 0)
            ]
        )

    return await _read(request, body)


async def get_app(request: Request) -> Response:
    app_id = request.path_params["app_id"]
    return await _read(
        request, lambda session, grant: schemas.AppOut.of(reachable_app(session, grant, app_id))
    )


# Guides


async def list_guides(request: Request) -> Response:
    app_id = request.path_params["app_id"]

    def body(session: Session, grant: TokenGrant) -> BaseModel:
        reachable_app(session, grant, app_id)
        guides = store.guides_of_app(session, app_id)
        return schemas.GuideList(guides=[schemas.GuideSummary.of(guide) for guide in guides])

    return await _read(request, body)


async def create_guide(request: Request) -> Response:
    app_id = request.path_params["app_id"]
    grant = await authorize(request, write=True)
    document = parse(GuideDocument, await read_json(request, MAX_GUIDE_BODY), strict=True)

    def body(session: Session, grant: TokenGrant) -> BaseModel:
        app = reachable_app(session, grant, app_id)
        if store.guide_by_slug(session, app_id, document.slug) is not None:
            raise Conflict(
                f"app {app.name!r} already has a guide {document.slug!r}; update it with PUT",
                fields=[{"field": "slug", "message": "already used in this app"}],
            )
        guide = save_guide(session=session, app_id=app_id, document=document).guide
        assert guide.id is not None
        if "status" in document.model_fields_set:
            bring_to_status(
                session=session, guide_id=guide.id, status=document.status, author=grant.actor
            )
            session.refresh(guide)
        audit_api(
            session,
            request,
            grant,
            "guide.create",
            target_type="guide",
            target_id=guide.id,
            target_label=guide.name,
            after={"slug": guide.slug, **_guide_state(guide)},
        )
        return schemas.GuideOut.read(session, guide)

    return await _write(request, body, 201, grant)


async def get_guide(request: Request) -> Response:
    guide_id = request.path_params["guide_id"]
    return await _read(
        request,
        lambda session, grant: schemas.GuideOut.read(
            session, reachable_guide(session, grant, guide_id)
        ),
    )


async def update_guide(request: Request) -> Response:
    """Replace the draft with the document. `status`, when given, is brought about too
    (`published` publishes the new draft); when left out, what is live stays live."""
    guide_id = request.path_params["guide_id"]
    grant = await authorize(request, write=True)
    document = parse(GuideDocument, await read_json(request, MAX_GUIDE_BODY), strict=True)

    def body(session: Session, grant: TokenGrant) -> BaseModel:
        guide = reachable_guide(session, grant, guide_id)
        if document.slug != guide.slug:
            raise InvalidPayload(
                f"this guide's slug is {guide.slug!r}; a slug cannot change",
                fields=[{"field": "slug", "message": f"must be {guide.slug!r}"}],
            )
        before = _guide_state(guide)
        saved = save_guide(session=session, app_id=guide.app_id, document=document)
        if "status" in document.model_fields_set:
            bring_to_status(
                session=session, guide_id=guide_id, status=document.status, author=grant.actor
            )
        session.refresh(guide)
        audit_api(
            session,
            request,
            grant,
            "guide.update",
            target_type="guide",
            target_id=guide_id,
            target_label=guide.name,
            before=before,
            after={"changed": saved.changed, **_guide_state(guide)},
        )
        return schemas.GuideOut.read(session, guide)

    return await _write(request, body, grant=grant)


def _lifecycle_change(
    request: Request,
    action: str,
    change: Callable[[Session, int, TokenGrant], object],
) -> Callable[[Session, TokenGrant], BaseModel]:
    guide_id = request.path_params["guide_id"]

    def body(session: Session, grant: TokenGrant) -> BaseModel:
        guide = reachable_guide(session, grant, guide_id)
        before = _guide_state(guide)
        change(session, guide_id, grant)
        session.refresh(guide)
        audit_api(
            session,
            request,
            grant,
            action,
            target_type="guide",
            target_id=guide_id,
            target_label=guide.name,
            before=before,
            after=_guide_state(guide),
        )
        return schemas.GuideOut.read(session, guide)

    return body


async def publish(request: Request) -> Response:
    def change(session: Session, guide_id: int, grant: TokenGrant) -> object:
        return publish_guide(session=session, guide_id=guide_id, author=grant.actor)

    return await _write(request, _lifecycle_change(request, "guide.publish", change))


async def unpublish(request: Request) -> Response:
    def change(session: Session, guide_id: int, grant: TokenGrant) -> object:
        return unpublish_guide(session=session, guide_id=guide_id)

    return await _write(request, _lifecycle_change(request, "guide.unpublish", change))


async def archive(request: Request) -> Response:
    def change(session: Session, guide_id: int, grant: TokenGrant) -> object:
        return archive_guide(session=session, guide_id=guide_id)

    return await _write(request, _lifecycle_change(request, "guide.archive", change))


async def rollback(request: Request) -> Response:
    grant = await authorize(request, write=True)
    wanted = parse(schemas.RollbackBody, await read_json(request, MAX_SMALL_BODY), strict=True)

    def change(session: Session, guide_id: int, grant: TokenGrant) -> object:
        return rollback_guide(session=session, guide_id=guide_id, number=wanted.version)

    return await _write(request, _lifecycle_change(request, "guide.rollback", change), grant=grant)


async def list_versions(request: Request) -> Response:
    guide_id = request.path_params["guide_id"]

    def body(session: Session, grant: TokenGrant) -> BaseModel:
        guide = reachable_guide(session, grant, guide_id)
        return schemas.VersionList(
            versions=[
                schemas.VersionOut.of(version, guide.live_version)
                for version in store.versions_of_guide(session, guide_id)
            ]
        )

    return await _read(request, body)


# Articles


async def list_articles(request: Request) -> Response:
    app_id = request.path_params["app_id"]

    def body(session: Session, grant: TokenGrant) -> BaseModel:
        reachable_app(session, grant, app_id)
        return schemas.ArticleList(
            articles=[
                schemas.ArticleOut.model_validate(article, from_attributes=True)
                for article in articles_of_app(session, app_id)
            ]
        )

    return await _read(request, body)
