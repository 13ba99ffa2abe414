"""guide translations: a guide's text in other languages (guides/documents.py GuideTranslation)

Revision ID: 0003b
Revises: 0002
Create Date: 2026-11-23 12:25:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003b"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("guide", schema=None) as batch_op:
        batch_op.add_column(sa.Column("translations", JSON, nullable=False, server_default="{}"))
    with op.batch_alter_table("guide", schema=None) as batch_op:
        batch_op.alter_column("translations", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("guide", schema=None) as batch_op:
        batch_op.drop_column("translations")
