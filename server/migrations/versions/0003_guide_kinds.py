"""guide kinds: kind-specific step content

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23 11:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("guide_step", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content", JSON, nullable=False, server_default="{}"))
    with op.batch_alter_table("guide_step", schema=None) as batch_op:
        batch_op.alter_column("content", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("guide_step", schema=None) as batch_op:
        batch_op.drop_column("content")
