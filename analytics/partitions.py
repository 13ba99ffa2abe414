"""Monthly partitions of raw events on PostgreSQL, so old events are dropped a month at a time.

The `event` table is range-partitioned by `event_id`. Event ids are UUIDv7, made by the SDK:
their first 48 bits are the Unix time in milliseconds, so a range of ids is a range of time
and the unique key `(app_id, event_id)`, which drops a retried event, includes the partition
key as PostgreSQL requires. A partition covers one UTC month (`event_p202611`); the default
partition `event_p_default` takes what falls outside them (ids of other UUID versions, device
clocks far off), and the retention job deletes from it row by row.

Partitions are made ahead of time (`ensure_partitions`, run by the maintenance job at start-up
and every hour), so inserts never wait on DDL. Rows that reached the default partition before
their month's partition existed are moved into it when it is made. Every change takes a
transaction-scoped advisory lock, so many server processes can run the job at once.

SQLite has no partitions: every function here is a no-op there."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime

from sqlalchemy import Connection, text

PARTITION_PREFIX = "event_p"
DEFAULT_PARTITION = "event_p_default"
MONTHS_AHEAD = 3
_NAME = re.compile(r"^event_p(\d{4})(\d{2})$")
_LOCK = 7_310_421_001  # pg_advisory_xact_lock key of partition maintenance


def is_partition_name(name: str) -> bool:
    """True for the tables this module makes (alembic and tests leave them out)."""
    return name == DEFAULT_PARTITION or bool(_NAME.match(name))


def is_partitioned(connection: Connection) -> bool:
    if connection.dialect.name != "postgresql":
        return False
    kind = connection.scalar(text("SELECT relkind FROM pg_class WHERE oid = 'event'::regclass"))
    return bool(kind == "p")


def month_of(moment: datetime) -> date:
    return date(moment.year, moment.month, 1)


def add_months(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 + count
    return date(index // 12, index % 12 + 1, 1)


def id_floor(month: date) -> uuid.UUID:
    """The smallest UUIDv7 made in `month` (and larger than every id made before it)."""
    milliseconds = int(datetime(month.year, month.month, 1, tzinfo=UTC).timestamp() * 1000)
    return uuid.UUID(int=milliseconds << 80)


def partition_name(month: date) -> str:
    return f"{PARTITION_PREFIX}{month.year:04d}{month.month:02d}"


def partition_months(connection: Connection) -> list[date]:
    """The months that have a partition, oldest first."""
    names = connection.scalars(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = 'event'::regclass"
        )
    ).all()
    months = []
    for name in names:
        if found := _NAME.match(name):
            months.append(date(int(found[1]), int(found[2]), 1))
    return sorted(months)


# Table names below are made here from dates, never from input.


def _lock(connection: Connection) -> None:
    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK})


def create_partition(connection: Connection, month: date) -> None:
    """Make `month`'s partition, moving rows of that month out of the default partition."""
    name = partition_name(month)
    low, high = id_floor(month), id_floor(add_months(month, 1))
    connection.execute(
        text(f"CREATE TABLE {name} (LIKE event INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    )
    move = (
        f"WITH moved AS (DELETE FROM {DEFAULT_PARTITION}"  # noqa: S608 (names made from dates)
        " WHERE event_id >= :low AND event_id < :high RETURNING *)"
        f" INSERT INTO {name} SELECT * FROM moved"
    )
    connection.execute(text(move), {"low": low, "high": high})
    connection.execute(
        text(f"ALTER TABLE event ATTACH PARTITION {name} FOR VALUES FROM ('{low}') TO ('{high}')")
    )


def ensure_partitions(
    connection: Connection, now: datetime, months_ahead: int = MONTHS_AHEAD
) -> list[str]:
    """Make the partitions of this month and the next `months_ahead`; returns those made.
    Runs in the caller's transaction."""
    if not is_partitioned(connection):
        return []
    _lock(connection)
    existing = set(partition_months(connection))
    made = []
    current = month_of(now)
    for offset in range(months_ahead + 1):
        month = add_months(current, offset)
        if month not in existing:
            create_partition(connection, month)
            made.append(partition_name(month))
    return made


def drop_partitions_before(connection: Connection, cutoff: datetime) -> list[str]:
    """Drop every monthly partition whose whole month ended at or before `cutoff`."""
    if not is_partitioned(connection):
        return []
    _lock(connection)
    dropped = []
    for month in partition_months(connection):
        end = add_months(month, 1)
        if datetime(end.year, end.month, 1, tzinfo=UTC) <= cutoff:
            name = partition_name(month)
            connection.execute(text(f"DROP TABLE {name}"))
            dropped.append(name)
    return dropped
