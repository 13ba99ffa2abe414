"""Targeting health: per guide step, how often its target element was missing when the step
was due (`target_missing` against `step_shown` + `target_missing`, from the guide rollups),
this week against the week before; steps whose target broke recently are flagged. A
missing target is the first sign that the app changed under a guide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlmodel import Session

from analytics.friction_store import guide_names
from analytics.models import ALL_VERSIONS, GuideDaily
from analytics.store import Period

WINDOW_DAYS = 7
BROKEN_SHARE = 0.25  # a step whose target is missing this often is broken...
BROKEN_MISSES = 3  # ...once it was missing at least this many times


@dataclass(frozen=True)
class StepHealth:
    guide_id: int
    guide_name: str
    step_index: int
    attempts: int  # the step was due: shown, or its target was missing
    missing: int
    previous_attempts: int
    previous_missing: int

    @property
    def share(self) -> float:
        return self.missing / self.attempts if self.attempts else 0.0

    @property
    def previous_share(self) -> float:
        return self.previous_missing / self.previous_attempts if self.previous_attempts else 0.0

    @property
    def broken(self) -> bool:
        """Missing often now, and it was not so the week before: it broke recently."""
        return (
            self.missing >= BROKEN_MISSES
            and self.share >= BROKEN_SHARE
            and self.previous_share < BROKEN_SHARE
        )


def _step_counts(
    session: Session, app_id: int, period: Period
) -> dict[tuple[int, int], tuple[int, int]]:
    table = GuideDaily.__table__  # type: ignore[attr-defined]
    rows = session.execute(
        select_columns(
            table.c.guide_id,
            table.c.step_index,
            func.sum(table.c.shown),
            func.sum(table.c.target_missing),
        )
        .where(
            table.c.app_id == app_id,
            table.c.guide_version == ALL_VERSIONS,
            table.c.step_index >= 0,
            table.c.day.between(period.start, period.end),
        )
        .group_by(table.c.guide_id, table.c.step_index)
    ).all()
    return {(g, s): (int(shown) + int(missing), int(missing)) for g, s, shown, missing in rows}


def targeting_health(
    *, session: Session, app_id: int, today: date | None = None
) -> list[StepHealth]:
    """Every step that was due in the last `WINDOW_DAYS` days, most often missing first."""
    now = Period.last(WINDOW_DAYS, today)
    before = Period(now.start - timedelta(days=WINDOW_DAYS), now.start - timedelta(days=1))
    current = _step_counts(session, app_id, now)
    previous = _step_counts(session, app_id, before)
    names = guide_names(session, app_id)
    steps = [
        StepHealth(
            guide_id=guide_id,
            guide_name=names.get(guide_id, ""),
            step_index=step,
            attempts=attempts,
            missing=missing,
            previous_attempts=previous.get((guide_id, step), (0, 0))[0],
            previous_missing=previous.get((guide_id, step), (0, 0))[1],
        )
        for (guide_id, step), (attempts, missing) in current.items()
        if attempts
    ]
    return sorted(steps, key=lambda s: (-s.share, -s.missing, s.guide_name, s.step_index))


def broken_targets(*, session: Session, app_id: int, today: date | None = None) -> list[StepHealth]:
    """The steps whose target broke recently (the overview flags their guides)."""
    return [
        step
        for step in targeting_health(session=session, app_id=app_id, today=today)
        if step.broken
    ]


__all__ = ["StepHealth", "broken_targets", "targeting_health"]
