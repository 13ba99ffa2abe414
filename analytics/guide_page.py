"""Everything the guide page shows, computed in one call: the summary, the trend by day,
the step funnel with time per step, and the breakdown by version. Reads rollups only, so
its cost depends on the period and the guide's steps, not on the number of raw events.
(The breakdown by a user trait is asked for separately: it reads guide states.)"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from analytics.funnels import FunnelStep, step_funnel
from analytics.store import Period
from analytics.summary import (
    GuideSummary,
    TrendPoint,
    VersionSummary,
    guide_summary,
    guide_trend,
    version_breakdown,
)


@dataclass(frozen=True)
class GuidePage:
    period: Period
    version: int | None
    summary: GuideSummary
    trend: list[TrendPoint]
    funnel: list[FunnelStep]
    versions: list[VersionSummary]


def guide_page(
    session: Session, *, app_id: int, guide_id: int, period: Period, version: int | None = None
) -> GuidePage:
    ids = {"app_id": app_id, "guide_id": guide_id, "period": period}
    return GuidePage(
        period=period,
        version=version,
        summary=guide_summary(session, **ids, version=version),  # type: ignore[arg-type]
        trend=guide_trend(session, **ids, version=version),  # type: ignore[arg-type]
        funnel=step_funnel(session, **ids, version=version),  # type: ignore[arg-type]
        versions=version_breakdown(session, **ids),  # type: ignore[arg-type]
    )
