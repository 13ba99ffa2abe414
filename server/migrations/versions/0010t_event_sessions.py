"""event sessions: the SDK's session id on each raw event (NULL for older SDKs), the
sessions in which each guide step was due, shown or with its target missing
(analytics/target_sessions.py), and the sessions active and struggling per day
(analytics/struggle.py). Rows for events stored before this revision come from
`signpost analytics rebuild`; those events have no session id, so there are none.

Revision ID: 0010t
Revises: 0010m
Create Date: 2026-12-05 12:45:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010t"
down_revision: str | None = "0010m"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

String = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    # The session tables are WITHOUT ROWID on SQLite (analytics/models.py, SESSION_TABLE).
    # A nullable column without a default: no table rewrite, on SQLite nor on PostgreSQL
    # (where it reaches every monthly partition of `event`).
    op.add_column("event", sa.Column("session_id", sa.Uuid(), nullable=True))
    op.create_table(
        "target_session_day",
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("missing", sa.Boolean(), nullable=False),
        sa.Column("end_user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["app.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["guide_id"], ["guide.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["end_user_id"], ["end_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(
            "app_id", "day", "guide_id", "step_index", "session_id", "missing", "end_user_id"
        ),
        sqlite_with_rowid=False,
    )


    op.create_table(
        "active_session_day",
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("end_user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["app.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["end_user_id"], ["end_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("app_id", "day", "session_id", "end_user_id"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "struggle_session_day",
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("page", String(length=200), nullable=False),
        sa.Column("selector", String(length=200), nullable=False),
        sa.Column("signal", String(length=20), nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("end_user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["app.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["end_user_id"], ["end_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(
            "app_id",
            "day",
            "page",
            "selector",
            "signal",
            "guide_id",
            "step_index",
            "session_id",
            "end_user_id",
        ),
        sqlite_with_rowid=False,
    )


def downgrade() -> None:
    op.drop_table("struggle_session_day")
    op.drop_table("active_session_day")
    op.drop_table("target_session_day")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("session_id")
