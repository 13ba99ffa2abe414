"""CSV for every analytics table: the same rows the pages show, one function per table.

Text that end users typed (survey comments, search queries, traits, event properties) is
written so a spreadsheet never runs it: a cell starting with `=`, `+`, `-`, `@`, a tab or a
carriage return gets a leading `'` (OWASP's advice against CSV injection). Rates are
fractions with four decimals, durations whole milliseconds, steps numbered from 1, times ISO
8601 in UTC; an empty cell means "no data"."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from typing import Any, NamedTuple

from analytics.funnels import FunnelStep
from analytics.holdouts import GroupOutcome, HoldoutComparison, Interval, wilson_interval
from analytics.journeys import Journey
from analytics.models import ExitReason
from analytics.overview import ChecklistItem, GuideAdoption, UnansweredSearch
from analytics.segments import Segment
from analytics.summary import GuideSummary, TrendPoint, VersionSummary
from analytics.surveys import Comment, QuestionResult

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXITS = [f"exits_{reason.value}" for reason in ExitReason]


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.4f}"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list | dict):
        value = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


class Table(NamedTuple):
    """One analytics table: column names and rows of plain values. The CSV export and the
    JSON API (`records`) are both made from it, so they carry the same data."""

    header: Sequence[str]
    rows: Iterable[Sequence[Any]]


def records(table: Table) -> list[dict[str, Any]]:
    """The table as JSON-ready records keyed by the CSV's column names: numbers stay numbers
    (rates unrounded), times ISO 8601, `null` for no data."""
    return [
        {name: _json_value(value) for name, value in zip(table.header, row, strict=True)}
        for row in table.rows
    ]


def _json_value(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def to_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([cell(value) for value in row])
    return out.getvalue()


def _summary_cells(s: GuideSummary) -> list[Any]:
    return [
        s.views,
        s.users,
        s.completions,
        s.users_completed,
        s.completion_rate,
        s.dismissals,
        s.users_dismissed,
        s.dismiss_rate,
        s.target_missing,
        *(s.exits[reason.value] for reason in ExitReason),
    ]


SUMMARY_HEADER = [
    "views",
    "users",
    "completions",
    "users_completed",
    "completion_rate",
    "dismissals",
    "users_dismissed",
    "dismiss_rate",
    "target_missing",
    *EXITS,
]


def summary_table(summary: GuideSummary) -> Table:
    return Table(SUMMARY_HEADER, [_summary_cells(summary)])


def trend_table(points: Sequence[TrendPoint]) -> Table:
    return Table(
        ["day", "views", "users", "completions", "dismissals"],
        [[p.day, p.views, p.users, p.completions, p.dismissals] for p in points],
    )


def funnel_table(steps: Sequence[FunnelStep]) -> Table:
    return Table(
        [
            "step",
            "views",
            "users",
            "users_completed",
            "drop_off",
            "drop_off_rate",
            "target_missing",
            "median_ms",
            "p90_ms",
            *EXITS,
        ],
        [
            [
                s.step_index + 1,
                s.views,
                s.users,
                s.users_completed,
                s.drop_off,
                s.drop_off_rate,
                s.target_missing,
                s.median_ms,
                s.p90_ms,
                *(s.exits[reason.value] for reason in ExitReason),
            ]
            for s in steps
        ],
    )


def versions_table(versions: Sequence[VersionSummary]) -> Table:
    return Table(
        ["version", *SUMMARY_HEADER],
        [[v.version, *_summary_cells(v.summary)] for v in versions],
    )


def segments_table(trait: str, segments: Sequence[Segment]) -> Table:
    return Table(
        [trait, "users", "completed", "completion_rate", "dismissed", "dismiss_rate"],
        [
            [s.value, s.users, s.completed, s.completion_rate, s.dismissed, s.dismiss_rate]
            for s in segments
        ],
    )


HOLDOUT_HEADER = [
    "group",
    "users",
    "converted",
    "conversion",
    "conversion_low",
    "conversion_high",
    "struggled",
    "struggle_rate",
    "struggle_low",
    "struggle_high",
]


def _bounds(interval: Interval | None) -> list[float | None]:
    return [interval.low, interval.high] if interval else [None, None]


def _group_cells(name: str, group: GroupOutcome, goal: str) -> list[Any]:
    conversion = [
        group.converted,
        group.conversion,
        *_bounds(wilson_interval(group.converted, group.users)),
    ]
    return [
        name,
        group.users,
        *(conversion if goal else [None] * 4),
        group.struggled,
        group.struggle_rate,
        *_bounds(wilson_interval(group.struggled, group.users)),
    ]


def holdout_table(result: HoldoutComparison) -> Table:
    """Shown and held-back users of a guide with a control group, with 95% Wilson intervals
    of each share, then their difference (shown minus held back) with Newcombe's interval;
    conversion is empty without a goal event."""
    conversion = (
        [result.conversion_difference, *_bounds(result.conversion_interval)]
        if result.goal
        else [None] * 3
    )
    difference = [
        "difference",
        None,
        None,
        *conversion,
        None,
        result.struggle_difference,
        *_bounds(result.struggle_interval),
    ]
    return Table(
        HOLDOUT_HEADER,
        [
            _group_cells("exposed", result.exposed, result.goal),
            _group_cells("held_back", result.held_back, result.goal),
            difference,
        ],
    )


def holdout_csv(result: HoldoutComparison) -> str:
    return to_csv(*holdout_table(result))


def surveys_table(results: Sequence[QuestionResult]) -> Table:
    return Table(
        [
            "question",
            "scale",
            "responses",
            "comments",
            "nps",
            "average",
            "promoters",
            "passives",
            "detractors",
        ],
        [
            [
                r.question,
                r.scale,
                r.responses,
                r.comments,
                r.score.nps,
                r.score.average,
                r.score.promoters,
                r.score.passives,
                r.score.detractors,
            ]
            for r in results
        ],
    )


def survey_distribution_table(results: Sequence[QuestionResult]) -> Table:
    return Table(
        ["question", "scale", "value", "answers"],
        [[r.question, r.scale, value, n] for r in results for value, n in r.distribution.items()],
    )


def comments_table(comments: Sequence[Comment]) -> Table:
    return Table(
        ["time", "user", "question", "scale", "value", "comment"],
        [[c.occurred_at, c.user, c.question, c.scale, c.value, c.comment] for c in comments],
    )


def adoption_table(rows: Sequence[GuideAdoption]) -> Table:
    return Table(
        ["guide", "name", "kind", "status", "verdict", *SUMMARY_HEADER],
        [
            [r.slug, r.name, r.kind, r.status, r.verdict.value, *_summary_cells(r.summary)]
            for r in rows
        ],
    )


def checklist_table(items: Sequence[ChecklistItem]) -> Table:
    return Table(
        ["guide", "item", "completions", "users"],
        [[i.guide_name, i.item, i.completions, i.users] for i in items],
    )


def searches_table(searches: Sequence[UnansweredSearch]) -> Table:
    return Table(
        ["query", "searches", "without_results"],
        [[s.query, s.searches, s.zero_results] for s in searches],
    )


def journey_table(journey: Journey) -> Table:
    return Table(
        ["time", "type", "guide", "version", "step", "url", "properties"],
        [
            [
                e.occurred_at,
                e.type,
                e.guide_name,
                e.guide_version,
                None if e.step_index is None else e.step_index + 1,
                e.url,
                e.properties,
            ]
            for e in journey.events
        ],
    )


# CSV of each table: what the admin downloads.


def summary_csv(summary: GuideSummary) -> str:
    return to_csv(*summary_table(summary))


def trend_csv(points: Sequence[TrendPoint]) -> str:
    return to_csv(*trend_table(points))


def funnel_csv(steps: Sequence[FunnelStep]) -> str:
    return to_csv(*funnel_table(steps))


def versions_csv(versions: Sequence[VersionSummary]) -> str:
    return to_csv(*versions_table(versions))


def segments_csv(trait: str, segments: Sequence[Segment]) -> str:
    return to_csv(*segments_table(trait, segments))


def surveys_csv(results: Sequence[QuestionResult]) -> str:
    return to_csv(*surveys_table(results))


def survey_distribution_csv(results: Sequence[QuestionResult]) -> str:
    return to_csv(*survey_distribution_table(results))


def comments_csv(comments: Sequence[Comment]) -> str:
    return to_csv(*comments_table(comments))


def adoption_csv(rows: Sequence[GuideAdoption]) -> str:
    return to_csv(*adoption_table(rows))


def checklist_csv(items: Sequence[ChecklistItem]) -> str:
    return to_csv(*checklist_table(items))


def searches_csv(searches: Sequence[UnansweredSearch]) -> str:
    return to_csv(*searches_table(searches))


def journey_csv(journey: Journey) -> str:
    return to_csv(*journey_table(journey))
