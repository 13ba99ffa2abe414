"""struggle: the per-app struggle switch (app.struggle) and the struggle rollups
(analytics/struggle.py); after upgrading a database that holds events, run
`signpost analytics rebuild`.

Revision ID: 0005
Revises: 0008
Create Date: 2026-11-23 13:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def _place() -> list[sa.Column]:
    return [
        sa.Column("page", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("selector", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("signal", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
    ]


PLACE = ["page", "selector", "signal", "guide_id", "step_index"]


def upgrade() -> None:
    with op.batch_alter_table("app", schema=None) as batch_op:
        batch_op.add_column(sa.Column("struggle", JSON, nullable=False, server_default="{}"))
    with op.batch_alter_table("app", schema=None) as batch_op:
        batch_op.alter_column("struggle", server_default=None)
    op.create_table(
        "struggle_daily",
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *_place(),
        sa.Column("occurrences", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["app.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("app_id", "day", *PLACE),
    )
    op.create_table(
        "struggle_user_day",
        sa.Column("end_user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        *_place(),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["app.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["end_user_id"], ["end_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("end_user_id", "day", *PLACE),
    )
    with op.batch_alter_table("struggle_user_day", schema=None) as batch_op:
        batch_op.create_index("ix_struggle_user_day_app_day", ["app_id", "day"], unique=False)
    op.create_table(
        "active_user_day",
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("end_user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["app.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["end_user_id"], ["end_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("app_id", "day", "end_user_id"),
    )


def downgrade() -> None:
    op.drop_table("active_user_day")
    with op.batch_alter_table("struggle_user_day", schema=None) as batch_op:
        batch_op.drop_index("ix_struggle_user_day_app_day")
    op.drop_table("struggle_user_day")
    op.drop_table("struggle_daily")
    with op.batch_alter_table("app", schema=None) as batch_op:
        batch_op.drop_column("struggle")
