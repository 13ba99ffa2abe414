"""Privacy requests about one end user: export everything stored about them, or delete it
(reliability.md C10; GDPR articles 15, 17 and 20).

Which rows belong to a user is found by inspecting the models, not by a list kept by hand:
every table with a foreign key to `end_user.id` holds user data, so a table added later is
exported and deleted without a change here. Deleting also takes the user's events out of
the rollups, so the reports count exactly what a rebuild from the remaining events would.
Webhook deliveries of the user's events (their payloads name the user) are exported and
deleted with them: they are found through the events' ids.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Integer, MetaData, Table, and_, delete
from sqlalchemy import select as select_columns
from sqlmodel import Session, SQLModel, col, select

from analytics.models import ROLLUP_MODELS, Event, FirstSeen
from analytics.rollups import EVENT_COLUMNS, RollupDelta, apply
from analytics.webhooks import WebhookDelivery
from guides import store
from guides.errors import EndUserNotFound
from guides.models import App, EndUser, Guide

EXPORT_FORMAT = 1
ID_CHUNK = 500  # event ids per IN (...) list


def user_tables(metadata: MetaData | None = None) -> list[tuple[Table, Column[Any]]]:
    """Every table holding rows about one end user, with its column naming them: those with
    a foreign key to `end_user.id`, found in the models' metadata."""
    found = []
    for table in (metadata or SQLModel.metadata).sorted_tables:
        for column in table.columns:
            if any(fk.column.table.name == EndUser.__tablename__ for fk in column.foreign_keys):
                found.append((table, column))
    return found


def find_end_user(session: Session, *, app_id: int, user_id: str) -> EndUser:
    """The user as the SDK names them: the customer's user id, or `anon:<anonymous id>`."""
    user = store.end_user(session, app_id, user_id)
    if user is None:
        raise EndUserNotFound(f"app {app_id} has no end user {user_id!r}")
    return user


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def export_end_user(*, session: Session, app_id: int, user_id: str) -> dict[str, Any]:
    """Everything stored about one end user, as JSON-ready data: their profile and, per
    table, every row that names them."""
    user = find_end_user(session, app_id=app_id, user_id=user_id)
    app = session.get(App, app_id)
    assert app is not None
    tables: dict[str, list[dict[str, Any]]] = {}
    for table, column in user_tables():
        rows = session.execute(
            select_columns(table).where(column == user.id).order_by(*table.primary_key.columns)
        ).mappings()
        tables[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    assert user.id is not None
    deliveries = _webhook_deliveries(session, app_id, user.id)
    tables[WebhookDelivery.__tablename__] = [
        {k: _plain(v) for k, v in d.model_dump().items()} for d in deliveries
    ]
    return {
        "format": EXPORT_FORMAT,
        "app": {"id": app_id, "name": app.name},
        "user": {k: _plain(v) for k, v in user.model_dump().items()},
        "tables": tables,
    }


def delete_end_user(*, session: Session, app_id: int, user_id: str) -> dict[str, int]:
    """Remove the end user and every row naming them, and take their events out of the
    rollups, in the caller's transaction. Returns the rows deleted per table."""
    user = find_end_user(session, app_id=app_id, user_id=user_id)
    assert user.id is not None
    _subtract_from_rollups(session, app_id, user.id)
    deleted: dict[str, int] = {}
    deliveries = _webhook_deliveries(session, app_id, user.id)
    for delivery in deliveries:
        session.delete(delivery)
    deleted[WebhookDelivery.__tablename__] = len(deliveries)
    for table, column in reversed(user_tables()):  # dependents first
        result = session.execute(delete(table).where(column == user.id))
        deleted[table.name] = result.rowcount or 0  # type: ignore[attr-defined]
    session.execute(delete(EndUser).where(col(EndUser.id) == user.id))
    deleted["end_user"] = 1
    session.flush()
    return deleted


def _webhook_deliveries(session: Session, app_id: int, end_user_id: int) -> list[WebhookDelivery]:
    """The webhook deliveries (sent or waiting) of the user's events."""
    event_ids = [
        str(event_id)
        for event_id in session.exec(
            select(Event.event_id).where(Event.app_id == app_id, Event.end_user_id == end_user_id)
        ).all()
    ]
    found: list[WebhookDelivery] = []
    for start in range(0, len(event_ids), ID_CHUNK):
        found.extend(
            session.exec(
                select(WebhookDelivery).where(
                    WebhookDelivery.app_id == app_id,
                    col(WebhookDelivery.event_id).in_(event_ids[start : start + ID_CHUNK]),
                )
            ).all()
        )
    return sorted(found, key=lambda delivery: delivery.id or 0)


def _subtract_from_rollups(session: Session, app_id: int, end_user_id: int) -> None:
    """Count the user's events again, negated, and uncount them from every distinct-user
    counter they were in (their `rollup_first_seen` days); then drop rollup rows left at
    zero, as a rebuild would never make them."""
    guide_ids = set(session.exec(select(Guide.id).where(Guide.app_id == app_id)).all())
    delta = RollupDelta(app_id)
    events = session.execute(
        select_columns(*EVENT_COLUMNS).where(
            col(Event.app_id) == app_id, col(Event.end_user_id) == end_user_id
        )
    )
    for event in events:
        delta.add_row(event, guide_ids)  # as rebuild_rollups counts them
    delta.first.clear()  # their first days are read from the table below instead
    _negate(delta)
    firsts = session.exec(
        select(FirstSeen).where(FirstSeen.end_user_id == end_user_id, FirstSeen.app_id == app_id)
    ).all()
    for row in firsts:
        key = (row.guide_id, row.guide_version, row.step_index, row.metric, row.item)
        delta.count_user(key, row.day, -1)
    apply(session, delta)
    _drop_empty_rows(session, app_id)


def _negate(delta: RollupDelta) -> None:
    # Struggle counts are subtracted; their per-user rows (who struggled, who was active on
    # a day, the sessions a step was due in) name the user and go with the user's other rows.
    delta.struggle.users.clear()
    delta.struggle.active.clear()
    delta.struggle.active_sessions.clear()
    delta.struggle.sessions.clear()
    delta.targets.rows.clear()
    for row in delta.struggle.daily.values():
        row["occurrences"] = -row["occurrences"]
        row["count"] = -row["count"]
    for table in (delta.guides, delta.questions, delta.items, delta.searches):
        for counts in table.values():
            for name in counts:
                counts[name] = -counts[name]
    for flat in (delta.durations, delta.values):
        for key in flat:
            flat[key] = -flat[key]  # type: ignore[index]


def _drop_empty_rows(session: Session, app_id: int) -> None:
    for model in ROLLUP_MODELS:
        if model is FirstSeen:
            continue
        table: Table = model.__table__  # type: ignore[attr-defined]
        counters = [c for c in table.columns if not c.primary_key and isinstance(c.type, Integer)]
        if not counters:
            continue
        session.execute(
            delete(table).where(table.c.app_id == app_id, and_(*(c == 0 for c in counters)))
        )


__all__ = ["delete_end_user", "export_end_user", "find_end_user", "user_tables"]
