"""The friction report: where an app's users struggle, worst first, each place with a way to
create a guide right there. Every member may read it."""

from __future__ import annotations

from urllib.parse import urlencode

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from admin.guard import current_admin
from admin.templating import render
from admin.views.apps import app_of_workspace
from admin.views.common import db_of
from analytics import FrictionRow, friction_report
from analytics.friction import GROUPINGS
from analytics.models import StruggleSignal
from analytics.store import Period
from analytics.targeting_health import targeting_health
from guides import App, store
from server import accounts

PERIODS = [7, 30, 90]
DEFAULT_DAYS = 30
SIGNAL_LABELS = {
    "rage_click": "Rage clicks",
    "dead_click": "Dead clicks",
    "error_click": "Error clicks",
    "form_abandoned": "Abandoned forms",
    "u_turn": "U-turns",
    "step_stall": "Stalls on a step",
    "guide_restart": "Guide restarts",
}
GROUPING_LABELS = {"element": "Elements", "page": "Pages", "step": "Guide steps"}


def _apps(session: Session, workspace_id: int) -> list[App]:
    return list(store.apps_by_ids(session, accounts.app_ids_of_workspace(session, workspace_id)))


def home(request: Request) -> Response:
    """The main menu's "Friction": the report of the workspace's first app."""
    admin = current_admin(request)
    with db_of(request).read() as session:
        apps = _apps(session, admin.workspace_id)
    if not apps:
        return RedirectResponse(request.url_for("admin:apps:list"), status_code=303)
    return RedirectResponse(request.url_for("admin:friction:report", app_id=apps[0].id), 303)


def report(request: Request) -> Response:
    admin = current_admin(request)
    params = request.query_params
    days = int(params["days"]) if params.get("days", "").isdigit() else DEFAULT_DAYS
    days = days if days in PERIODS else DEFAULT_DAYS
    by = params.get("by", "element")
    by = by if by in GROUPINGS else "element"
    signal = params.get("signal", "")
    signal = signal if signal in set(StruggleSignal) else ""
    with db_of(request).read() as session:
        app = app_of_workspace(session, admin, request.path_params["app_id"])
        apps = _apps(session, admin.workspace_id)
        result = friction_report(
            session=session,
            app_id=app.id or 0,
            period=Period.last(days),
            by=by,
            signal=signal or None,
        )
        health = targeting_health(session=session, app_id=app.id or 0)
    return render(
        request,
        "friction/report.html",
        {
            "app": app,
            "apps": apps,
            "report": result,
            "days": days,
            "periods": PERIODS,
            "by": by,
            "groupings": GROUPING_LABELS,
            "signal": signal,
            "signal_labels": SIGNAL_LABELS,
            "health": health,
            "rows": [(row, create_guide_link(request, app.id or 0, row)) for row in result.rows],
        },
    )


def create_guide_link(request: Request, app_id: int, row: FrictionRow) -> str:
    """The guide editor, prefilled with the row's page and element."""
    query = {"page": row.page}
    if row.selector:
        query |= {"kind": "tooltip", "selector": row.selector}
    else:
        query |= {"kind": "modal"}
    label = row.text or row.guide_name or row.page
    query["name"] = f"Help with {label}"[:200]
    return str(request.url_for("admin:guides:new", app_id=app_id)) + "?" + urlencode(query)
