"""guides/bulk.py: the ingestion path's direct-to-driver statements store and read exactly
what SQLAlchemy's own execution stores and reads, on either database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import bindparam, text
from sqlalchemy import select as select_columns

from analytics.models import Event
from guides.bulk import execute_many, select_rows
from server.db import Database
from tests.factories import make_app

EVENTS = Event.__table__  # type: ignore[attr-defined]
INSERT = EVENTS.insert()
BY_IDS = select_columns(
    EVENTS.c.event_id, EVENTS.c.occurred_at, EVENTS.c.properties, EVENTS.c.guide_id
).where(
    EVENTS.c.app_id == bindparam("app_id"),
    EVENTS.c.event_id.in_(bindparam("ids", expanding=True)),
)


def _row(app_id: int, user_id: int, when: datetime, **fields: object) -> dict[str, object]:
    return {
        "app_id": app_id,
        "event_id": uuid.uuid4(),
        "type": "track",
        "end_user_id": user_id,
        "guide_id": None,
        "guide_version": None,
        "step_index": None,
        "url": "https://app.example.com/é",
        "properties": {"name": "export", "tags": ["a", "b"], "n": 3},
        "occurred_at": when,
        "received_at": when,
        **fields,
    }


def _user(db: Database) -> tuple[int, int]:
    with db.write() as session:
        app = make_app(session)
        session.execute(
            text(
                "INSERT INTO end_user (app_id, external_id, is_anonymous, traits, first_seen_at,"
                " last_seen_at) VALUES (:a, 'u', false, '{}', :t, :t)"
            ),
            {"a": app.id, "t": datetime.now(UTC)},
        )
        user_id = session.execute(text("SELECT id FROM end_user")).scalar_one()
        assert app.id is not None
        return app.id, user_id


def test_execute_many_stores_what_session_execute_stores(db: Database) -> None:
    app_id, user_id = _user(db)
    when = datetime(2026, 3, 1, 12, 30, 5, 123456, tzinfo=UTC)
    fast = [_row(app_id, user_id, when + timedelta(seconds=i)) for i in range(3)]
    slow = [_row(app_id, user_id, when + timedelta(seconds=i)) for i in range(3)]
    with db.write() as session:
        execute_many(session, INSERT, fast)
        session.execute(INSERT, slow)
    with db.read() as session:
        stored = {
            row.event_id: row
            for row in session.execute(select_columns(EVENTS)).all()  # raw columns, as stored
        }
    for a, b in zip(fast, slow, strict=True):
        one, other = stored[a["event_id"]], stored[b["event_id"]]
        assert one._mapping["occurred_at"] == other._mapping["occurred_at"] == a["occurred_at"]
        assert one.properties == other.properties == a["properties"]
        assert one.url == other.url == a["url"]
    # And the text SQLite keeps is byte for byte the same: ordering and equality in SQL hold.
    with db.read() as session:
        raw = session.execute(
            text("SELECT occurred_at, properties FROM event ORDER BY occurred_at, id")
        ).all()
    assert raw[0::2] == raw[1::2]


def test_select_rows_reads_what_session_execute_reads(db: Database) -> None:
    app_id, user_id = _user(db)
    rows = [
        _row(app_id, user_id, datetime(2026, 3, 1, tzinfo=UTC) + timedelta(days=i))
        for i in range(5)
    ]
    with db.write() as session:
        execute_many(session, INSERT, rows)
    wanted = [r["event_id"] for r in rows[1:4]] + [uuid.uuid4()]  # one that is not stored
    with db.read() as session:
        fast = select_rows(session, BY_IDS, {"app_id": app_id, "ids": wanted})
        slow = [tuple(r) for r in session.execute(BY_IDS, {"app_id": app_id, "ids": wanted})]
        empty = select_rows(session, BY_IDS, {"app_id": app_id, "ids": []})
    assert sorted(fast, key=str) == sorted(slow, key=str)
    assert {r[0] for r in fast} == set(wanted[:3])
    assert all(isinstance(r[0], uuid.UUID) and r[1].tzinfo is not None for r in fast)
    assert empty == []


def test_select_rows_binds_plain_and_list_parameters_in_statement_order(db: Database) -> None:
    app_id, user_id = _user(db)
    day = select_columns(EVENTS.c.event_id).where(
        EVENTS.c.guide_id.is_(None),
        EVENTS.c.end_user_id.in_(bindparam("users", expanding=True)),
        EVENTS.c.app_id == bindparam("app_id"),
        EVENTS.c.type.in_(bindparam("types", expanding=True)),
    )
    rows = [_row(app_id, user_id, datetime.now(UTC)) for _ in range(2)]
    rows[1]["type"] = "guide_shown"
    with db.write() as session:
        execute_many(session, INSERT, rows)
    with db.read() as session:
        found = select_rows(
            session, day, {"users": [user_id, user_id + 1], "app_id": app_id, "types": ["track"]}
        )
    assert found == [(rows[0]["event_id"],)]
