"""Raw-event retention: remove events older than a number of days, in short transactions.

On PostgreSQL whole monthly partitions are dropped once every event in them is older than
the cutoff (instant, no table bloat), and the default partition is cleaned row by row; a
month is thus removed within a month after it expires. On SQLite rows are deleted in
batches of `BATCH`, oldest ids first, each batch its own write transaction so ingestion
waits at most one batch. Rollups are not touched: analytics keep every count."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, text
from sqlmodel import Session, select

from analytics.models import RetentionRun
from analytics.partitions import DEFAULT_PARTITION, drop_partitions_before, is_partitioned
from guides.columns import UTCDateTime

Writer = Callable[[], AbstractContextManager[Session]]

BATCH = 10_000


@dataclass
class PruneResult:
    cutoff: datetime
    events_deleted: int = 0
    partitions_dropped: list[str] = field(default_factory=list)


def prune_raw_events(
    write: Writer, *, retention_days: int, now: datetime, batch: int = BATCH
) -> PruneResult:
    """Remove raw events that occurred more than `retention_days` before `now`; `write`
    opens a write transaction (`Database.write`)."""
    result = PruneResult(cutoff=now - timedelta(days=retention_days))
    with write() as session:
        connection = session.connection()
        result.partitions_dropped = drop_partitions_before(connection, result.cutoff)
        table = DEFAULT_PARTITION if is_partitioned(connection) else "event"
    statement = (
        f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table}"  # noqa: S608 (a constant)
        " WHERE occurred_at < :cutoff ORDER BY id LIMIT :batch)"
    )
    delete = text(statement).bindparams(bindparam("cutoff", type_=UTCDateTime()))
    while True:
        with write() as session:
            deleted = (
                session.connection()
                .execute(delete, {"cutoff": result.cutoff, "batch": batch})
                .rowcount
            )
        result.events_deleted += deleted
        if deleted < batch:
            break
    if result.events_deleted or result.partitions_dropped:
        with write() as session:
            session.add(
                RetentionRun(
                    ran_at=now,
                    cutoff=result.cutoff,
                    events_deleted=result.events_deleted,
                    partitions_dropped=len(result.partitions_dropped),
                )
            )
    return result


def pruned_before(session: Session) -> datetime | None:
    """The latest cutoff before which retention removed raw events, if it ever did."""
    return session.exec(select(func.max(RetentionRun.cutoff))).one()
