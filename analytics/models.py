"""Storage model of raw events: append-only, one row per event the SDK sent."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

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
    track = "track"


GUIDE_EVENT_TYPES = frozenset(EventType) - {EventType.track, EventType.resource_center_searched}
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


SCALE_RANGES = {SurveyScale.nps: (0, 10), SurveyScale.csat: (1, 5), SurveyScale.ces: (1, 7)}


class Event(SQLModel, table=True):
    __table_args__ = (
        # The client-made id is unique per app: a retried batch is stored once.
        UniqueConstraint("app_id", "event_id"),
        Index("ix_event_app_guide_time", "app_id", "guide_id", "occurred_at"),
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
