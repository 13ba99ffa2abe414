"""Rollups: the counts every analytics page reads, kept up to date in the same transaction
as the raw events they come from, and rebuilt from raw events on demand.

One batch of events (always one user's) becomes a `RollupDelta`: counter increments keyed
like the rollup tables, plus the first day the user did each counted thing. `apply` writes
it with `INSERT ... ON CONFLICT DO UPDATE SET n = n + excluded.n`, rows in key order so two
PostgreSQL transactions never deadlock. Distinct users stay exact whatever order events
arrive in: `rollup_first_seen` keeps each user's earliest day, and when an older event
arrives late the user moves from the later day's count to the earlier one.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy import select as select_columns
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, SQLModel, col, select

from analytics.durations import bucket_of
from analytics.models import (
    ALL_VERSIONS,
    ROLLUP_MODELS,
    WHOLE_GUIDE,
    ChecklistItemDaily,
    Event,
    EventType,
    ExitReason,
    FirstSeen,
    GuideDaily,
    SearchDaily,
    StepDuration,
    SurveyQuestionDaily,
    SurveyScale,
    SurveyValueDaily,
)
from analytics.struggle import StruggleDelta, apply_struggle
from analytics.target_sessions import TargetSessions, apply_target_sessions
from guides.bulk import execute_many, is_sqlite, select_rows
from guides.models import Guide

MAX_KEY_LENGTH = 200  # longer questions, items, option ids and queries are cut here
REBUILD_CHUNK = 50_000  # raw events aggregated in memory at a time during a rebuild

# FirstSeen.metric -> the counter it feeds
USER_COUNTERS = {
    "shown": "users_shown",
    "completed": "users_completed",
    "dismissed": "users_dismissed",
}
ITEM_METRIC = "item"

GuideKey = tuple[int, int, int, date]  # guide, version, step, day
FirstKey = tuple[int, int, int, str, str]  # guide, version, step, metric, item


def normalize_query(query: str) -> str:
    """Searches that differ only in case or spacing are one query."""
    return re.sub(r"\s+", " ", query).strip().casefold()[:MAX_KEY_LENGTH]


def _cut(value: Any) -> str:
    return str(value)[:MAX_KEY_LENGTH]


@dataclass
class RollupDelta:
    """What a set of events adds to the rollups of one app."""

    app_id: int
    guides: dict[GuideKey, dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    durations: dict[tuple[int, int, int, date, int], int] = field(
        default_factory=lambda: defaultdict(int)
    )
    questions: dict[tuple[int, str, str, date], dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    values: dict[tuple[int, str, str, str, date], int] = field(
        default_factory=lambda: defaultdict(int)
    )
    items: dict[tuple[int, str, date], dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    searches: dict[tuple[str, date], dict[str, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    # (end_user_id, FirstKey) -> earliest day seen in these events
    first: dict[tuple[int, FirstKey], date] = field(default_factory=dict)
    struggle: StruggleDelta = field(default_factory=StruggleDelta)
    targets: TargetSessions = field(default_factory=TargetSessions)

    def add(
        self,
        *,
        end_user_id: int,
        type: str,
        guide_id: int | None,
        guide_version: int | None,
        step_index: int | None,
        properties: Mapping[str, Any],
        occurred_at: datetime,
        url: str = "",
        session_id: uuid.UUID | None = None,
    ) -> None:
        """Count one stored event. The caller passes only events of this app's own guides
        (or with no guide), as guide states do."""
        day = occurred_at.date()
        self.struggle.add(
            end_user_id=end_user_id,
            type=type,
            url=url,
            guide_id=guide_id,
            step_index=step_index,
            properties=properties,
            day=day,
            session_id=session_id,
        )
        if type == EventType.struggle_detected:
            return
        if type == EventType.resource_center_searched:
            row = self.searches[(normalize_query(str(properties.get("query", ""))), day)]
            row["searches"] += 1
            row["zero_results"] += properties.get("results") == 0
            return
        if guide_id is None or guide_version is None:
            return
        if type == EventType.survey_answered:
            self._survey(guide_id, day, properties)
            return
        if type == EventType.checklist_item_completed:
            item = _cut(properties.get("item", ""))
            self.items[(guide_id, item, day)]["completions"] += 1
            self._first(end_user_id, (guide_id, ALL_VERSIONS, WHOLE_GUIDE, ITEM_METRIC, item), day)
            return
        if session_id is not None:  # events of older SDKs cost nothing here
            self.targets.add(
                end_user_id=end_user_id,
                type=type,
                guide_id=guide_id,
                step_index=step_index,
                session_id=session_id,
                day=day,
            )
        for version in (guide_version, ALL_VERSIONS):
            self._guide_event(end_user_id, type, guide_id, version, step_index, properties, day)

    def _guide_event(
        self,
        end_user_id: int,
        type: str,
        guide_id: int,
        version: int,
        step: int | None,
        properties: Mapping[str, Any],
        day: date,
    ) -> None:
        whole = self.guides[(guide_id, version, WHOLE_GUIDE, day)]
        at_step = None if step is None else self.guides[(guide_id, version, step, day)]
        if type == EventType.guide_shown:
            whole["shown"] += 1
            self._first(end_user_id, (guide_id, version, WHOLE_GUIDE, "shown", ""), day)
        elif type == EventType.guide_completed:
            whole["completed"] += 1
            self._first(end_user_id, (guide_id, version, WHOLE_GUIDE, "completed", ""), day)
        elif type == EventType.guide_dismissed:
            exit = f"exit_{ExitReason(properties.get('reason', ExitReason.dismissed)).value}"
            for row in (whole, at_step):
                if row is not None:
                    row["dismissed"] += 1
                    row[exit] += 1
            self._first(end_user_id, (guide_id, version, WHOLE_GUIDE, "dismissed", ""), day)
            if step is not None:
                self._first(end_user_id, (guide_id, version, step, "dismissed", ""), day)
        elif type == EventType.target_missing:
            whole["target_missing"] += 1
            if at_step is not None:
                at_step["target_missing"] += 1
        elif type == EventType.step_shown and at_step is not None and step is not None:
            at_step["shown"] += 1
            self._first(end_user_id, (guide_id, version, step, "shown", ""), day)
        elif type == EventType.step_completed and at_step is not None and step is not None:
            at_step["completed"] += 1
            self._first(end_user_id, (guide_id, version, step, "completed", ""), day)
            duration = properties.get("duration_ms")
            if isinstance(duration, int) and not isinstance(duration, bool):
                self.durations[(guide_id, version, step, day, bucket_of(duration))] += 1

    def _survey(self, guide_id: int, day: date, properties: Mapping[str, Any]) -> None:
        question, scale = _cut(properties.get("question", "")), str(properties.get("scale"))
        row = self.questions[(guide_id, question, scale, day)]
        row["responses"] += 1
        comment = properties.get("comment")
        row["comments"] += isinstance(comment, str) and comment.strip(" ") != ""
        value = properties.get("value")
        chosen = set(value) if isinstance(value, list) else set()
        if scale != SurveyScale.text and not isinstance(value, list) and value is not None:
            chosen = {value}
        for option in sorted(_cut(v) for v in chosen):
            self.values[(guide_id, question, scale, option, day)] += 1

    def _first(self, end_user_id: int, key: FirstKey, day: date) -> None:
        known = self.first.get((end_user_id, key))
        if known is None or day < known:
            self.first[(end_user_id, key)] = day

    def add_row(self, row: Any, guide_ids: Collection[int | None]) -> None:
        """Count a stored event read with `EVENT_COLUMNS`, unless it names a guide not in
        `guide_ids` (another app's, or deleted), which the rollups never count."""
        if row.guide_id is not None and row.guide_id not in guide_ids:
            return
        self.add(
            end_user_id=row.end_user_id,
            type=row.type,
            guide_id=row.guide_id,
            guide_version=row.guide_version,
            step_index=row.step_index,
            properties=row.properties,
            occurred_at=row.occurred_at,
            url=row.url,
            session_id=row.session_id,
        )

    def count_user(self, key: FirstKey, day: date, delta: int) -> None:
        guide_id, version, step, metric, item = key
        if metric == ITEM_METRIC:
            self.items[(guide_id, item, day)]["users"] += delta
        else:
            self.guides[(guide_id, version, step, day)][USER_COUNTERS[metric]] += delta


def record_rollups(session: Session, *, app_id: int, events: Iterable[Mapping[str, Any]]) -> None:
    """Add newly stored events (rows as inserted into `event`, of one app) to the rollups."""
    delta = RollupDelta(app_id)
    for event in events:
        delta.add(
            end_user_id=event["end_user_id"],
            type=event["type"],
            guide_id=event["guide_id"],
            guide_version=event["guide_version"],
            step_index=event["step_index"],
            properties=event["properties"],
            occurred_at=event["occurred_at"],
            url=event["url"],
            session_id=event.get("session_id"),
        )
    apply(session, delta)


def apply(
    session: Session,
    delta: RollupDelta,
    *,
    all_users_new: bool = False,
    write_first_seen: bool = True,
) -> None:
    """Write a delta. `all_users_new` skips reading `rollup_first_seen` when the caller
    knows none of these users has a row there (a rebuild, a bulk load). `write_first_seen`
    False counts the users without storing their first days: only for synthetic loads whose
    users never send another event (benchmarks), as later events would be miscounted."""
    if delta.first and not write_first_seen:
        for (_, key), day in delta.first.items():
            delta.count_user(key, day, +1)
    elif delta.first:
        _settle_first_seen(session, delta, all_users_new=all_users_new)
    apply_struggle(session, delta.app_id, delta.struggle)
    apply_target_sessions(session, delta.app_id, delta.targets)
    app = {"app_id": delta.app_id}
    _upsert(
        session,
        GuideDaily,
        [
            {**app, "guide_id": g, "guide_version": v, "step_index": s, "day": d, **counts}
            for (g, v, s, d), counts in delta.guides.items()
        ],
        _GUIDE_COUNTERS,
    )
    _upsert(
        session,
        StepDuration,
        [
            {
                **app,
                "guide_id": g,
                "guide_version": v,
                "step_index": s,
                "day": d,
                "bucket": b,
                "count": n,
            }
            for (g, v, s, d, b), n in delta.durations.items()
        ],
        ["count"],
    )
    _upsert(
        session,
        SurveyQuestionDaily,
        [
            {**app, "guide_id": g, "question": q, "scale": sc, "day": d, **counts}
            for (g, q, sc, d), counts in delta.questions.items()
        ],
        ["responses", "comments"],
    )
    _upsert(
        session,
        SurveyValueDaily,
        [
            {**app, "guide_id": g, "question": q, "scale": sc, "value": v, "day": d, "count": n}
            for (g, q, sc, v, d), n in delta.values.items()
        ],
        ["count"],
    )
    _upsert(
        session,
        ChecklistItemDaily,
        [
            {**app, "guide_id": g, "item": i, "day": d, **counts}
            for (g, i, d), counts in delta.items.items()
        ],
        ["completions", "users"],
    )
    _upsert(
        session,
        SearchDaily,
        [{**app, "query": q, "day": d, **counts} for (q, d), counts in delta.searches.items()],
        ["searches", "zero_results"],
    )


_GUIDE_COUNTERS = [
    "shown",
    "completed",
    "dismissed",
    "target_missing",
    *(f"exit_{reason.value}" for reason in ExitReason),
    *USER_COUNTERS.values(),
]


def _insert(session: Session) -> Any:
    return postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


def _primary_key(model: type[SQLModel]) -> list[str]:
    return [c.name for c in model.__table__.primary_key.columns]  # type: ignore[attr-defined]


def _upsert(
    session: Session, model: type[SQLModel], rows: list[dict[str, Any]], counters: list[str]
) -> None:
    if not rows:
        return
    key = _primary_key(model)
    rows = [{**dict.fromkeys(counters, 0), **row} for row in rows]
    rows.sort(key=lambda row: tuple(row[name] for name in key))
    dialect = session.get_bind().dialect.name
    statement = _UPSERTS.get((dialect, model))
    if statement is None:  # built once: building it costs more than running it
        table = model.__table__  # type: ignore[attr-defined]
        statement = _insert(session)(table)
        statement = statement.on_conflict_do_update(
            index_elements=key,
            set_={name: table.c[name] + statement.excluded[name] for name in counters},
        )
        _UPSERTS[(dialect, model)] = statement
    execute_many(session, statement, rows)


_UPSERTS: dict[tuple[str, type[SQLModel]], Any] = {}


def _settle_first_seen(session: Session, delta: RollupDelta, *, all_users_new: bool) -> None:
    """Store each (user, thing)'s earliest day and count users on that day."""
    wanted = delta.first
    existing: dict[tuple[int, FirstKey], date] = {}
    if not all_users_new:
        existing = _first_seen_rows(session, wanted)
    new = {key: day for key, day in wanted.items() if key not in existing}
    if new:
        inserted = _insert_first_seen(session, delta.app_id, new)
        for key in inserted:
            delta.count_user(key[1], new[key], +1)
        lost = set(new) - inserted  # another transaction stored them first (PostgreSQL)
        if lost:
            existing.update(_first_seen_rows(session, {key: new[key] for key in lost}))
    moved = [(key, day) for key, day in existing.items() if wanted[key] < day]
    for (_, first_key), old_day in moved:
        delta.count_user(first_key, old_day, -1)
    for key, _ in moved:
        delta.count_user(key[1], wanted[key], +1)
    if moved:
        execute_many(
            session,
            _FIRST_SEEN_MOVE,
            [
                {
                    **{
                        f"k_{name}": part
                        for name, part in zip(_FIRST_NAMES, (user, *key), strict=True)
                    },
                    "new_day": wanted[(user, key)],
                }
                for (user, key), _ in moved
            ],
        )


_FIRST_NAMES = ("end_user_id", "guide_id", "guide_version", "step_index", "metric", "item")


_FIRST_SEEN = FirstSeen.__table__  # type: ignore[attr-defined]
# Every row of these users for these guides (the primary key's first two columns, so an
# index range per pair), locked on PostgreSQL; the caller keeps the keys it wants. Built
# once: compiling it per group cost more than running it.
_FIRST_SEEN_SELECT = (
    select_columns(*(_FIRST_SEEN.c[name] for name in _FIRST_NAMES), _FIRST_SEEN.c.day)
    .where(
        _FIRST_SEEN.c.end_user_id.in_(bindparam("users", expanding=True)),
        _FIRST_SEEN.c.guide_id.in_(bindparam("guides", expanding=True)),
    )
    .with_for_update()
)
_FIRST_SEEN_MOVE = (
    _FIRST_SEEN.update()
    .where(*(_FIRST_SEEN.c[name] == bindparam(f"k_{name}") for name in _FIRST_NAMES))
    .values(day=bindparam("new_day"))
)


def _first_seen_rows(
    session: Session, wanted: Mapping[tuple[int, FirstKey], date]
) -> dict[tuple[int, FirstKey], date]:
    users = sorted({user for user, _ in wanted})
    guides = sorted({key[0] for _, key in wanted})
    found: dict[tuple[int, FirstKey], date] = {}
    for u, g, v, s, m, i, day in select_rows(
        session, _FIRST_SEEN_SELECT, {"users": users, "guides": guides}
    ):
        key = (u, (g, v, s, m, i))
        if key in wanted:
            found[key] = day
    return found


def _insert_first_seen(
    session: Session, app_id: int, new: Mapping[tuple[int, FirstKey], date]
) -> set[tuple[int, FirstKey]]:
    rows = [
        {
            "end_user_id": user,
            "guide_id": g,
            "guide_version": v,
            "step_index": s,
            "metric": m,
            "item": i,
            "app_id": app_id,
            "day": day,
        }
        for (user, (g, v, s, m, i)), day in sorted(new.items())
    ]
    if is_sqlite(session):
        # The write transaction (BEGIN IMMEDIATE) keeps every other writer out, and the
        # caller read the rows that exist: all of these are new.
        execute_many(session, _SQLITE_FIRST_SEEN_INSERT, rows)
        return set(new)
    table = FirstSeen.__table__  # type: ignore[attr-defined]
    statement = (
        _insert(session)(table)
        .on_conflict_do_nothing(index_elements=list(_FIRST_NAMES))
        .returning(*(table.c[name] for name in _FIRST_NAMES))
    )
    # executemany with RETURNING: SQLAlchemy sends it as a few multi-row INSERTs.
    return {(u, (g, v, s, m, i)) for u, g, v, s, m, i in session.execute(statement, rows)}


_SQLITE_FIRST_SEEN_INSERT = sqlite_insert(FirstSeen.__table__).on_conflict_do_nothing(  # type: ignore[attr-defined]
    index_elements=list(_FIRST_NAMES)
)


def clear_rollups(session: Session, app_id: int | None = None) -> None:
    for model in ROLLUP_MODELS:
        statement = delete(model)
        if app_id is not None:
            statement = statement.where(model.app_id == app_id)  # type: ignore[attr-defined]
        session.execute(statement)


# The columns of a stored event that the rollups count, in `RollupDelta.add_row`'s order.
EVENT_COLUMNS: tuple[Any, ...] = (
    Event.end_user_id,
    Event.type,
    Event.guide_id,
    Event.guide_version,
    Event.step_index,
    Event.properties,
    Event.occurred_at,
    Event.url,
    Event.session_id,
)


def rebuild_rollups(session: Session, app_id: int) -> int:
    """Recompute every rollup of an app from its raw events; returns the events read.

    Events are read user by user, so each chunk holds all events of its users and their
    first-seen days need no reconciliation; counters of successive chunks add up."""
    clear_rollups(session, app_id)
    guide_ids = set(session.exec(select(Guide.id).where(Guide.app_id == app_id)).all())
    rows = session.execute(
        select_columns(*EVENT_COLUMNS)
        .where(col(Event.app_id) == app_id)
        .order_by(col(Event.end_user_id), col(Event.id))
        .execution_options(yield_per=5000)
    )
    delta = RollupDelta(app_id)
    count = 0
    pending = 0
    current_user = None
    for row in rows:
        if row.end_user_id != current_user and pending >= REBUILD_CHUNK:
            apply(session, delta, all_users_new=True)
            delta, pending = RollupDelta(app_id), 0
        current_user = row.end_user_id
        count += 1
        pending += 1
        delta.add_row(row, guide_ids)
    apply(session, delta, all_users_new=True)
    return count


__all__ = [
    "RollupDelta",
    "apply",
    "clear_rollups",
    "normalize_query",
    "rebuild_rollups",
    "record_rollups",
]
