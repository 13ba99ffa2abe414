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
from sqlalchemy import bindparam
from sqlalchemy import select as select_columns
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from analytics.models import (
    GUIDE_EVENT_TYPES,
    SCALE_RANGES,
    STEP_EVENT_TYPES,
    Event,
    EventType,
    ExitReason,
    StruggleSignal,
    SurveyScale,
)
from analytics.rollups import record_rollups
from analytics.webhooks import WebhookEvent, enqueue_deliveries
from guides.bulk import execute_many, for_session, is_sqlite, per_dialect, select_rows
from guides.delivery import find_or_create_users
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
    # The SDK's session id (sdk/src/browsing.js); absent from older SDKs' events.
    session_id: uuid.UUID | None = None

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
        # One pass, cheapest test first: every event of every batch comes through here.
        if len(value) > MAX_PROPERTIES:
            raise ValueError(f"at most {MAX_PROPERTIES} properties")
        nul = False
        for key, item in value.items():
            too_long = len(key) > 100
            nul = nul or "\x00" in key
            if type(item) is str:
                too_long = too_long or len(item) > MAX_PROPERTY_LENGTH
                nul = nul or "\x00" in item
            elif type(item) is list:
                if len(item) > MAX_LIST_ITEMS:
                    raise ValueError(f"property {key[:100]!r} has more than {MAX_LIST_ITEMS} items")
                too_long = too_long or any(len(i) > MAX_PROPERTY_LENGTH for i in item)
                nul = nul or any("\x00" in i for i in item)
            if too_long:
                raise ValueError(f"property {key[:100]!r} is too long")
        check = PROPERTY_CHECKS.get(info.data.get("type"))  # type: ignore[arg-type]
        if check is not None:
            check(value)
        if nul:
            raise ValueError("must not contain NUL characters")
        return value

    @field_validator("session_id", mode="wrap")
    @classmethod
    def _session_uuid(cls, value: Any, handler: Any) -> uuid.UUID | None:
        try:
            return handler(value)
        except ValidationError:
            raise ValueError("must be a UUID, as the SDK makes for each session") from None

    @field_validator("url")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        if "\x00" in value:
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


# A struggle event describes where, never what the user typed: any other key is refused.
STRUGGLE_PROPERTIES = {"signal": str, "count": int, "role": str, "text": str, "selector": str}
STRUGGLE_TEXT_LENGTH = 100
MAX_STRUGGLE_COUNT = 1_000_000


def _check_struggle(props: dict[str, PropertyValue]) -> None:
    extra = sorted(set(props) - set(STRUGGLE_PROPERTIES))
    if extra:
        raise ValueError(
            f"a struggle_detected event carries only {', '.join(STRUGGLE_PROPERTIES)}"
            f", not {', '.join(key[:100] for key in extra[:5])}"
        )
    if props.get("signal") not in set(StruggleSignal):
        raise ValueError(f"properties.signal must be one of {', '.join(StruggleSignal)}")
    count = props.get("count", 1)
    if not (_is_int(count) and 1 <= count <= MAX_STRUGGLE_COUNT):  # type: ignore[operator]
        raise ValueError(f"properties.count must be a whole number from 1 to {MAX_STRUGGLE_COUNT}")
    for key in ("role", "text", "selector"):
        if props.get(key) is not None and not isinstance(props[key], str):
            raise ValueError(f"properties.{key} must be text")
    if len(str(props.get("text") or "")) > STRUGGLE_TEXT_LENGTH:
        raise ValueError(f"properties.text is cut to {STRUGGLE_TEXT_LENGTH} characters by the SDK")


# What each event type requires of its properties (docs/sdk-protocol.md, "Event types").
PROPERTY_CHECKS = {
    EventType.track: _check_track,
    EventType.step_completed: _check_common,
    EventType.guide_completed: _check_common,
    EventType.guide_dismissed: _check_dismissed,
    EventType.survey_answered: _check_survey,
    EventType.checklist_item_completed: _check_checklist_item,
    EventType.resource_center_searched: _check_search,
    EventType.struggle_detected: _check_struggle,
}


def _required_for(value: Any, info: ValidationInfo, types: frozenset[EventType]) -> Any:
    event_type = info.data.get("type")  # absent when the type itself was invalid
    if value is None and event_type in types:
        raise PydanticCustomError("missing", "required for {type}", {"type": str(event_type)})
    return value


def _plausible(value: datetime) -> datetime:
    """The time in UTC, if plausible. In UTC once here, later comparisons and arithmetic on
    it skip the offset lookups that a parsed zone costs at every step."""
    # The year first: year 1 or 9999 in a zone overflows when moved to UTC.
    if not EARLIEST.year <= value.year <= LATEST.year:
        raise ValueError("not a plausible date")
    value = value.astimezone(UTC)
    if not EARLIEST <= value <= LATEST:
        raise ValueError("not a plausible date")
    return value


class EventBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    app_key: str = Field(min_length=1, max_length=100)
    user_id: str | None = Field(None, min_length=1, max_length=255)
    anonymous_id: str | None = Field(None, min_length=1, max_length=100)
    user_token: str | None = Field(None, max_length=16_384)  # see guides/identity.py
    sent_at: AwareDatetime | None = None
    # Validated one by one in `split_events`, so one bad event never blocks the rest.
    events: list[Any] = Field(max_length=MAX_EVENTS_PER_BATCH)

    @field_validator("sent_at")
    @classmethod
    def _plausible_sent_at(cls, value: datetime | None) -> datetime | None:
        # Clock correction subtracts it from received_at: year 9999 would overflow.
        return None if value is None else _plausible(value)

    @field_validator("app_key", "user_id", "anonymous_id", "user_token")
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


WEBHOOK_TYPES = frozenset(WebhookEvent)


@dataclass
class PreparedBatch:
    """A batch validated and turned into rows, ready to store (outside the write lock)."""

    batch: EventBatch
    valid: list[EventIn]
    rows: list[dict[str, Any]]  # `end_user_id` is filled in when stored
    result: IngestResult


def prepare_batch(app_id: int, batch: EventBatch, received_at: datetime) -> PreparedBatch:
    """Validate each event; raise `InvalidPayload` when the batch had events, none valid."""
    valid, rejected = split_events(batch)
    if not valid and rejected:
        raise InvalidPayload(
            "every event of the batch is invalid",
            fields=[f for r in rejected for f in r["fields"]],
        )
    # One object per session id: the rows of a batch (one session, mostly) then share it, and
    # the bulk writes convert it for the database once per batch instead of once per row.
    sessions: dict[uuid.UUID | None, uuid.UUID | None] = {None: None}
    rows = [
        {
            "app_id": app_id,
            "event_id": event.event_id,
            "type": event.type.value,
            "end_user_id": None,
            "guide_id": event.guide_id,
            "guide_version": event.guide_version,
            "step_index": event.step_index,
            "url": event.url,
            "properties": event.properties,
            "occurred_at": corrected_time(event.timestamp, batch.sent_at, received_at),
            "received_at": received_at,
            "session_id": sessions.setdefault(event.session_id, event.session_id),
        }
        for _, event in valid
    ]
    return PreparedBatch(batch, [e for _, e in valid], rows, IngestResult(rejected=rejected))


def store_batches(*, session: Session, app_id: int, prepared: list[PreparedBatch]) -> None:
    """Store several batches of one app in the caller's transaction with a few statements
    for all of them (group commit), filling in each batch's `result`. An event id repeated
    in or across the batches is stored once, counted for the first batch that carries it."""
    prepared = [p for p in prepared if p.rows]
    if not prepared:
        return
    users = find_or_create_users(
        session=session,
        app_id=app_id,
        keys={(p.batch.user_id, p.batch.anonymous_id) for p in prepared},
    )
    for p in prepared:
        user_id = users[(p.batch.user_id, p.batch.anonymous_id)]
        for row in p.rows:
            row["end_user_id"] = user_id
    known_guides = _guide_ids(
        session, app_id, {e.guide_id for p in prepared for e in p.valid if e.guide_id}
    )
    stored = _insert_new(session, [row for p in prepared for row in p.rows])
    states: dict[int, list[EventIn]] = {}
    counted: list[dict[str, Any]] = []
    hooked: list[dict[str, Any]] = []
    for p in prepared:
        new = [
            (e, row) for e, row in zip(p.valid, p.rows, strict=True) if stored.pop(e.event_id, 0)
        ]
        p.result.accepted = len(new)
        p.result.duplicates = len(p.valid) - len(new)
        who = {"user": p.batch.user_id or p.batch.anonymous_id, "anonymous": not p.batch.user_id}
        hooked.extend({**row, **who} for _, row in new if row["type"] in WEBHOOK_TYPES)
        for event, row in new:
            if event.guide_id is None or event.guide_id in known_guides:
                counted.append(row)
                if event.guide_id is not None:
                    states.setdefault(row["end_user_id"], []).append(event)
    _update_guide_states(session, states)
    record_rollups(session, app_id=app_id, events=counted)
    # The outbox, in this same transaction: an acknowledged event always gets its webhook.
    enqueue_deliveries(session, app_id, hooked)


def record_events(
    *, session: Session, app: App, batch: EventBatch, received_at: datetime | None = None
) -> IngestResult:
    """Store the valid events of one batch; raise `InvalidPayload` when it had events and
    none was valid."""
    assert app.id is not None
    prepared = prepare_batch(app.id, batch, received_at or datetime.now(UTC))
    store_batches(session=session, app_id=app.id, prepared=[prepared])
    return prepared.result


def _insert_new(session: Session, rows: list[dict[str, Any]]) -> dict[uuid.UUID, int]:
    """Insert the rows whose event id is not stored yet; the ids it stored. Repeats are
    skipped by the unique key, also when another transaction stores them at the same moment."""
    if is_sqlite(session):
        return _insert_new_sqlite(session, rows)
    table = Event.__table__  # type: ignore[attr-defined]
    statement = (
        postgresql_insert(table)
        .on_conflict_do_nothing(index_elements=["app_id", "event_id"])
        .returning(table.c.event_id)
    )
    # executemany with RETURNING: SQLAlchemy sends it as multi-row INSERTs it compiles once.
    return dict.fromkeys(session.execute(statement, rows).scalars(), 1)


_EVENTS = Event.__table__  # type: ignore[attr-defined]
_SQLITE_EVENT_INSERT = sqlite_insert(_EVENTS).on_conflict_do_nothing(
    index_elements=["app_id", "event_id"]
)
_STORED_IDS = select_columns(_EVENTS.c.event_id).where(
    _EVENTS.c.app_id == bindparam("app_id"),
    _EVENTS.c.event_id.in_(bindparam("ids", expanding=True)),
)


def _insert_new_sqlite(session: Session, rows: list[dict[str, Any]]) -> dict[uuid.UUID, int]:
    """SQLite: the write transaction (BEGIN IMMEDIATE) keeps every other writer out, so the
    ids already stored can be read first, and the rest inserted without RETURNING."""
    stored: set[uuid.UUID] = set()
    by_app: dict[int, list[uuid.UUID]] = {}
    for row in rows:
        by_app.setdefault(row["app_id"], []).append(row["event_id"])
    for app_id, ids in by_app.items():
        stored.update(
            r[0] for r in select_rows(session, _STORED_IDS, {"app_id": app_id, "ids": ids})
        )
    new: dict[uuid.UUID, dict[str, Any]] = {}
    for row in rows:
        if row["event_id"] not in stored and row["event_id"] not in new:
            new[row["event_id"]] = row
    execute_many(session, _SQLITE_EVENT_INSERT, list(new.values()))
    return dict.fromkeys(new, 1)


def _guide_ids(session: Session, app_id: int, ids: set[int]) -> set[int]:
    if not ids:
        return set()
    return {r[0] for r in select_rows(session, _GUIDE_IDS, {"app_id": app_id, "ids": sorted(ids)})}


_GUIDES = Guide.__table__  # type: ignore[attr-defined]
_GUIDE_IDS = select_columns(_GUIDES.c.id).where(
    _GUIDES.c.app_id == bindparam("app_id"), _GUIDES.c.id.in_(bindparam("ids", expanding=True))
)


def _update_guide_states(session: Session, events_by_user: dict[int, list[EventIn]]) -> None:
    pairs = sorted({(user, e.guide_id) for user, events in events_by_user.items() for e in events})
    if not pairs:
        return
    now = datetime.now(UTC)
    # Two batches of one user may arrive at once; the unique key settles who creates a row.
    execute_many(
        session,
        for_session(_STATE_INSERTS, session),
        [
            {
                "end_user_id": user,
                "guide_id": guide_id,
                "seen": False,
                "current_step": 0,
                "completed": False,
                "dismissed": False,
                "updated_at": now,
            }
            for user, guide_id in pairs
        ],
    )
    columns = ("end_user_id", "guide_id", "seen", "current_step", "completed", "dismissed")
    found = select_rows(
        session,
        _STATE_SELECT,
        {"users": sorted({u for u, _ in pairs}), "guides": sorted({g for _, g in pairs})},
    )
    states = {(r[0], r[1]): dict(zip(columns, r, strict=True)) for r in found}
    by_key: dict[tuple[int, int | None], list[EventIn]] = {}
    for user, events in events_by_user.items():
        for event in events:
            by_key.setdefault((user, event.guide_id), []).append(event)
    changed = []
    for key in pairs:
        state = states[key]
        before = dict(state)
        for event in sorted(by_key[key], key=lambda e: e.timestamp):
            if event.type in (EventType.guide_shown, EventType.step_shown):
                state["seen"] = True
            if event.type == EventType.step_shown and event.step_index is not None:
                state["current_step"] = event.step_index
            elif event.type == EventType.guide_completed:
                state["completed"] = True
            elif event.type == EventType.guide_dismissed:
                state["dismissed"] = True
        if state != before:
            changed.append({**{f"k_{k}": state[k] for k in columns[:2]}, **state, "now": now})
    if changed:
        execute_many(session, _STATE_UPDATE, changed)


_STATES = GuideState.__table__  # type: ignore[attr-defined]
_STATE_INSERTS = per_dialect(
    lambda insert: insert(_STATES).on_conflict_do_nothing(
        index_elements=["end_user_id", "guide_id"]
    )
)
_STATE_SELECT = (
    select_columns(
        _STATES.c.end_user_id,
        _STATES.c.guide_id,
        _STATES.c.seen,
        _STATES.c.current_step,
        _STATES.c.completed,
        _STATES.c.dismissed,
    )
    .where(
        _STATES.c.end_user_id.in_(bindparam("users", expanding=True)),
        _STATES.c.guide_id.in_(bindparam("guides", expanding=True)),
    )
    .with_for_update()
)
_STATE_UPDATE = (
    _STATES.update()
    .where(
        _STATES.c.end_user_id == bindparam("k_end_user_id"),
        _STATES.c.guide_id == bindparam("k_guide_id"),
    )
    .values(
        seen=bindparam("seen"),
        current_step=bindparam("current_step"),
        completed=bindparam("completed"),
        dismissed=bindparam("dismissed"),
        updated_at=bindparam("now"),
    )
)
