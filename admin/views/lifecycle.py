"""A guide's life: publish, unpublish, archive, duplicate, version history and rollback."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin.guard import current_admin
from admin.templating import render
from admin.views.common import audit, db_of, redirect_to, text
from admin.views.guides import guide_of_workspace
from guides import store
from guides.authoring import duplicate_guide
from guides.errors import InvalidPayload
from guides.models import Guide
from guides.publishing import (
    archive_guide,
    publish_guide,
    rollback_guide,
    summarize_changes,
    unpublish_guide,
)


def _state(guide: Guide) -> dict[str, object]:
    return {"status": guide.status, "live_version": guide.live_version}


def publish(request: Request) -> Response:
    admin = current_admin(request)
    guide_id = request.path_params["guide_id"]
    with db_of(request).write() as session:
        guide, _ = guide_of_workspace(session, admin, guide_id)
        before = _state(guide)
        publish_guide(session=session, guide_id=guide_id, author=admin.email)
        session.refresh(guide)
        audit(
            session,
            request,
            "guide.publish",
            target_type="guide",
            target_id=guide_id,
            target_label=guide.name,
            before=before,
            after=_state(guide),
        )
    return redirect_to(request, "admin:guides:detail", guide_id=guide_id, done="published")


def unpublish(request: Request) -> Response:
    admin = current_admin(request)
    guide_id = request.path_params["guide_id"]
    with db_of(request).write() as session:
        guide, _ = guide_of_workspace(session, admin, guide_id)
        before = _state(guide)
        guide = unpublish_guide(session=session, guide_id=guide_id)
        audit(
            session,
            request,
            "guide.unpublish",
            target_type="guide",
            target_id=guide_id,
            target_label=guide.name,
            before=before,
            after=_state(guide),
        )
    return redirect_to(request, "admin:guides:detail", guide_id=guide_id, done="unpublished")


def archive(request: Request) -> Response:
    admin = current_admin(request)
    guide_id = request.path_params["guide_id"]
    with db_of(request).write() as session:
        guide, _ = guide_of_workspace(session, admin, guide_id)
        before = _state(guide)
        guide = archive_guide(session=session, guide_id=guide_id)
        audit(
            session,
            request,
            "guide.archive",
            target_type="guide",
            target_id=guide_id,
            target_label=guide.name,
            before=before,
            after=_state(guide),
        )
    return redirect_to(request, "admin:guides:detail", guide_id=guide_id, done="archived")


def duplicate(request: Request) -> Response:
    admin = current_admin(request)
    guide_id = request.path_params["guide_id"]
    with db_of(request).write() as session:
        guide_of_workspace(session, admin, guide_id)
        copy = duplicate_guide(session=session, guide_id=guide_id)
        audit(
            session,
            request,
            "guide.duplicate",
            target_type="guide",
            target_id=copy.id,
            target_label=copy.name,
            before={"source_guide_id": guide_id},
            after={"slug": copy.slug, "name": copy.name},
        )
    return redirect_to(request, "admin:guides:detail", guide_id=copy.id, done="duplicated")


def versions(request: Request) -> Response:
    admin = current_admin(request)
    with db_of(request).read() as session:
        guide, app = guide_of_workspace(session, admin, request.path_params["guide_id"])
        rows = list(store.versions_of_guide(session, guide.id or 0))
    history = []
    for index, version in enumerate(rows):
        previous = rows[index + 1].snapshot if index + 1 < len(rows) else None
        history.append(
            {"version": version, "changes": summarize_changes(previous, version.snapshot)}
        )
    return render(
        request,
        "guides/versions.html",
        {
            "app": app,
            "guide": guide,
            "history": history,
            "done": request.query_params.get("done", ""),
        },
    )


def version_detail(request: Request) -> Response:
    admin = current_admin(request)
    number = request.path_params["number"]
    with db_of(request).read() as session:
        guide, app = guide_of_workspace(session, admin, request.path_params["guide_id"])
        version = store.version(session, guide.id or 0, number)
        previous = store.version(session, guide.id or 0, number - 1) if number > 1 else None
    if version is None:
        from guides.errors import NotFound

        raise NotFound(f"{guide.name} has no version {number}")
    return render(
        request,
        "guides/version.html",
        {
            "app": app,
            "guide": guide,
            "version": version,
            "changes": summarize_changes(previous.snapshot if previous else None, version.snapshot),
        },
    )


def rollback(request: Request) -> Response:
    admin = current_admin(request)
    guide_id = request.path_params["guide_id"]
    raw = text(request, "number")
    if not raw.isdigit():
        raise InvalidPayload(
            "choose a version to roll back to",
            fields=[{"field": "number", "message": "not a version number"}],
        )
    with db_of(request).write() as session:
        guide, _ = guide_of_workspace(session, admin, guide_id)
        before = _state(guide)
        rollback_guide(session=session, guide_id=guide_id, number=int(raw))
        session.refresh(guide)
        audit(
            session,
            request,
            "guide.rollback",
            target_type="guide",
            target_id=guide_id,
            target_label=guide.name,
            before=before,
            after=_state(guide),
        )
    return redirect_to(request, "admin:guides:detail", guide_id=guide_id, done="rolledback")
