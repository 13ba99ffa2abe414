"""accounts, resource center and schedules: one-time password reset links made by owners
(server/account_control.py), each app's chosen resource-center content
(guides/resource_center.py; NULL while none was chosen), each guide's schedule (NULL:
always) and each step's advance rule

Revision ID: 0009a
Revises: 0009b
Create Date: 2026-11-23 17:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

import guides.columns

revision: str = "0009a"
down_revision: str | None = "0009b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
String = sqlmodel.sql.sqltypes.AutoString
Time = guides.columns.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "password_reset",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_digest", String(length=64), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", Time(timezone=True), nullable=False),
        sa.Column("expires_at", Time(timezone=True), nullable=False),
        sa.Column("used_at", Time(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["admin_user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["created_by_id"], ["admin_user.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_digest"),
    )
    op.create_index("ix_password_reset_user_id", "password_reset", ["user_id"], unique=False)
    with op.batch_alter_table("app", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resource_center", JSON, nullable=True))
    with op.batch_alter_table("guide", schema=None) as batch_op:
        batch_op.add_column(sa.Column("schedule", JSON, nullable=True))
    with op.batch_alter_table("guide_step", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("advance", String(length=20), nullable=False, server_default="button")
        )
    with op.batch_alter_table("guide_step", schema=None) as batch_op:
        batch_op.alter_column("advance", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("guide_step", schema=None) as batch_op:
        batch_op.drop_column("advance")
    with op.batch_alter_table("guide", schema=None) as batch_op:
        batch_op.drop_column("schedule")
    with op.batch_alter_table("app", schema=None) as batch_op:
        batch_op.drop_column("resource_center")
    op.drop_index("ix_password_reset_user_id", table_name="password_reset")
    op.drop_table("password_reset")
