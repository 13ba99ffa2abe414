"""Analytics of an app: the list of apps to choose from, the adoption overview across its
guides (checklists and unanswered searches included), and one end user's journey."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin.guard import current_admin
from admin.templating import render
from admin.views.apps import app_of_workspace
from admin.views.common import db_of
from admin.views.report_common import (
    choice,
    csv_response,
    period_context,
    period_of,
    with_query,
)
from analytics import (
    Verdict,
    adoption_overview,
    checklist_progress,
    unanswered_searches,
    user_journey,
)
from analytics import exports as csv
from guides import store
from guides.errors import EndUserNotFound
from server import accounts

OVERVIEW_TABLES = ["adoption", "checklists", "searches"]
MAX_USER_ID = 255


def home(request: Request) -> Response:
    admin = current_admin(request)
    with db_of(request).read() as session:
        apps = store.apps_by_ids(
            session, accounts.app_ids_of_workspace(session, admin.workspace_id)
        )
    return render(request, "analytics/home.html", {"apps": apps, "section": "analytics"})


def overview(request: Request) -> Response:
    admin = current_admin(request)
    chosen = period_of(request)
    with db_of(request).read() as session:
        app = app_of_workspace(session, admin, request.path_params["app_id"])
        app_id = app.id or 0
        adoption = adoption_overview(session, app_id=app_id, period=chosen.period)
        checklists = checklist_progress(session, app_id=app_id, period=chosen.period)
        searches = unanswered_searches(session, app_id=app_id, period=chosen.period)
        item_titles = {
            (guide_id, str(step.content.get("id"))): step.title
            for guide_id in {item.guide_id for item in checklists}
            for step in store.steps_of_guide(session, guide_id)
        }
    verdicts = {verdict.value: 0 for verdict in Verdict}
    for row in adoption:
        verdicts[row.verdict.value] += 1
    export = str(request.url_for("admin:analytics:export", app_id=app_id))
    return render(
        request,
        "analytics/overview.html",
        {
            **period_context(request, chosen),
            "app": app,
            "adoption": adoption,
            "verdicts": verdicts,
            "views": sum(row.summary.views for row in adoption),
            "checklists": checklists,
            "item_titles": item_titles,
            "searches": searches,
            "csv": {t: with_query(export, table=t, **chosen.query) for t in OVERVIEW_TABLES},
        },
    )


def overview_export(request: Request) -> Response:
    admin = current_admin(request)
    chosen = period_of(request)
    table = choice(request, "table", OVERVIEW_TABLES, "adoption")
    with db_of(request).read() as session:
        app = app_of_workspace(session, admin, request.path_params["app_id"])
        kw = {"app_id": app.id or 0, "period": chosen.period}
        if table == "checklists":
            body = csv.checklist_csv(checklist_progress(session, **kw))  # type: ignore[arg-type]
        elif table == "searches":
            body = csv.searches_csv(unanswered_searches(session, **kw))  # type: ignore[arg-type]
        else:
            body = csv.adoption_csv(adoption_overview(session, **kw))  # type: ignore[arg-type]
    span = f"{chosen.period.start}_{chosen.period.end}"
    return csv_response(body, f"{app.name}-{table}-{span}")


def journey(request: Request) -> Response:
    admin = current_admin(request)
    user = request.query_params.get("user", "").strip()[:MAX_USER_ID]
    found, error = None, ""
    with db_of(request).read() as session:
        app = app_of_workspace(session, admin, request.path_params["app_id"])
        if user:
            try:
                found = user_journey(session, app_id=app.id or 0, user=user)
            except EndUserNotFound:
                error = (
                    f"No user “{user}” has been seen in {app.name}. Check the id your app "
                    "passes to Signpost('identify', …); anonymous visitors are found by the "
                    "anonymous id the SDK made for them."
                )
    export = str(request.url_for("admin:analytics:journey_export", app_id=app.id))
    days: dict[str, list[object]] = {}
    if found:
        for event in reversed(found.events):
            days.setdefault(event.occurred_at.strftime("%A %-d %B %Y"), []).append(event)
    return render(
        request,
        "analytics/journey.html",
        {
            "app": app,
            "user": user,
            "journey": found,
            "days": days,
            "error": error,
            "csv": with_query(export, user=user) if found else "",
        },
    )


def journey_export(request: Request) -> Response:
    admin = current_admin(request)
    user = request.query_params.get("user", "").strip()[:MAX_USER_ID]
    with db_of(request).read() as session:
        app = app_of_workspace(session, admin, request.path_params["app_id"])
        if not user:
            raise EndUserNotFound("name a user: ?user=<their id>")
        found = user_journey(session, app_id=app.id or 0, user=user)
    return csv_response(csv.journey_csv(found), f"{app.name}-journey-{user}")
