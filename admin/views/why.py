"""Why did a guide show, or not, to one end user: the decision trace (analytics/why.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from admin.guard import current_admin
from admin.templating import render
from admin.views.common import db_of
from admin.views.guides import guide_of_workspace
from analytics.why import DecisionTrace, decision_trace
from guides.errors import EndUserNotFound

MAX_USER = 255
MAX_URL = 2048


def why(request: Request) -> Response:
    admin = current_admin(request)
    user = request.query_params.get("user", "").strip()[:MAX_USER]
    url = request.query_params.get("url", "").strip()[:MAX_URL]
    problem = ""
    trace: DecisionTrace | None = None
    with db_of(request).read() as session:
        guide, app = guide_of_workspace(session, admin, request.path_params["guide_id"])
        if user:
            try:
                trace = decision_trace(
                    session=session, app_id=app.id or 0, guide_id=guide.id or 0, user=user, url=url
                )
            except EndUserNotFound:
                problem = "No end user with this id has used this app."
    return render(
        request,
        "guides/why.html",
        {"app": app, "guide": guide, "user": user, "url": url, "trace": trace, "problem": problem},
        status_code=404 if problem else 200,
    )
