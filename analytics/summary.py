"""A guide at a glance: views, distinct users, completion and dismiss rates, exit reasons,
its trend by day and the same numbers per published version. Reads rollups only.

Distinct users in a period are the users who *first* saw the guide in it (exact, and over
the guide's whole life the exact number of users it reached). Rates are per user: users who
completed (or dismissed) it divided by users who saw it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session

from analytics import store
from analytics.models import ALL_VERSIONS, ExitReason
from analytics.store import Period


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class GuideSummary:
    views: int
    users: int
    completions: int
    users_completed: int
    dismissals: int
    users_dismissed: int
    target_missing: int
    exits: dict[str, int] = field(default_factory=dict)  # ExitReason -> dismissals

    @property
    def completion_rate(self) -> float | None:
        return rate(self.users_completed, self.users)

    @property
    def dismiss_rate(self) -> float | None:
        return rate(self.users_dismissed, self.users)

    @classmethod
    def from_counts(cls, counts: dict[str, int]) -> GuideSummary:
        return cls(
            views=counts["shown"],
            users=counts["users_shown"],
            completions=counts["completed"],
            users_completed=counts["users_completed"],
            dismissals=counts["dismissed"],
            users_dismissed=counts["users_dismissed"],
            target_missing=counts["target_missing"],
            exits={reason.value: counts[f"exit_{reason.value}"] for reason in ExitReason},
        )


@dataclass(frozen=True)
class TrendPoint:
    day: date
    views: int
    users: int
    completions: int
    dismissals: int


@dataclass(frozen=True)
class VersionSummary:
    version: int
    summary: GuideSummary


def guide_summary(
    session: Session, *, app_id: int, guide_id: int, period: Period, version: int | None = None
) -> GuideSummary:
    counts = store.guide_totals(
        session,
        app_id=app_id,
        guide_id=guide_id,
        period=period,
        version=ALL_VERSIONS if version is None else version,
    )
    return GuideSummary.from_counts(counts)


def guide_trend(
    session: Session, *, app_id: int, guide_id: int, period: Period, version: int | None = None
) -> list[TrendPoint]:
    """One point per day of the period, days without activity included."""
    days = store.guide_days(
        session,
        app_id=app_id,
        guide_id=guide_id,
        period=period,
        version=ALL_VERSIONS if version is None else version,
    )
    empty = dict.fromkeys(store.GUIDE_COUNTERS, 0)
    points = []
    for day in period.days():
        counts = days.get(day, empty)
        points.append(
            TrendPoint(
                day=day,
                views=counts["shown"],
                users=counts["users_shown"],
                completions=counts["completed"],
                dismissals=counts["dismissed"],
            )
        )
    return points


def version_breakdown(
    session: Session, *, app_id: int, guide_id: int, period: Period
) -> list[VersionSummary]:
    """Each version with activity in the period, newest first."""
    versions = store.version_totals(session, app_id=app_id, guide_id=guide_id, period=period)
    return [
        VersionSummary(number, GuideSummary.from_counts(versions[number]))
        for number in sorted(versions, reverse=True)
    ]
