"""Every analytics table by name, for the JSON API: which scope it belongs to (an app or a
guide), which options it takes, and how it is computed. Each builds the same `Table` as its
CSV export (analytics/exports.py), so JSON and CSV carry the same data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sqlmodel import Session

from analytics import exports
from analytics.funnels import step_funnel
from analytics.holdouts import holdout_comparison
from analytics.journeys import user_journey
from analytics.overview import adoption_overview, checklist_progress, unanswered_searches
from analytics.segments import trait_breakdown
from analytics.store import Period
from analytics.summary import guide_summary, guide_trend, version_breakdown
from analytics.surveys import survey_comments, survey_results


@dataclass(frozen=True)
class TableQuery:
    """What a request for a table may set; each table reads only the options it lists."""

    app_id: int
    period: Period
    guide_id: int = 0
    version: int | None = None
    trait: str = ""
    user: str = ""
    search: str | None = None
    limit: int = 50
    offset: int = 0
    goal: str = ""


Option = Literal["period", "version", "trait", "search", "page", "goal"]


@dataclass(frozen=True)
class TableSpec:
    name: str
    scope: Literal["app", "guide", "user"]
    summary: str
    options: tuple[Option, ...]
    build: Callable[[Session, TableQuery], exports.Table]


def _guide(q: TableQuery) -> dict[str, object]:
    return {"app_id": q.app_id, "guide_id": q.guide_id, "period": q.period}


TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "adoption",
            "app",
            "Every guide's views, users, rates, exits and verdict.",
            ("period",),
            lambda s, q: exports.adoption_table(
                adoption_overview(s, app_id=q.app_id, period=q.period)
            ),
        ),
        TableSpec(
            "checklists",
            "app",
            "Checklist items completed, by guide.",
            ("period",),
            lambda s, q: exports.checklist_table(
                checklist_progress(s, app_id=q.app_id, period=q.period)
            ),
        ),
        TableSpec(
            "searches",
            "app",
            "Resource-center searches that found nothing, most frequent first.",
            ("period",),
            lambda s, q: exports.searches_table(
                unanswered_searches(s, app_id=q.app_id, period=q.period)
            ),
        ),
        TableSpec(
            "journey",
            "user",
            "One end user's latest events, oldest first.",
            (),
            lambda s, q: exports.journey_table(user_journey(s, app_id=q.app_id, user=q.user)),
        ),
        TableSpec(
            "summary",
            "guide",
            "The guide's views, users, completion and dismiss rates and exits.",
            ("period", "version"),
            lambda s, q: exports.summary_table(
                guide_summary(s, **_guide(q), version=q.version)  # type: ignore[arg-type]
            ),
        ),
        TableSpec(
            "trend",
            "guide",
            "The guide's numbers per day of the period.",
            ("period", "version"),
            lambda s, q: exports.trend_table(
                guide_trend(s, **_guide(q), version=q.version)  # type: ignore[arg-type]
            ),
        ),
        TableSpec(
            "funnel",
            "guide",
            "Per step: users, drop-off, exits, median and p90 time on the step.",
            ("period", "version"),
            lambda s, q: exports.funnel_table(
                step_funnel(s, **_guide(q), version=q.version)  # type: ignore[arg-type]
            ),
        ),
        TableSpec(
            "versions",
            "guide",
            "The guide's numbers per published version, newest first.",
            ("period",),
            lambda s, q: exports.versions_table(
                version_breakdown(s, **_guide(q))  # type: ignore[arg-type]
            ),
        ),
        TableSpec(
            "segments",
            "guide",
            "Users who saw the guide grouped by a trait's value; the first column is the trait.",
            ("trait",),
            lambda s, q: exports.segments_table(
                q.trait,
                trait_breakdown(s, app_id=q.app_id, guide_id=q.guide_id, trait=q.trait),
            ),
        ),
        TableSpec(
            "holdout",
            "guide",
            "Users shown the guide against its held-back control group: a goal event's "
            "conversion and the struggle rate, with 95% intervals (since assignment).",
            ("goal",),
            lambda s, q: exports.holdout_table(
                holdout_comparison(session=s, guide_id=q.guide_id, goal=q.goal)
            ),
        ),
        TableSpec(
            "surveys",
            "guide",
            "Per survey question: responses, NPS or average.",
            ("period",),
            lambda s, q: exports.surveys_table(
                survey_results(s, **_guide(q))  # type: ignore[arg-type]
            ),
        ),
        TableSpec(
            "survey-answers",
            "guide",
            "Per survey question: how many gave each answer.",
            ("period",),
            lambda s, q: exports.survey_distribution_table(
                survey_results(s, **_guide(q))  # type: ignore[arg-type]
            ),
        ),
        TableSpec(
            "comments",
            "guide",
            "Free-text survey answers, newest first.",
            ("period", "search", "page"),
            lambda s, q: exports.comments_table(
                survey_comments(
                    s,
                    **_guide(q),  # type: ignore[arg-type]
                    search=q.search,
                    limit=q.limit,
                    offset=q.offset,
                )
            ),
        ),
    )
}


def build_table(session: Session, name: str, query: TableQuery) -> exports.Table:
    return TABLES[name].build(session, query)
