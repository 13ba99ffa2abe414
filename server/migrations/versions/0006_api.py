"""api: API tokens for /api/v1 (server/api_tokens.py), stored as digests

Revision ID: 0006
Revises: 0003b
Create Date: 2026-11-23 13:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

import guides.columns

revision: str = "0006"
down_revision: str | None = "0003b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
String = sqlmodel.sql.sqltypes.AutoString
Time = guides.columns.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", String(length=100), nullable=False),
        sa.Column("digest", String(length=64), nullable=False),
        sa.Column("hint", String(length=12), nullable=False),
        sa.Column("scope", String(length=10), nullable=False),
        sa.Column("app_ids", JSON, nullable=False),
        sa.Column("created_by", String(length=320), nullable=False),
        sa.Column("created_at", Time(timezone=True), nullable=False),
        sa.Column("last_used_at", Time(timezone=True), nullable=True),
        sa.Column("revoked_at", Time(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )
    op.create_index("ix_api_token_workspace_id", "api_token", ["workspace_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_api_token_workspace_id", table_name="api_token")
    op.drop_table("api_token")
