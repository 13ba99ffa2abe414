"""Guides: the list with its filters, the editor (create and edit), and the guide's page."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from admin.guard import current_admin
from admin.guide_form import (
    GuideForm,
    add_errors,
    apply_step_operation,
    blank_form,
    form_from_document,
    form_from_post,
    kinds,
    to_document,
)
from admin.templating import render
from admin.views.apps import app_of_workspace
from admin.views.common import audit, db_of, redirect_to, text
from guides import store
from guides.authoring import SavedGuide, guide_document, save_guide
from guides.documents import SLUG_PATTERN, GuideDocument
from guides.errors import AppNotFound, GuideNotFound, InvalidPayload
from guides.kinds import KINDS
from guides.listing import EDITED_WITHIN_DAYS, GuideFilters, list_guides, page_values
from guides.models import App, Guide, GuideStatus
from guides.publishing import has_unpublished_changes
from guides.sanitize import render_markdown
from guides.themes import theme_for
from server.sessions import SignedIn

FREQUENCIES = ["once", "until_completed", "every_session"]
PLACEMENTS = ["auto", "top", "bottom", "left", "right"]
MISSING_TARGET = ["skip", "center"]
TRIGGERS = ["page_load", "manual", "struggle"]
STRUGGLE_SIGNALS = {
    "rage_click": "rage-clicks",
    "dead_click": "clicks something that does nothing",
    "error_click": "hits an error after a click",
    "form_abandoned": "abandons a form",
    "u_turn": "turns back from a page",
    "step_stall": "stalls on a guide step",
    "guide_restart": "keeps restarting a guide",
}


def guide_of_workspace(session: Session, admin: SignedIn, guide_id: int) -> tuple[Guide, App]:
    guide = session.get(Guide, guide_id)
    if guide is None:
        raise GuideNotFound(f"no guide with id {guide_id}")
    try:
        app = app_of_workspace(session, admin, guide.app_id)
    except AppNotFound:
        raise GuideNotFound(f"no guide with id {guide_id}") from None
    return guide, app


def default_page_url(app: App, pages_include: str) -> str:
    """Where to open the app: its first origin, on the guide's first exact page if any."""
    origin = app.allowed_origins[0] if app.allowed_origins else ""
    first = next((line.strip() for line in pages_include.splitlines() if line.strip()), "")
    path = first if first.startswith("/") and " " not in first else "/"
    return origin + path if origin else ""


def list_page(request: Request) -> Response:
    admin = current_admin(request)
    params = request.query_params
    days = params.get("edited", "")
    filters = GuideFilters(
        q=params.get("q", "")[:200],
        kind=params.get("kind", "") if params.get("kind", "") in kinds() else "",
        status=params.get("status", "") if params.get("status", "") in list(GuideStatus) else "",
        page=params.get("page", "")[:200],
        edited_within_days=int(days) if days.isdigit() and int(days) in EDITED_WITHIN_DAYS else 0,
    )
    with db_of(request).read() as session:
        app = app_of_workspace(session, admin, request.path_params["app_id"])
        rows = list_guides(session=session, app_id=app.id or 0, filters=filters)
        total = len(store.guides_of_app(session, app.id or 0))
    return render(
        request,
        "guides/list.html",
        {
            "app": app,
            "rows": rows,
            "total": total,
            "filters": filters,
            "kinds": kinds(),
            "statuses": [status.value for status in GuideStatus],
            "edited_choices": EDITED_WITHIN_DAYS,
            "done": params.get("done", ""),
        },
    )


def _editor(
    request: Request, app: App, guide: Guide | None, form: GuideForm, status_code: int = 200
) -> Response:
    if not form.values.get("picker_url"):
        form.values["picker_url"] = default_page_url(app, form.values["pages_include"])
    previews = {}
    if text_of(request, "op") == "preview":
        previews = {index: render_markdown(step["body"]) for index, step in enumerate(form.steps)}
    return render(
        request,
        "guides/edit.html",
        {
            "app": app,
            "guide": guide,
            "form": form,
            "kinds": kinds(),
            "spec": KINDS.get(form.kind, KINDS["walkthrough"]),
            "frequencies": FREQUENCIES,
            "placements": PLACEMENTS,
            "missing_targets": MISSING_TARGET,
            "triggers": TRIGGERS,
            "struggle_signals": STRUGGLE_SIGNALS,
            "previews": previews,
            "app_theme": theme_for(app.theme),
        },
        status_code=status_code,
    )


def text_of(request: Request, name: str) -> str:
    form = getattr(request.state, "form", None)
    return text(request, name) if form is not None else ""


def new_page(request: Request) -> Response:
    """The editor for a new guide; `page`, `selector` and `name` prefill it (the friction
    report's "Create a guide here")."""
    admin = current_admin(request)
    params = request.query_params
    kind = params.get("kind", "walkthrough")
    with db_of(request).read() as session:
        app = app_of_workspace(session, admin, request.path_params["app_id"])
    form = blank_form(kind if kind in kinds() else "walkthrough")
    page = params.get("page", "").strip()[:2048]
    if page.startswith("/"):
        form.values["pages_include"] = page
    form.values["name"] = params.get("name", "").strip()[:200]
    form.steps[0]["selector"] = params.get("selector", "").strip()[:1000]
    return _editor(request, app, None, form)


def create(request: Request) -> Response:
    admin = current_admin(request)
    form = form_from_post(request.state.form)
    operation = text(request, "op")
    with db_of(request).read() as session:
        app = app_of_workspace(session, admin, request.path_params["app_id"])
    if operation not in ("", "save") and apply_step_operation(form, operation):
        return _editor(request, app, None, form)
    if operation in ("preview", "refresh"):
        return _editor(request, app, None, form)
    slug = form.values["slug"].strip() or slugify(form.values["name"])
    form.values["slug"] = slug
    try:
        saved, document = _create(request, app, form, slug)
    except InvalidPayload as invalid:
        add_errors(form, invalid.fields)
        document = None
    if document is None or saved is None:
        return _editor(request, app, None, form, status_code=422)
    return redirect_to(request, "admin:guides:detail", guide_id=saved.guide.id, done="created")


def _create(
    request: Request, app: App, form: GuideForm, slug: str
) -> tuple[SavedGuide | None, GuideDocument | None]:
    saved = None
    with db_of(request).write() as session:
        if SLUG_PATTERN.fullmatch(slug) and store.guide_by_slug(session, app.id or 0, slug):
            form.errors["slug"] = "another guide of this app has this slug; choose another"
            form.form_error = "Nothing was saved. Please fix the fields marked below."
            document = None
        else:
            document = to_document(form, slug=slug, status=GuideStatus.draft)
        if document is not None:
            saved = save_guide(session=session, app_id=app.id or 0, document=document)
            audit(
                session,
                request,
                "guide.create",
                target_type="guide",
                target_id=saved.guide.id,
                target_label=saved.guide.name,
                after=document.to_plain(),
            )
    return saved, document


def slugify(name: str) -> str:
    slug = "".join(ch if ch.isalnum() and ch.isascii() else "-" for ch in name.lower())
    slug = "-".join(part for part in slug.split("-") if part)[:100].strip("-")
    return slug or "guide"


def detail(request: Request) -> Response:
    admin = current_admin(request)
    with db_of(request).read() as session:
        guide, app = guide_of_workspace(session, admin, request.path_params["guide_id"])
        document = guide_document(session=session, guide=guide)
        page_url = default_page_url(app, "\n".join(page_values(guide)))
        steps = store.steps_of_guide(session, guide.id or 0)
        versions = store.versions_of_guide(session, guide.id or 0)
        changed = has_unpublished_changes(session=session, guide=guide)
    return render(
        request,
        "guides/detail.html",
        {
            "app": app,
            "guide": guide,
            "document": document,
            "steps": steps,
            "versions": versions,
            "unpublished_changes": changed,
            "page_url": page_url,
            "done": request.query_params.get("done", ""),
        },
    )


def edit_page(request: Request) -> Response:
    admin = current_admin(request)
    with db_of(request).read() as session:
        guide, app = guide_of_workspace(session, admin, request.path_params["guide_id"])
        form = form_from_document(guide_document(session=session, guide=guide))
    return _editor(request, app, guide, form)


def update(request: Request) -> Response:
    admin = current_admin(request)
    form = form_from_post(request.state.form)
    operation = text(request, "op")
    with db_of(request).read() as session:
        guide, app = guide_of_workspace(session, admin, request.path_params["guide_id"])
    form.values["slug"] = guide.slug
    if operation not in ("", "save") and apply_step_operation(form, operation):
        return _editor(request, app, guide, form)
    if operation in ("preview", "refresh"):
        return _editor(request, app, guide, form)
    document = to_document(form, slug=guide.slug, status=guide.status)
    if document is None:
        return _editor(request, app, guide, form, status_code=422)
    try:
        saved = _update(request, admin, document)
    except InvalidPayload as invalid:
        add_errors(form, invalid.fields)
        return _editor(request, app, guide, form, status_code=422)
    return redirect_to(
        request,
        "admin:guides:detail",
        guide_id=guide.id,
        done="saved" if saved.changed else "unchanged",
    )


def _update(request: Request, admin: SignedIn, document: GuideDocument) -> SavedGuide:
    with db_of(request).write() as session:
        guide, app = guide_of_workspace(session, admin, request.path_params["guide_id"])
        before = guide_document(session=session, guide=guide).to_plain()
        saved = save_guide(session=session, app_id=app.id or 0, document=document)
        if saved.changed:
            audit(
                session,
                request,
                "guide.update",
                target_type="guide",
                target_id=guide.id,
                target_label=guide.name,
                before=before,
                after=document.to_plain(),
            )
    return saved


def document_summary(guide: Guide) -> dict[str, Any]:
    return {"status": guide.status, "live_version": guide.live_version}
