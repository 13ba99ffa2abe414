"""An app's resource center: which guides, checklists and help articles the in-app resource
center lists and in which order, and a search over the app's help articles."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin.guard import current_admin
from admin.reorder import MOVES, move_of
from admin.templating import render
from admin.views.apps import app_of_workspace
from admin.views.common import audit, db_of, form_of, redirect_to, text
from guides import resource_center
from guides.articles import articles_of_app
from guides.errors import InvalidPayload
from guides.models import GuideKind

MAX_QUERY = 200


def _page(
    request: Request,
    *,
    errors: dict[str, str] | None = None,
    typed: tuple[list[str], dict[str, str]] | None = None,
    status_code: int = 200,
) -> Response:
    admin = current_admin(request)
    app_id = request.path_params["app_id"]
    query = request.query_params.get("q", "")[:MAX_QUERY]
    with db_of(request).read() as session:
        app = app_of_workspace(session, admin, app_id)
        candidates = resource_center.candidates(session, app_id)
        chosen = resource_center.selection(session, app_id)
        articles = articles_of_app(session, app_id)
        centers = [
            guide
            for guide in resource_center.store.guides_of_app(session, app_id)
            if guide.kind == GuideKind.resource_center
        ]
    if typed is not None:
        listed, positions = typed
    else:
        keys = [resource_center.entry_key(entry) for entry in chosen or []]
        listed = keys if chosen is not None else [c.key for c in candidates]
        positions = {key: str(index + 1) for index, key in enumerate(keys)}
    order = {key: index for index, key in enumerate(listed)}
    rows = sorted(candidates, key=lambda c: (c.key not in order, order.get(c.key, 0)))
    return render(
        request,
        "apps/resource_center.html",
        {
            "app": app,
            "tab": "resource_center",
            "rows": rows,
            "listed": set(listed),
            "positions": positions,
            "chosen": chosen is not None,
            "centers": centers,
            "query": query,
            "found": resource_center.search_articles(articles, query) if query else articles,
            "errors": errors or {},
            "done": request.query_params.get("done", ""),
        },
        status_code=status_code,
    )


def page(request: Request) -> Response:
    return _page(request)


def save(request: Request) -> Response:
    admin = current_admin(request)
    app_id = request.path_params["app_id"]
    form = form_of(request)
    op = text(request, "op")
    everything = op == "all"
    keys = [str(key) for key in form.getlist("item")]
    positions = {key: text(request, f"position-{key}").strip() for key in keys}
    shown = [str(key) for key in form.getlist("row")]
    moved = _moved(shown, op)
    try:
        if everything:
            ordered = None
        elif moved is not None:
            ordered = [key for key in moved if key in keys] + [k for k in keys if k not in moved]
        else:
            ordered = _in_order(keys, positions)
        with db_of(request).write() as session:
            app = app_of_workspace(session, admin, app_id)
            before, after = resource_center.save_selection(session, app_id, ordered)
            audit(
                session,
                request,
                "app.resource_center",
                target_type="app",
                target_id=app_id,
                target_label=app.name,
                before={"entries": before},
                after={"entries": after},
            )
    except InvalidPayload as error:
        fields = {item["field"]: item["message"] for item in error.fields}
        return _page(
            request,
            errors=fields or {"items": error.message},
            typed=(keys, positions),
            status_code=400,
        )
    return redirect_to(
        request,
        "admin:resource_center:page",
        app_id=app_id,
        done="all" if everything else "moved" if moved is not None else "saved",
    )


def _moved(shown: list[str], op: str) -> list[str] | None:
    """The listed entries in the order shown, after `op` moved one of them (admin/reorder.py).
    None when `op` is no move; a move out of range changes nothing."""
    if op.partition(":")[0] not in MOVES:
        return None
    order = list(shown)
    move = move_of(op, len(order))
    if move is not None:
        order.insert(move[1], order.pop(move[0]))
    return order


def _in_order(keys: list[str], positions: dict[str, str]) -> list[str]:
    """The ticked entries by their position numbers; a blank position goes last, ties keep
    the page's order."""
    order = []
    for index, key in enumerate(keys):
        raw = positions.get(key, "")
        if raw and not (raw.isdigit() and len(raw) < 5):
            raise InvalidPayload(
                "positions are whole numbers",
                fields=[{"field": f"position-{key}", "message": "use a whole number, e.g. 3"}],
            )
        order.append((int(raw) if raw else 10_000, index, key))
    return [key for _, _, key in sorted(order)]
