"""Targeting health: per guide step, the share of sessions in which its target element was
missing when the step was due (sessions with `target_missing` against sessions with
`step_shown` or `target_missing`, from `target_session_day`), this week against the week
before; steps whose target broke recently are flagged. A missing target is the first sign
that the app changed under a guide.

Events from SDKs older than session ids carry none. A step with no session in a week is
measured as before, by events (`target_missing` against `step_shown` + `target_missing`,
from the guide rollups), and says so: its `basis` is `events`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import func
from sqlalchemy import select as select_columns
from sqlmodel import Session

from analytics.friction_store import guide_names
from analytics.models import ALL_VERSIONS, GuideDaily
from analytics.store import Period
from analytics.target_sessions import sessions_per_step

WINDOW_DAYS = 7
BROKEN_SHARE = 0.25  # a step whose target is missing this often is broken...
BROKEN_MISSES = 3  # ...once it was missing in at least this many sessions (or times)


class Basis(StrEnum):
    """What `attempts` and `missing` count."""

    sessions = "sessions"  # distinct SDK sessions
    events = "events"  # events, for a week without session ids (older SDKs)


@dataclass(frozen=True)
class StepCounts:
    attempts: int
    missing: int
    basis: Basis


NOT_DUE = StepCounts(0, 0, Basis.sessions)


@dataclass(frozen=True)
class StepHealth:
    guide_id: int
    guide_name: str
    step_index: int
    attempts: int  # the step was due: shown, or its target was missing
    missing: int
    previous_attempts: int
    previous_missing: int
    basis: Basis = Basis.sessions
    previous_basis: Basis = Basis.sessions

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

    @property
    def unit(self) -> str:
        """What was counted, in words: "sessions", or "times due" for events."""
        return "sessions" if self.basis == Basis.sessions else "times due"


def _event_counts(
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


def _step_counts(
    session: Session, app_id: int, period: Period
) -> dict[tuple[int, int], StepCounts]:
    """Per step due in `period`: distinct sessions, or events where no session was seen."""
    counts = {
        key: StepCounts(attempts, missing, Basis.events)
        for key, (attempts, missing) in _event_counts(session, app_id, period).items()
        if attempts
    }
    for row in sessions_per_step(session, app_id, period):
        guide_id, step, due, missing = tuple(row)
        counts[(guide_id, step)] = StepCounts(int(due), int(missing), Basis.sessions)
    return counts


def targeting_health(
    *, session: Session, app_id: int, today: date | None = None
) -> list[StepHealth]:
    """Every step that was due in the last `WINDOW_DAYS` days, most often missing first."""
    now = Period.last(WINDOW_DAYS, today)
    before = Period(now.start - timedelta(days=WINDOW_DAYS), now.start - timedelta(days=1))
    current = _step_counts(session, app_id, now)
    previous = _step_counts(session, app_id, before)
    names = guide_names(session, app_id)
    steps = []
    for (guide_id, step), counts in current.items():
        earlier = previous.get((guide_id, step), NOT_DUE)
        steps.append(
            StepHealth(
                guide_id=guide_id,
                guide_name=names.get(guide_id, ""),
                step_index=step,
                attempts=counts.attempts,
                missing=counts.missing,
                previous_attempts=earlier.attempts,
                previous_missing=earlier.missing,
                basis=counts.basis,
                previous_basis=earlier.basis,
            )
        )
    return sorted(steps, key=lambda s: (-s.share, -s.missing, s.guide_name, s.step_index))


def broken_targets(*, session: Session, app_id: int, today: date | None = None) -> list[StepHealth]:
    """The steps whose target broke recently (the overview flags their guides)."""
    return [
        step
        for step in targeting_health(session=session, app_id=app_id, today=today)
        if step.broken
    ]


__all__ = ["Basis", "StepHealth", "broken_targets", "targeting_health"]
