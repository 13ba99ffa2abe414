"""Struggle rollups: `struggle_detected` events counted per app, page, element, signal,
guide step and UTC day, who struggled where (for exact distinct users and sessions over any
range), and each user's active days (the sessions struggle is a share of). Kept up to date
at ingestion in the same transaction as the raw events, like `analytics/rollups.py`, and
rebuilt with them."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from sqlmodel import Session

from analytics.models import (
    NO_GUIDE,
    NO_STEP,
    ActiveSessionDay,
    ActiveUserDay,
    EventType,
    StruggleDaily,
    StruggleSessionDay,
    StruggleUserDay,
)
from guides.bulk import execute_many, for_session, per_dialect

MAX_PAGE = 200
MAX_SELECTOR = 200

# page, selector, signal, guide_id, step_index: one place where users struggle, one way
PlaceKey = tuple[str, str, str, int, int]


def page_of(url: str) -> str:
    """The page a URL is on: its path (and a hash route such as `#/settings`), no query."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "/"
    page = parts.path or "/"
    if parts.fragment.startswith("/"):
        page += "#" + parts.fragment
    return page[:MAX_PAGE]


@dataclass
class StruggleDelta:
    """What a set of events adds to the struggle rollups of one app."""

    daily: dict[tuple[date, PlaceKey], dict[str, Any]] = field(
        default_factory=lambda: defaultdict(lambda: {"occurrences": 0, "count": 0})
    )
    users: set[tuple[int, date, PlaceKey]] = field(default_factory=set)
    active: set[tuple[date, int]] = field(default_factory=set)
    # The same by SDK session, for events that carry one: (day, session, user), and
    # (day, place, session, user).
    active_sessions: set[tuple[date, uuid.UUID, int]] = field(default_factory=set)
    sessions: set[tuple[date, PlaceKey, uuid.UUID, int]] = field(default_factory=set)

    def add(
        self,
        *,
        end_user_id: int,
        type: str,
        url: str,
        guide_id: int | None,
        step_index: int | None,
        properties: Mapping[str, Any],
        day: date,
        session_id: uuid.UUID | None = None,
    ) -> None:
        self.active.add((day, end_user_id))
        if session_id is not None:
            self.active_sessions.add((day, session_id, end_user_id))
        if type != EventType.struggle_detected:
            return
        place = (
            page_of(url),
            str(properties.get("selector") or "")[:MAX_SELECTOR],
            str(properties.get("signal")),
            guide_id or NO_GUIDE,
            NO_STEP if step_index is None else step_index,
        )
        row = self.daily[(day, place)]
        row["occurrences"] += 1
        count = properties.get("count")
        row["count"] += count if isinstance(count, int) and not isinstance(count, bool) else 1
        row["role"] = str(properties.get("role") or "")[:40]
        row["text"] = str(properties.get("text") or "")[:100]
        self.users.add((end_user_id, day, place))
        if session_id is not None:
            self.sessions.add((day, place, session_id, end_user_id))


_PLACE = ("page", "selector", "signal", "guide_id", "step_index")


def _statements(insert: Any) -> dict[str, Any]:
    """The writes of `apply_struggle` for one dialect, built once."""
    active = ActiveUserDay.__table__  # type: ignore[attr-defined]
    daily = StruggleDaily.__table__  # type: ignore[attr-defined]
    users = StruggleUserDay.__table__  # type: ignore[attr-defined]
    active_sessions = ActiveSessionDay.__table__  # type: ignore[attr-defined]
    sessions = StruggleSessionDay.__table__  # type: ignore[attr-defined]
    upsert = insert(daily)
    return {
        "active": insert(active).on_conflict_do_nothing(),
        "daily": upsert.on_conflict_do_update(
            index_elements=["app_id", "day", *_PLACE],
            set_={
                "occurrences": daily.c.occurrences + upsert.excluded.occurrences,
                "count": daily.c["count"] + upsert.excluded["count"],
                "role": upsert.excluded.role,
                "text": upsert.excluded.text,
            },
        ),
        "users": insert(users).on_conflict_do_nothing(),
        "active_sessions": insert(active_sessions).on_conflict_do_nothing(),
        "sessions": insert(sessions).on_conflict_do_nothing(),
    }


_STATEMENTS = per_dialect(_statements)


def apply_struggle(session: Session, app_id: int, delta: StruggleDelta) -> None:
    """Write a delta; rows in key order, so concurrent PostgreSQL writers never deadlock."""
    statements = for_session(_STATEMENTS, session)
    if delta.active:
        execute_many(
            session,
            statements["active"],
            [{"app_id": app_id, "day": d, "end_user_id": u} for d, u in sorted(delta.active)],
        )
    if delta.daily:
        execute_many(
            session,
            statements["daily"],
            [
                {"app_id": app_id, "day": d, **dict(zip(_PLACE, place, strict=True)), **row}
                for (d, place), row in sorted(delta.daily.items())
            ],
        )
    if delta.users:
        execute_many(
            session,
            statements["users"],
            [
                {"app_id": app_id, "end_user_id": u, "day": d, **dict(zip(_PLACE, p, strict=True))}
                for u, d, p in sorted(delta.users)
            ],
        )
    if delta.active_sessions:
        execute_many(
            session,
            statements["active_sessions"],
            [
                {"app_id": app_id, "day": d, "session_id": s, "end_user_id": u}
                for d, s, u in sorted(delta.active_sessions)
            ],
        )
    if delta.sessions:
        execute_many(
            session,
            statements["sessions"],
            [
                {
                    "app_id": app_id,
                    "day": d,
                    **dict(zip(_PLACE, p, strict=True)),
                    "session_id": s,
                    "end_user_id": u,
                }
                for d, p, s, u in sorted(delta.sessions)
            ],
        )


__all__ = ["StruggleDelta", "apply_struggle", "page_of"]
