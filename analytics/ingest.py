"""Ingestion of SDK event batches: each event validated on its own, duplicates dropped by
event id, the client's clock corrected, each user's guide states updated in the same
transaction as the raw events, so a 2xx means all of it is stored."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from analytics.models import (
    GUIDE_EVENT_TYPES,
    SCALE_RANGES,
    STEP_EVENT_TYPES,
    Event,
    EventType,
    ExitReason,
    SurveyScale,
)
from analytics.rollups import record_rollups
from guides.delivery import find_or_create_user
from guides.errors import InvalidPayload, fields_from_pydantic
from guides.models import App, Guide, GuideState
from guides.sanitize import contains_nul

MAX_EVENTS_PER_BATCH = 500
MAX_PROPERTIES = 50
MAX_PROPERTY_LENGTH = 1000
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
MAX_ID = 2**31 - 1  # guide ids and version numbers are 32-bit integer columns
MAX_LIST_ITEMS = 50
PropertyValue = str | int | float | bool | None | list[str]


class EventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    event_id: uuid.UUID
    type: EventType
    timestamp: AwareDatetime
    url: str = Field("", max_length=2048)
    # Validated even when absent, so "required for step_shown" names the missing field.
    guide_id: int | None = Field(None, ge=1, le=MAX_ID, validate_default=True)
    guide_version: int | None = Field(None, ge=1, le=MAX_ID, validate_default=True)
    step_index: int | None = Field(None, ge=0, le=1000, validate_default=True)
    properties: dict[str, PropertyValue] = Field(default_factory=dict, validate_default=True)

    @field_validator("timestamp")
    @classmethod
    def _plausible_timestamp(cls, value: datetime) -> datetime:
        return _plausible(value)

    @field_validator("guide_id", "guide_version")
    @classmethod
    def _guide_fields(cls, value: int | None, info: ValidationInfo) -> int | None:
        return _required_for(value, info, GUIDE_EVENT_TYPES)

    @field_validator("step_index")
    @classmethod
    def _step_field(cls, value: int | None, info: ValidationInfo) -> int | None:
        return _required_for(value, info, STEP_EVENT_TYPES)

    @field_validator("properties")
    @classmethod
    def _small_properties(
        cls, value: dict[str, PropertyValue], info: ValidationInfo
    ) -> dict[str, PropertyValue]:
        if len(value) > MAX_PROPERTIES:
            raise ValueError(f"at most {MAX_PROPERTIES} properties")
        for key, item in value.items():
            items = item if isinstance(item, list) else [item]
            if len(items) > MAX_LIST_ITEMS:
                raise ValueError(f"property {key[:100]!r} has more than {MAX_LIST_ITEMS} items")
            too_long = any(isinstance(i, str) and len(i) > MAX_PROPERTY_LENGTH for i in items)
            if len(key) > 100 or too_long:
                raise ValueError(f"property {key[:100]!r} is too long")
        check = PROPERTY_CHECKS.get(info.data.get("type"))  # type: ignore[arg-type]
        if check is not None:
            check(value)
        return value

    @field_validator("url", "properties")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        if contains_nul(value):
            raise ValueError("must not contain NUL characters")
        return value


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _check_common(props: dict[str, PropertyValue]) -> None:
    duration = props.get("duration_ms")
    if duration is not None and not (_is_int(duration) and 0 <= duration <= 2**31):  # type: ignore[operator]
        raise ValueError("properties.duration_ms must be a whole number of milliseconds >= 0")


def _check_track(props: dict[str, PropertyValue]) -> None:
    if not isinstance(props.get("name"), str):
        raise ValueError("a track event needs properties.name")


def _check_dismissed(props: dict[str, PropertyValue]) -> None:
    _check_common(props)
    reason = props.get("reason", ExitReason.dismissed.value)
    if reason not in set(ExitReason):
        raise ValueError(f"properties.reason must be one of {', '.join(ExitReason)}")


def _check_survey(props: dict[str, PropertyValue]) -> None:
    if not isinstance(props.get("question"), str) or not props["question"]:
        raise ValueError("a survey_answered event needs properties.question")
    scale, value = props.get("scale"), props.get("value")
    if scale not in set(SurveyScale):
        raise ValueError(f"properties.scale must be one of {', '.join(SurveyScale)}")
    scale = SurveyScale(scale)
    if scale in SCALE_RANGES:
        low, high = SCALE_RANGES[scale]
        if not (_is_int(value) and low <= value <= high):  # type: ignore[operator]
            raise ValueError(f"properties.value must be a whole number from {low} to {high}")
    elif scale == SurveyScale.single and not isinstance(value, str):
        raise ValueError("properties.value must be the chosen option's id")
    elif scale == SurveyScale.multiple and not isinstance(value, list):
        raise ValueError("properties.value must be a list of the chosen options' ids")
    elif scale == SurveyScale.text and not isinstance(props.get("comment"), str):
        raise ValueError("a text answer needs properties.comment")
    comment = props.get("comment")
    if comment is not None and not isinstance(comment, str):
        raise ValueError("properties.comment must be text")


def _check_checklist_item(props: dict[str, PropertyValue]) -> None:
    if not isinstance(props.get("item"), str) or not props["item"]:
        raise ValueError("a checklist_item_completed event needs properties.item")


def _check_search(props: dict[str, PropertyValue]) -> None:
    results = props.get("results")
    if not isinstance(props.get("query"), str):
        raise ValueError("a resource_center_searched event needs properties.query")
    if not (_is_int(results) and results >= 0):  # type: ignore[operator]
        raise ValueError("properties.results must be the number of results found")


# What each event type requires of its properties (docs/sdk-protocol.md, "Event types").
PROPERTY_CHECKS = {
    EventType.track: _check_track,
    EventType.step_completed: _check_common,
    EventType.guide_completed: _check_common,
    EventType.guide_dismissed: _check_dismissed,
    EventType.survey_answered: _check_survey,
    EventType.checklist_item_completed: _check_checklist_item,
    EventType.resource_center_searched: _check_search,
}


def _required_for(value: Any, info: ValidationInfo, types: frozenset[EventType]) -> Any:
    event_type = info.data.get("type")  # absent when the type itself was invalid
    if value is None and event_type in types:
        raise PydanticCustomError("missing", "required for {type}", {"type": str(event_type)})
    return value


def _plausible(value: datetime) -> datetime:
    if not EARLIEST <= value <= LATEST:
        raise ValueError("not a plausible date")
    return value


class EventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    app_key: str = Field(min_length=1, max_length=100)
    user_id: str | None = Field(None, min_length=1, max_length=255)
    anonymous_id: str | None = Field(None, min_length=1, max_length=100)
    sent_at: AwareDatetime | None = None
    # Validated one by one in `split_events`, so one bad event never blocks the rest.
    events: list[Any] = Field(max_length=MAX_EVENTS_PER_BATCH)

    @field_validator("sent_at")
    @classmethod
    def _plausible_sent_at(cls, value: datetime | None) -> datetime | None:
        # Clock correction subtracts it from received_at: year 9999 would overflow.
        return None if value is None else _plausible(value)

    @field_validator("app_key", "user_id", "anonymous_id")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        if contains_nul(value):
            raise ValueError("must not contain NUL characters")
        return value

    @model_validator(mode="after")
    def _someone(self) -> EventBatch:
        if self.user_id is None and self.anonymous_id is None:
            raise ValueError("send user_id or anonymous_id")
        return self


@dataclass
class IngestResult:
    accepted: int = 0
    duplicates: int = 0
    rejected: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"accepted": self.accepted, "duplicates": self.duplicates, "rejected": self.rejected}


def split_events(batch: EventBatch) -> tuple[list[tuple[int, EventIn]], list[dict[str, Any]]]:
    valid: list[tuple[int, EventIn]] = []
    rejected: list[dict[str, Any]] = []
    for index, raw in enumerate(batch.events):
        try:
            valid.append((index, EventIn.model_validate(raw)))
        except ValidationError as exc:
            fields = fields_from_pydantic(exc.errors(), prefix=f"events[{index}]")
            rejected.append({"index": index, "code": "invalid_event", "fields": fields})
    return valid, rejected


def corrected_time(
    timestamp: datetime, sent_at: datetime | None, received_at: datetime
) -> datetime:
    """`received_at - (sent_at - timestamp)`: the client's clock offset removed, never future."""
    occurred = timestamp if sent_at is None else received_at - (sent_at - timestamp)
    return min(occurred, received_at)


def record_events(
    *, session: Session, app: App, batch: EventBatch, received_at: datetime | None = None
) -> IngestResult:
    """Store the valid events; raise `InvalidPayload` when the batch had events, none valid."""
    assert app.id is not None
    received_at = received_at or datetime.now(UTC)
    valid, rejected = split_events(batch)
    result = IngestResult(rejected=rejected)
    if not valid:
        if rejected:
            raise InvalidPayload(
                "every event of the batch is invalid",
                fields=[f for r in rejected for f in r["fields"]],
            )
        return result

    user = find_or_create_user(
        session=session, app_id=app.id, user_id=batch.user_id, anonymous_id=batch.anonymous_id
    )
    known_guides = _guide_ids(session, app.id, {e.guide_id for _, e in valid if e.guide_id})
    rows = [
        {
            "app_id": app.id,
            "event_id": event.event_id,
            "type": event.type.value,
            "end_user_id": user.id,
            "guide_id": event.guide_id,
            "guide_version": event.guide_version,
            "step_index": event.step_index,
            "url": event.url,
            "properties": event.properties,
            "occurred_at": corrected_time(event.timestamp, batch.sent_at, received_at),
            "received_at": received_at,
        }
        for _, event in valid
    ]
    stored = _insert_new(session, rows)
    # An id sent twice in one batch is stored once: the first copy counts, like a retry.
    new = [(e, row) for (_, e), row in zip(valid, rows, strict=True) if stored.pop(e.event_id, 0)]
    inserted = [event for event, _ in new]
    new_rows = [row for _, row in new]
    result.accepted = len(new_rows)
    result.duplicates = len(valid) - len(new_rows)
    assert user.id is not None
    ours = [e for e in inserted if e.guide_id in known_guides]
    _update_guide_states(session, user.id, ours)
    record_rollups(
        session,
        app_id=app.id,
        end_user_id=user.id,
        events=[r for r in new_rows if r["guide_id"] is None or r["guide_id"] in known_guides],
    )
    return result


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> dict[uuid.UUID, int]:
    """One INSERT for the whole batch; the ids it stored (repeats are skipped by the unique
    key, also when another transaction stores them at the same moment)."""
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    table = Event.__table__  # type: ignore[attr-defined]
    statement = (
        insert(table)
        .on_conflict_do_nothing(index_elements=["app_id", "event_id"])
        .returning(table.c.event_id)
    )
    # executemany with RETURNING: SQLAlchemy sends it as multi-row INSERTs it compiles once.
    return dict.fromkeys(session.execute(statement, rows).scalars(), 1)


def _guide_ids(session: Session, app_id: int, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    found = session.exec(
        select(Guide.id).where(Guide.app_id == app_id, col(Guide.id).in_(ids))
    ).all()
    return {guide_id for guide_id in found if guide_id is not None}


def _update_guide_states(session: Session, end_user_id: int, events: list[EventIn]) -> None:
    if not events:
        return
    guide_ids = sorted({e.guide_id for e in events if e.guide_id is not None})
    now = datetime.now(UTC)
    # Two batches of one user may arrive at once; the unique key settles who creates a row.
    table = GuideState.__table__  # type: ignore[attr-defined]
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(table).on_conflict_do_nothing(index_elements=["end_user_id", "guide_id"]),
        [
            {
                "end_user_id": end_user_id,
                "guide_id": guide_id,
                "seen": False,
                "current_step": 0,
                "completed": False,
                "dismissed": False,
                "updated_at": now,
            }
            for guide_id in guide_ids
        ],
    )
    states = {
        state.guide_id: state
        for state in session.exec(
            select(GuideState)
            .where(GuideState.end_user_id == end_user_id, col(GuideState.guide_id).in_(guide_ids))
            .with_for_update()
        ).all()
    }
    for event in sorted(events, key=lambda e: e.timestamp):
        state = states[event.guide_id]  # type: ignore[index]
        if event.type in (EventType.guide_shown, EventType.step_shown):
            state.seen = True
        if event.type == EventType.step_shown and event.step_index is not None:
            state.current_step = event.step_index
        elif event.type == EventType.guide_completed:
            state.completed = True
        elif event.type == EventType.guide_dismissed:
            state.dismissed = True
        state.updated_at = now
    for state in states.values():
        session.add(state)
    session.flush()
