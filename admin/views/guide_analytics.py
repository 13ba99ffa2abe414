"""One guide's analytics: its page (summary, trend, step funnel with exit reasons and time
per step, breakdown by version and by a user trait) and, for a survey, its results and
free-text answers. Every table has its CSV download."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session
from starlette.requests import Request
from starlette.responses import Response

from admin.guard import current_admin
from admin.templating import render
from admin.views.common import db_of
from admin.views.guides import guide_of_workspace
from admin.views.report_common import (
    choice,
    csv_response,
    period_context,
    period_of,
    with_query,
)
from analytics import exports as csv
from analytics import (
    guide_page,
    survey_comments,
    survey_results,
    trait_breakdown,
    trait_names,
)
from analytics.holdouts import HoldoutComparison, holdout_comparison
from analytics.models import ExitReason
from guides import store
from guides.models import Guide

GUIDE_TABLES = ["summary", "trend", "funnel", "versions", "segments", "holdout"]
SURVEY_TABLES = ["results", "distribution", "comments"]
COMMENTS_PER_PAGE = 50
EXPORTED_COMMENTS = 10_000
MAX_SEARCH = 200
MAX_GOAL = 1000
EXIT_LABELS = {
    ExitReason.dismissed.value: "Closed",
    ExitReason.navigated_away.value: "Navigated away",
    ExitReason.target_missing.value: "Target missing",
    ExitReason.error.value: "Error",
    ExitReason.timed_out.value: "Timed out",
}


def _version(request: Request) -> int | None:
    value = request.query_params.get("version", "")
    return int(value) if value.isdigit() and 0 < int(value) < 2**31 else None


def _trait(request: Request, names: list[str]) -> str:
    wanted = request.query_params.get("trait", "")
    if wanted in names:
        return wanted
    return "plan" if "plan" in names else (names[0] if names else "")


def _goal_of(table: str, goal: str) -> dict[str, str]:
    return {"goal": goal} if table == "holdout" else {}


def _step_titles(session: Session, guide: Guide) -> dict[int, str]:
    return {
        step.position: step.title or f"Step {step.position + 1}"
        for step in store.steps_of_guide(session, guide.id or 0)
    }


def guide_analytics(request: Request) -> Response:
    admin = current_admin(request)
    chosen = period_of(request)
    version = _version(request)
    with db_of(request).read() as session:
        guide, app = guide_of_workspace(session, admin, request.path_params["guide_id"])
        ids: dict[str, Any] = {"app_id": app.id or 0, "guide_id": guide.id or 0}
        report = guide_page(session, **ids, period=chosen.period, version=version)
        traits = trait_names(session, **ids)
        trait = _trait(request, traits)
        segments = trait_breakdown(session, **ids, trait=trait) if trait else []
        titles = _step_titles(session, guide)
        goal = request.query_params.get("goal", "").strip()[:MAX_GOAL]
        holdout: HoldoutComparison | None = None
        if (guide.audience or {}).get("holdout_percent"):
            holdout = holdout_comparison(session=session, guide_id=guide.id or 0, goal=goal)
    keep = {"version": version or "", "trait": trait if request.query_params.get("trait") else ""}
    export = str(request.url_for("admin:guide_analytics:export", guide_id=guide.id))
    query = {**chosen.query, **keep, "trait": trait}
    return render(
        request,
        "analytics/guide.html",
        {
            **period_context(request, chosen, **keep),
            "app": app,
            "guide": guide,
            "report": report,
            "version": version,
            "traits": traits,
            "trait": trait,
            "segments": segments,
            "titles": titles,
            "holdout": holdout,
            "holdout_percent": (guide.audience or {}).get("holdout_percent", 0),
            "goal": goal,
            "exit_labels": EXIT_LABELS,
            "peak_views": max((point.views for point in report.trend), default=0),
            "csv": {
                t: with_query(export, table=t, **query, **_goal_of(t, goal)) for t in GUIDE_TABLES
            },
        },
    )


def guide_export(request: Request) -> Response:
    admin = current_admin(request)
    chosen = period_of(request)
    version = _version(request)
    table = choice(request, "table", GUIDE_TABLES, "summary")
    with db_of(request).read() as session:
        guide, app = guide_of_workspace(session, admin, request.path_params["guide_id"])
        ids: dict[str, Any] = {"app_id": app.id or 0, "guide_id": guide.id or 0}
        if table == "segments":
            trait = _trait(request, trait_names(session, **ids))
            segments = trait_breakdown(session, **ids, trait=trait) if trait else []
            body = csv.segments_csv(trait or "trait", segments)
        elif table == "holdout":
            goal = request.query_params.get("goal", "").strip()[:MAX_GOAL]
            comparison = holdout_comparison(session=session, guide_id=guide.id or 0, goal=goal)
            body = csv.holdout_csv(comparison)
        else:
            report = guide_page(session, **ids, period=chosen.period, version=version)
            body = {
                "summary": lambda: csv.summary_csv(report.summary),
                "trend": lambda: csv.trend_csv(report.trend),
                "funnel": lambda: csv.funnel_csv(report.funnel),
                "versions": lambda: csv.versions_csv(report.versions),
            }[table]()
    span = f"{chosen.period.start}_{chosen.period.end}"
    return csv_response(body, f"{guide.slug}-{table}-{span}")


def _questions(session: Session, guide: Guide) -> dict[str, str]:
    """Question id -> the question as the author wrote it (the step's title)."""
    return {
        str(step.content.get("id")): step.title
        for step in store.steps_of_guide(session, guide.id or 0)
        if step.content.get("id")
    }


def surveys(request: Request) -> Response:
    admin = current_admin(request)
    chosen = period_of(request)
    search = request.query_params.get("q", "").strip()[:MAX_SEARCH]
    page = request.query_params.get("page", "1")
    number = int(page) if page.isdigit() and 0 < int(page) < 10_000 else 1
    with db_of(request).read() as session:
        guide, app = guide_of_workspace(session, admin, request.path_params["guide_id"])
        ids: dict[str, Any] = {"app_id": app.id or 0, "guide_id": guide.id or 0}
        results = survey_results(session, **ids, period=chosen.period)
        comments = survey_comments(
            session,
            **ids,
            period=chosen.period,
            search=search or None,
            limit=COMMENTS_PER_PAGE + 1,
            offset=(number - 1) * COMMENTS_PER_PAGE,
        )
        questions = _questions(session, guide)
    # In the order the survey asks them; questions no longer in it last.
    order = {question: position for position, question in enumerate(questions)}
    results.sort(key=lambda r: (order.get(r.question, len(order)), r.question, r.scale))
    export = str(request.url_for("admin:guide_analytics:survey_export", guide_id=guide.id))
    here = str(request.url.replace(query=""))
    keep = {"q": search}
    return render(
        request,
        "analytics/surveys.html",
        {
            **period_context(request, chosen, **keep),
            "app": app,
            "guide": guide,
            "results": results,
            "questions": questions,
            "comments": comments[:COMMENTS_PER_PAGE],
            "search": search,
            "page_number": number,
            "newer": with_query(here, **chosen.query, **keep, page=number - 1)
            if number > 1
            else "",
            "older": with_query(here, **chosen.query, **keep, page=number + 1)
            if len(comments) > COMMENTS_PER_PAGE
            else "",
            "csv": {t: with_query(export, table=t, **chosen.query, **keep) for t in SURVEY_TABLES},
        },
    )


def survey_export(request: Request) -> Response:
    admin = current_admin(request)
    chosen = period_of(request)
    table = choice(request, "table", SURVEY_TABLES, "results")
    search = request.query_params.get("q", "").strip()[:MAX_SEARCH]
    with db_of(request).read() as session:
        guide, app = guide_of_workspace(session, admin, request.path_params["guide_id"])
        ids: dict[str, Any] = {"app_id": app.id or 0, "guide_id": guide.id or 0}
        if table == "comments":
            body = csv.comments_csv(
                survey_comments(
                    session,
                    **ids,
                    period=chosen.period,
                    search=search or None,
                    limit=EXPORTED_COMMENTS,
                )
            )
        else:
            results = survey_results(session, **ids, period=chosen.period)
            body = (
                csv.survey_distribution_csv(results)
                if table == "distribution"
                else csv.surveys_csv(results)
            )
    span = f"{chosen.period.start}_{chosen.period.end}"
    return csv_response(body, f"{guide.slug}-survey-{table}-{span}")
