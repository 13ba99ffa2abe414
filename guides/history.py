"""Audience rules from a user's past, evaluated at session start: has (or has not) completed
guide X; did event Y at least N times in the last D days; struggled on page Z in the last D
days. The facts are read only when a live guide of the app asks for them, with one query
per kind of fact, through the user's own indexed rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)
from sqlalchemy import select as select_columns
from sqlmodel import Session

from guides.models import Guide, GuideState

HistoryKind = Literal["completed_guide", "not_completed_guide", "event_count", "struggled_on_page"]
MAX_EVENTS_READ = 10_000  # a user's events counted for one rule, newest first


class HistoryCondition(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: HistoryKind
    guide: str | None = Field(None, min_length=1, max_length=100, description="A guide's slug.")
    event: str | None = Field(None, min_length=1, max_length=1000, description="A track name.")
    page: str | None = Field(None, min_length=1, max_length=200, description="A page path.")
    at_least: int = Field(1, ge=1, le=1_000_000)
    days: int = Field(30, ge=1, le=365)

    @model_serializer(mode="wrap")
    def _only_given(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return {key: value for key, value in handler(self).items() if value is not None}

    @model_validator(mode="after")
    def _needs(self) -> HistoryCondition:
        needed = {
            "completed_guide": "guide",
            "not_completed_guide": "guide",
            "event_count": "event",
            "struggled_on_page": "page",
        }[self.kind]
        if getattr(self, needed) is None:
            raise ValueError(f"a {self.kind} condition needs {needed}")
        return self


@dataclass
class UserHistory:
    completed: set[str] = field(default_factory=set)  # slugs of guides the user completed
    events: dict[tuple[str, int], int] = field(default_factory=dict)  # (name, days) -> count
    struggled: set[tuple[str, int]] = field(default_factory=set)  # (page, days)


def history_matches(conditions: Sequence[HistoryCondition], history: UserHistory) -> bool:
    """Every condition holds (they add to the trait conditions, which must match too)."""
    for condition in conditions:
        if condition.kind == "completed_guide" and condition.guide not in history.completed:
            return False
        if condition.kind == "not_completed_guide" and condition.guide in history.completed:
            return False
        if condition.kind == "event_count":
            count = history.events.get((condition.event or "", condition.days), 0)
            if count < condition.at_least:
                return False
        page = (condition.page or "", condition.days)
        if condition.kind == "struggled_on_page" and page not in history.struggled:
            return False
    return True


def _table(model: type) -> Any:
    return model.__table__  # type: ignore[attr-defined]


def user_history(
    session: Session,
    *,
    app_id: int,
    end_user_id: int | None,
    conditions: Iterable[HistoryCondition],
    now: datetime | None = None,
) -> UserHistory:
    """The facts `conditions` need about one user (none for a user not stored yet)."""
    wanted = list(conditions)
    history = UserHistory()
    if not wanted or end_user_id is None:
        return history
    now = now or datetime.now(UTC)
    if any(c.kind in ("completed_guide", "not_completed_guide") for c in wanted):
        guides, states = _table(Guide), _table(GuideState)
        history.completed = set(
            session.execute(
                select_columns(guides.c.slug)
                .join(states, states.c.guide_id == guides.c.id)
                .where(
                    states.c.end_user_id == end_user_id,
                    states.c.completed.is_(True),
                    guides.c.app_id == app_id,
                )
            ).scalars()
        )
    counts = [c for c in wanted if c.kind == "event_count"]
    if counts:
        # Imported here: analytics imports guides, so guides must not import it at load time.
        from analytics.models import Event

        events = _table(Event)
        since = now - timedelta(days=max(c.days for c in counts))
        rows = session.execute(
            select_columns(events.c.properties, events.c.occurred_at)
            .where(
                events.c.end_user_id == end_user_id,
                events.c.type == "track",
                events.c.occurred_at >= since,
            )
            .order_by(events.c.occurred_at.desc())
            .limit(MAX_EVENTS_READ)
        ).all()
        for condition in counts:
            start = now - timedelta(days=condition.days)
            history.events[(condition.event or "", condition.days)] = sum(
                1
                for properties, at in rows
                if at >= start and (properties or {}).get("name") == condition.event
            )
    pages = [c for c in wanted if c.kind == "struggled_on_page"]
    if pages:
        from analytics.models import StruggleUserDay

        struggles = _table(StruggleUserDay)
        since_day = (now - timedelta(days=max(c.days for c in pages))).date()
        seen = session.execute(
            select_columns(struggles.c.page, struggles.c.day).where(
                struggles.c.end_user_id == end_user_id, struggles.c.day >= since_day
            )
        ).all()
        for condition in pages:
            start_day = (now - timedelta(days=condition.days)).date()
            if any(page == condition.page and day >= start_day for page, day in seen):
                history.struggled.add((condition.page or "", condition.days))
    return history


__all__ = ["HistoryCondition", "UserHistory", "history_matches", "user_history"]
