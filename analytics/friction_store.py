"""Named queries of the friction report: struggle rollups summed over a range of days,
grouped by page, element or guide step. Read only rollups (analytics/struggle.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Row, func
from sqlalchemy import select as select_columns
from sqlmodel import Session, col, select

from analytics.models import (
    NO_GUIDE,
    ActiveSessionDay,
    ActiveUserDay,
    StruggleDaily,
    StruggleSessionDay,
    StruggleUserDay,
)
from analytics.store import Period
from guides.models import Guide

# How the report groups places: by element (a page and a selector), by page, or by step.
GROUPINGS: dict[str, tuple[str, ...]] = {
    "element": ("page", "selector"),
    "page": ("page",),
    "step": ("guide_id", "step_index"),
}


def _where(table: Any, app_id: int, period: Period, by: str, signal: str | None) -> list[Any]:
    conditions = [table.c.app_id == app_id, table.c.day.between(period.start, period.end)]
    if by == "step":
        conditions.append(table.c.guide_id != NO_GUIDE)
    if signal:
        conditions.append(table.c.signal == signal)
    return conditions


def occurrences_by_signal(
    session: Session, app_id: int, period: Period, by: str, signal: str | None = None
) -> Sequence[Row[Any]]:
    """(group columns..., signal, occurrences, count, role, text) per place and signal."""
    table = StruggleDaily.__table__  # type: ignore[attr-defined]
    group = [table.c[name] for name in GROUPINGS[by]]
    return session.execute(
        select_columns(
            *group,
            table.c.signal,
            func.sum(table.c.occurrences),
            func.sum(table.c["count"]),
            func.max(table.c.role),
            func.max(table.c.text),
        )
        .where(*_where(table, app_id, period, by, signal))
        .group_by(*group, table.c.signal)
    ).all()


def users_and_sessions(
    session: Session, app_id: int, period: Period, by: str, signal: str | None = None
) -> Sequence[Row[Any]]:
    """(group columns..., distinct users, sessions) per place; a session is a user's day."""
    table = StruggleUserDay.__table__  # type: ignore[attr-defined]
    names = GROUPINGS[by]
    visits = (
        select_columns(*(table.c[name] for name in names), table.c.end_user_id, table.c.day)
        .where(*_where(table, app_id, period, by, signal))
        .distinct()
        .subquery()
    )
    group = [visits.c[name] for name in names]
    return session.execute(
        select_columns(
            *group, func.count(func.distinct(visits.c.end_user_id)), func.count()
        ).group_by(*group)
    ).all()


def active_sessions(session: Session, app_id: int, period: Period) -> int:
    """Sessions (user-days with any event) of the app in the period."""
    table = ActiveUserDay.__table__  # type: ignore[attr-defined]
    return int(
        session.execute(
            select_columns(func.count()).where(
                table.c.app_id == app_id, table.c.day.between(period.start, period.end)
            )
        ).scalar_one()
    )


def struggling_sessions(
    session: Session, app_id: int, period: Period, by: str, signal: str | None = None
) -> Sequence[Row[Any]]:
    """(group columns..., distinct SDK sessions) per place, for events with a session id."""
    table = StruggleSessionDay.__table__  # type: ignore[attr-defined]
    group = [table.c[name] for name in GROUPINGS[by]]
    return session.execute(
        select_columns(*group, func.count(func.distinct(table.c.session_id)))
        .where(*_where(table, app_id, period, by, signal))
        .group_by(*group)
    ).all()


def browsing_sessions(session: Session, app_id: int, period: Period) -> int:
    """Distinct SDK sessions with any event in the period (0 when no event had one)."""
    table = ActiveSessionDay.__table__  # type: ignore[attr-defined]
    return int(
        session.execute(
            select_columns(func.count(func.distinct(table.c.session_id))).where(
                table.c.app_id == app_id, table.c.day.between(period.start, period.end)
            )
        ).scalar_one()
    )


def guide_names(session: Session, app_id: int) -> dict[int, str]:
    rows = session.exec(select(Guide.id, Guide.name).where(col(Guide.app_id) == app_id)).all()
    return {guide_id: name for guide_id, name in rows if guide_id is not None}
