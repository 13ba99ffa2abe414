"""Storage models of analytics: raw events (append-only, one row per event the SDK sent) and
the rollups kept up to date from them in the same transaction (`analytics/rollups.py`)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from guides.anticipation import StruggleSignal
from guides.columns import BigIntId, JSONColumn, UTCDateTime, utcnow


class EventType(StrEnum):
    guide_shown = "guide_shown"
    step_shown = "step_shown"
    step_completed = "step_completed"
    guide_completed = "guide_completed"
    guide_dismissed = "guide_dismissed"
    target_missing = "target_missing"
    survey_answered = "survey_answered"
    checklist_item_completed = "checklist_item_completed"
    resource_center_searched = "resource_center_searched"
    struggle_detected = "struggle_detected"
    track = "track"


GUIDE_EVENT_TYPES = frozenset(EventType) - {
    EventType.track,
    EventType.resource_center_searched,
    EventType.struggle_detected,
}
STEP_EVENT_TYPES = frozenset(
    {
        EventType.step_shown,
        EventType.step_completed,
        EventType.target_missing,
        EventType.survey_answered,
    }
)


class ExitReason(StrEnum):
    """Why a guide ended without being completed: `properties.reason` of `guide_dismissed`."""

    dismissed = "dismissed"
    navigated_away = "navigated_away"
    target_missing = "target_missing"
    error = "error"
    timed_out = "timed_out"


class SurveyScale(StrEnum):
    """What a `survey_answered` event's `properties.value` means."""

    nps = "nps"  # 0 to 10
    csat = "csat"  # 1 to 5
    ces = "ces"  # 1 to 7
    single = "single"  # one option's id
    multiple = "multiple"  # a list of option ids
    text = "text"  # free text (in properties.comment)


__all__ = ["StruggleSignal"]  # re-exported: the event contract names it here

SCALE_RANGES = {SurveyScale.nps: (0, 10), SurveyScale.csat: (1, 5), SurveyScale.ces: (1, 7)}


class Event(SQLModel, table=True):
    __table_args__ = (
        # The client-made id is unique per app: a retried batch is stored once.
        UniqueConstraint("app_id", "event_id"),
        Index("ix_event_app_guide_time", "app_id", "guide_id", "occurred_at"),
        # Free-text survey answers are listed from raw events through this index.
        Index("ix_event_app_type_time", "app_id", "type", "occurred_at"),
    )

    id: int | None = Field(default=None, sa_column=Column(BigIntId, primary_key=True))
    app_id: int = Field(foreign_key="app.id", ondelete="CASCADE")
    event_id: uuid.UUID
    type: str = Field(max_length=40)
    end_user_id: int = Field(foreign_key="end_user.id", index=True, ondelete="CASCADE")
    guide_id: int | None = None
    guide_version: int | None = None
    step_index: int | None = None
    url: str = Field(default="", max_length=2048)
    properties: dict[str, Any] = Field(default_factory=dict, sa_type=JSONColumn)
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    received_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # The SDK's session (one browser tab until 30 minutes without events or a reset());
    # NULL for events of SDKs older than session ids and of server-side tracking.
    session_id: uuid.UUID | None = None


# Rollups. Their keys use two sentinels so that every page reads few rows:
ALL_VERSIONS = 0  # guide_version 0: the sum over every version of the guide
WHOLE_GUIDE = -1  # step_index -1: the guide as a whole (guide_shown, guide_completed, ...)


def _key(**kw: Any) -> Any:
    return Field(primary_key=True, **kw)


class GuideDaily(SQLModel, table=True):
    """Counts per app, guide, version, step and UTC day. `users_*` count the users whose
    *first* such event (for this guide, version and step) fell on that day, so a sum over
    days is an exact count of distinct users."""

    __tablename__ = "guide_daily"

    app_id: int = _key(foreign_key="app.id", ondelete="CASCADE")
    guide_id: int = _key(foreign_key="guide.id", ondelete="CASCADE")
    guide_version: int = _key()
    step_index: int = _key()
    day: date = _key()
    shown: int = 0
    completed: int = 0
    dismissed: int = 0
    target_missing: int = 0
    exit_dismissed: int = 0
    exit_navigated_away: int = 0
    exit_target_missing: int = 0
    exit_error: int = 0
    exit_timed_out: int = 0
    users_shown: int = 0
    users_completed: int = 0
    users_dismissed: int = 0


class StepDuration(SQLModel, table=True):
    """How long users spent on a step before moving on (`step_completed.duration_ms`), as a
    histogram with fixed log-spaced buckets (`analytics/durations.py`)."""

    __tablename__ = "step_duration_daily"

    app_id: int = _key(foreign_key="app.id", ondelete="CASCADE")
    guide_id: int = _key(foreign_key="guide.id", ondelete="CASCADE")
    guide_version: int = _key()
    step_index: int = _key()
    day: date = _key()
    bucket: int = _key()
    count: int = 0


class FirstSeen(SQLModel, table=True):
    """The first day each user did each counted thing: what makes `users_*` exact and
    independent of the order events arrive in."""

    __tablename__ = "rollup_first_seen"

    end_user_id: int = _key(foreign_key="end_user.id", ondelete="CASCADE")
    guide_id: int = _key(foreign_key="guide.id", ondelete="CASCADE")
    guide_version: int = _key()
    step_index: int = _key()
    metric: str = _key(max_length=20)
    item: str = _key(max_length=200)
    app_id: int = Field(foreign_key="app.id", index=True, ondelete="CASCADE")
    day: date


class SurveyQuestionDaily(SQLModel, table=True):
    """Answers per survey question and day; `comments` counts the ones with free text."""

    __tablename__ = "survey_question_daily"

    app_id: int = _key(foreign_key="app.id", ondelete="CASCADE")
    guide_id: int = _key(foreign_key="guide.id", ondelete="CASCADE")
    question: str = _key(max_length=200)
    scale: str = _key(max_length=10)
    day: date = _key()
    responses: int = 0
    comments: int = 0


class SurveyValueDaily(SQLModel, table=True):
    """How often each value was chosen (an NPS score, an option id) per question and day."""

    __tablename__ = "survey_value_daily"

    app_id: int = _key(foreign_key="app.id", ondelete="CASCADE")
    guide_id: int = _key(foreign_key="guide.id", ondelete="CASCADE")
    question: str = _key(max_length=200)
    scale: str = _key(max_length=10)
    value: str = _key(max_length=200)
    day: date = _key()
    count: int = 0


class ChecklistItemDaily(SQLModel, table=True):
    __tablename__ = "checklist_item_daily"

    app_id: int = _key(foreign_key="app.id", ondelete="CASCADE")
    guide_id: int = _key(foreign_key="guide.id", ondelete="CASCADE")
    item: str = _key(max_length=200)
    day: date = _key()
    completions: int = 0
    users: int = 0


class SearchDaily(SQLModel, table=True):
    """Resource-center searches per normalized query and day, and how many found nothing."""

    __tablename__ = "search_daily"

    app_id: int = _key(foreign_key="app.id", ondelete="CASCADE")
    query: str = _key(max_length=200)
    day: date = _key()
    searches: int = 0
    zero_results: int = 0


NO_GUIDE = 0  # guide_id 0 in struggle rollups: a struggle outside any guide
NO_STEP = -1  # step_index -1 in struggle rollups: not on a guide's step


class StruggleDaily(SQLModel, table=True):
    """Struggle per app, page, element, signal, guide step and UTC day (analytics/struggle.py).
    `count` adds up each event's `properties.count` (clicks of a rage click, fields of an
    abandoned form); `role` and `text` describe the element as last seen."""

    __tablename__ = "struggle_daily"

    app_id: int = _key(foreign_key="app.id", ondelete="CASCADE")
    day: date = _key()
    page: str = _key(max_length=200)
    selector: str = _key(max_length=200)
    signal: str = _key(max_length=20)
    guide_id: int = _key()
    step_index: int = _key()
    occurrences: int = 0
    count: int = 0
    role: str = Field(default="", max_length=40)
    text: str = Field(default="", max_length=100)


class StruggleUserDay(SQLModel, table=True):
    """Who struggled where on which day: distinct users and sessions (a session is a user's
    active UTC day) of any range of days are counted from these rows."""

    __tablename__ = "struggle_user_day"
    __table_args__ = (Index("ix_struggle_user_day_app_day", "app_id", "day"),)

    end_user_id: int = _key(foreign_key="end_user.id", ondelete="CASCADE")
    day: date = _key()
    page: str = _key(max_length=200)
    selector: str = _key(max_length=200)
    signal: str = _key(max_length=20)
    guide_id: int = _key()
    step_index: int = _key()
    app_id: int = Field(foreign_key="app.id", ondelete="CASCADE")


class ActiveUserDay(SQLModel, table=True):
    """Each user's active UTC days (any event): the sessions struggle is a share of."""

    __tablename__ = "active_user_day"

    app_id: int = _key(foreign_key="app.id", ondelete="CASCADE")
    day: date = _key()
    end_user_id: int = _key(foreign_key="end_user.id", ondelete="CASCADE")


# The per-session rollups are written at every batch and read only by their key: on SQLite
# the key is the table (WITHOUT ROWID), one B-tree to insert into instead of a table and
# its key's index.
SESSION_TABLE = {"sqlite_with_rowid": False}


class ActiveSessionDay(SQLModel, table=True):
    """Each SDK session's active UTC days (any event with a session id): the sessions
    struggle is a share of, where the SDK sends session ids."""

    __tablename__ = "active_session_day"
    __table_args__ = SESSION_TABLE

    app_id: int = _key(foreign_key="app.id", ondelete="CASCADE")
    day: date = _key()
    session_id: uuid.UUID = _key()
    end_user_id: int = _key(foreign_key="end_user.id", ondelete="CASCADE")


class StruggleSessionDay(SQLModel, table=True):
    """In which SDK session users struggled where, per UTC day: distinct sessions of any
    range of days are counted from these rows (events with a session id only)."""

    __tablename__ = "struggle_session_day"
    __table_args__ = SESSION_TABLE

    app_id: int = _key(foreign_key="app.id", ondelete="CASCADE")
    day: date = _key()
    page: str = _key(max_length=200)
    selector: str = _key(max_length=200)
    signal: str = _key(max_length=20)
    guide_id: int = _key()
    step_index: int = _key()
    session_id: uuid.UUID = _key()
    end_user_id: int = _key(foreign_key="end_user.id", ondelete="CASCADE")


class TargetSessionDay(SQLModel, table=True):
    """The SDK sessions in which a guide step was due, per UTC day: `missing` False when the
    step was shown in the session, True when its target was missing. Distinct sessions of any
    range of days are counted from these rows (analytics/targeting_health.py). Only events
    that carry a session id are here. A session that spans an `identify()` has rows for both
    users, so each user's rows are theirs alone (privacy export and erasure)."""

    __tablename__ = "target_session_day"
    __table_args__ = SESSION_TABLE

    app_id: int = _key(foreign_key="app.id", ondelete="CASCADE")
    day: date = _key()
    guide_id: int = _key(foreign_key="guide.id", ondelete="CASCADE")
    step_index: int = _key()
    session_id: uuid.UUID = _key()
    missing: bool = _key()
    end_user_id: int = _key(foreign_key="end_user.id", ondelete="CASCADE")


ROLLUP_MODELS: tuple[type[SQLModel], ...] = (
    GuideDaily,
    StepDuration,
    FirstSeen,
    SurveyQuestionDaily,
    SurveyValueDaily,
    ChecklistItemDaily,
    SearchDaily,
    StruggleDaily,
    StruggleUserDay,
    ActiveUserDay,
    ActiveSessionDay,
    StruggleSessionDay,
    TargetSessionDay,
)


class RetentionRun(SQLModel, table=True):
    """One run of raw-event retention that removed events: a rollup rebuild after it would
    count only what is left, so `signpost analytics rebuild` checks here first."""

    __tablename__ = "retention_run"

    id: int | None = Field(default=None, primary_key=True)
    ran_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    cutoff: datetime = Field(sa_type=UTCDateTime)
    events_deleted: int
    partitions_dropped: int
