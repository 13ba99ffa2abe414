"""holdouts: who is in the audience of a guide with a control group, and on which side

Revision ID: 0009b
Revises: 0006
Create Date: 2026-11-23 17:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from guides.columns import UTCDateTime

revision: str = "0009b"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "holdout_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=False),
        sa.Column("end_user_id", sa.Integer(), nullable=False),
        sa.Column("held_back", sa.Boolean(), nullable=False),
        sa.Column("assigned_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["app.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["end_user_id"], ["end_user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["guide_id"], ["guide.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("guide_id", "end_user_id"),
    )
    for column in ("app_id", "guide_id", "end_user_id"):
        op.create_index(f"ix_holdout_member_{column}", "holdout_member", [column], unique=False)


def downgrade() -> None:
    for column in ("end_user_id", "guide_id", "app_id"):
        op.drop_index(f"ix_holdout_member_{column}", table_name="holdout_member")
    op.drop_table("holdout_member")
