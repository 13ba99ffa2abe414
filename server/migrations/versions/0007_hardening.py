"""hardening: identity-verification mode and failure counter of each app (guides/identity.py)

Revision ID: 0007
Revises: 0005
Create Date: 2026-11-23 13:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from guides.columns import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("app", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("identity_mode", sa.String(length=10), nullable=False, server_default="off")
        )
        batch_op.add_column(
            sa.Column("identity_failures", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(sa.Column("identity_failed_at", UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("app", schema=None) as batch_op:
        batch_op.alter_column("identity_mode", server_default=None)
        batch_op.alter_column("identity_failures", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("app", schema=None) as batch_op:
        batch_op.drop_column("identity_failed_at")
        batch_op.drop_column("identity_failures")
        batch_op.drop_column("identity_mode")
