"""guide advance rules and theme: a step may also move on when an event is tracked
(`advance_event`) or after some seconds (`advance_delay`), and a guide may have a theme of
its own over its app's (`guide.theme`, {} for the app's)

Revision ID: 0010m
Revises: 0009a
Create Date: 2026-12-05 12:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010m"
down_revision: str | None = "0009a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("guide", schema=None) as batch_op:
        batch_op.add_column(sa.Column("theme", JSON, nullable=False, server_default="{}"))
    with op.batch_alter_table("guide", schema=None) as batch_op:
        batch_op.alter_column("theme", server_default=None)
    with op.batch_alter_table("guide_step", schema=None) as batch_op:
        batch_op.add_column(sa.Column("advance_event", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("advance_delay", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("guide_step", schema=None) as batch_op:
        batch_op.drop_column("advance_delay")
        batch_op.drop_column("advance_event")
    with op.batch_alter_table("guide", schema=None) as batch_op:
        batch_op.drop_column("theme")
