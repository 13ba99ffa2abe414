"""Sessions in which a guide step was due: for each SDK session, step and UTC day, whether the
step was shown and whether its target was missing (`target_session_day`). Written at
ingestion in the same transaction as the raw events with `INSERT ... ON CONFLICT DO NOTHING`
(a session seen again adds nothing), rebuilt with the other rollups, and read by
`analytics/targeting_health.py` as distinct sessions over any range of days."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Row, func
from sqlalchemy import select as select_columns
from sqlmodel import Session

from analytics.models import EventType, TargetSessionDay
from analytics.store import Period
from guides.bulk import execute_many, for_session, per_dialect

# day, guide_id, step_index, session_id, missing, end_user_id: the table's key in its order
SessionKey = tuple[date, int, int, uuid.UUID, bool, int]


@dataclass
class TargetSessions:
    """What a set of events adds to `target_session_day`."""

    rows: set[SessionKey] = field(default_factory=set)

    def add(
        self,
        *,
        end_user_id: int,
        type: str,
        guide_id: int,
        step_index: int | None,
        session_id: uuid.UUID | None,
        day: date,
    ) -> None:
        if session_id is None or step_index is None:
            return
        if type == EventType.step_shown:
            missing = False
        elif type == EventType.target_missing:
            missing = True
        else:
            return
        self.rows.add((day, guide_id, step_index, session_id, missing, end_user_id))


_INSERTS = per_dialect(
    lambda insert: insert(TargetSessionDay.__table__).on_conflict_do_nothing()  # type: ignore[attr-defined]
)
_NAMES = ("day", "guide_id", "step_index", "session_id", "missing", "end_user_id")


def apply_target_sessions(session: Session, app_id: int, delta: TargetSessions) -> None:
    """Write a delta; rows in key order, so concurrent PostgreSQL writers never deadlock."""
    if not delta.rows:
        return
    execute_many(
        session,
        for_session(_INSERTS, session),
        [{"app_id": app_id, **dict(zip(_NAMES, key, strict=True))} for key in sorted(delta.rows)],
    )


def sessions_per_step(session: Session, app_id: int, period: Period) -> Sequence[Row[Any]]:
    """(guide_id, step_index, sessions the step was due in, sessions its target was missing
    in) for every step due in at least one session of the period."""
    table = TargetSessionDay.__table__  # type: ignore[attr-defined]
    sessions = func.count(func.distinct(table.c.session_id))
    return session.execute(
        select_columns(
            table.c.guide_id,
            table.c.step_index,
            sessions,
            sessions.filter(table.c.missing.is_(True)),
        )
        .where(table.c.app_id == app_id, table.c.day.between(period.start, period.end))
        .group_by(table.c.guide_id, table.c.step_index)
    ).all()


__all__ = ["TargetSessions", "apply_target_sessions", "sessions_per_step"]
