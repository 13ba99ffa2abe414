"""raw events partitioned by month on PostgreSQL (analytics/partitions.py); retention runs

Revision ID: 0008
Revises: 0003b
Create Date: 2026-11-23 14:00:00.000000

The existing table is renamed, a partitioned one is made in its place with the same columns,
constraints and indexes (the primary key gains `event_id`, the partition key), monthly
partitions are made from the month of the oldest stored event (at most three years back;
anything older goes to the default partition) to three months ahead, and the rows are copied
over. The id sequence is kept, so ids go on from where they were.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import guides.columns

from analytics.partitions import (
    DEFAULT_PARTITION,
    MONTHS_AHEAD,
    add_months,
    create_partition,
    month_of,
)

revision: str = "0008"
down_revision: str | None = "0003b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    "id, app_id, event_id, type, end_user_id, guide_id, guide_version, step_index, url,"
    " properties, occurred_at, received_at"
)
COLUMN_TYPES = """
    id bigint NOT NULL DEFAULT nextval('event_id_seq'::regclass),
    app_id integer NOT NULL,
    event_id uuid NOT NULL,
    type varchar(40) NOT NULL,
    end_user_id integer NOT NULL,
    guide_id integer,
    guide_version integer,
    step_index integer,
    url varchar(2048) NOT NULL,
    properties jsonb NOT NULL,
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    CONSTRAINT event_app_id_event_id_key UNIQUE (app_id, event_id),
    CONSTRAINT event_app_id_fkey FOREIGN KEY (app_id) REFERENCES app(id) ON DELETE CASCADE,
    CONSTRAINT event_end_user_id_fkey FOREIGN KEY (end_user_id)
        REFERENCES end_user(id) ON DELETE CASCADE"""
INDEXES = (
    "CREATE INDEX ix_event_app_guide_time ON event (app_id, guide_id, occurred_at)",
    "CREATE INDEX ix_event_app_type_time ON event (app_id, type, occurred_at)",
    "CREATE INDEX ix_event_end_user_id ON event (end_user_id)",
)
MAX_MONTHS_BACK = 36


def _set_aside_old_table() -> None:
    op.execute("ALTER TABLE event RENAME TO event_old")
    op.execute("ALTER TABLE event_old RENAME CONSTRAINT event_pkey TO event_old_pkey")
    op.execute(
        "ALTER TABLE event_old RENAME CONSTRAINT event_app_id_event_id_key"
        " TO event_old_app_id_event_id_key"
    )
    for index in ("ix_event_app_guide_time", "ix_event_app_type_time", "ix_event_end_user_id"):
        op.execute(f"ALTER INDEX {index} RENAME TO {index.replace('ix_event', 'ix_event_old')}")
    op.execute("ALTER SEQUENCE event_id_seq OWNED BY NONE")


def _replace_old_table() -> None:
    op.execute(f"INSERT INTO event ({COLUMNS}) SELECT {COLUMNS} FROM event_old")
    op.execute("DROP TABLE event_old")
    op.execute("ALTER SEQUENCE event_id_seq OWNED BY event.id")
    for index in INDEXES:
        op.execute(index)


def upgrade() -> None:
    op.create_table(
        "retention_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ran_at", guides.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("cutoff", guides.columns.UTCDateTime(timezone=True), nullable=False),
        sa.Column("events_deleted", sa.Integer(), nullable=False),
        sa.Column("partitions_dropped", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    _set_aside_old_table()
    op.execute(
        f"CREATE TABLE event ({COLUMN_TYPES},"
        " CONSTRAINT event_pkey PRIMARY KEY (id, event_id)) PARTITION BY RANGE (event_id)"
    )
    op.execute(f"CREATE TABLE {DEFAULT_PARTITION} PARTITION OF event DEFAULT")
    now = datetime.now(UTC)
    oldest = bind.exec_driver_sql("SELECT min(received_at) FROM event_old").scalar()
    first = add_months(month_of(now), -MAX_MONTHS_BACK)
    month = max(month_of(oldest), first) if oldest else month_of(now)
    while month <= add_months(month_of(now), MONTHS_AHEAD):
        create_partition(bind, month)
        month = add_months(month, 1)
    _replace_old_table()


def downgrade() -> None:
    op.drop_table("retention_run")
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    _set_aside_old_table()
    op.execute(f"CREATE TABLE event ({COLUMN_TYPES}, CONSTRAINT event_pkey PRIMARY KEY (id))")
    _replace_old_table()
