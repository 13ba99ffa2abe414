"""api: API tokens for /api/v1 (server/api_tokens.py), stored as digests; webhook endpoints
and their delivery outbox (analytics/webhooks.py); apps' secret server keys
(server/server_keys.py)

Revision ID: 0006
Revises: 0007
Create Date: 2026-11-23 13:55:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

import guides.columns

revision: str = "0006"
down_revision: str | None = "0007"
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
    op.create_table(
        "app_server_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("digest", String(length=64), nullable=False),
        sa.Column("hint", String(length=12), nullable=False),
        sa.Column("created_by", String(length=320), nullable=False),
        sa.Column("created_at", Time(timezone=True), nullable=False),
        sa.Column("last_used_at", Time(timezone=True), nullable=True),
        sa.Column("revoked_at", Time(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["app_id"], ["app.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("digest"),
    )
    op.create_index("ix_app_server_key_app_id", "app_server_key", ["app_id"], unique=False)
    op.create_table(
        "webhook_endpoint",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("url", String(length=2000), nullable=False),
        sa.Column("events", JSON, nullable=False),
        sa.Column("salt", String(length=64), nullable=False),
        sa.Column("fingerprint", String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", Time(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["app_id"], ["app.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_webhook_endpoint_app_id", "webhook_endpoint", ["app_id"], unique=False)
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("endpoint_id", sa.Integer(), nullable=False),
        sa.Column("app_id", sa.Integer(), nullable=False),
        sa.Column("event_id", String(length=36), nullable=False),
        sa.Column("event_type", String(length=40), nullable=False),
        sa.Column("payload", JSON, nullable=False),
        sa.Column("status", String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", Time(timezone=True), nullable=False),
        sa.Column("locked_until", Time(timezone=True), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", String(length=500), nullable=False),
        sa.Column("created_at", Time(timezone=True), nullable=False),
        sa.Column("delivered_at", Time(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["app_id"], ["app.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["endpoint_id"], ["webhook_endpoint.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("endpoint_id", "event_id"),
    )
    for column in ("app_id", "endpoint_id", "next_attempt_at", "status"):
        op.create_index(
            f"ix_webhook_delivery_{column}", "webhook_delivery", [column], unique=False
        )


def downgrade() -> None:
    for column in ("app_id", "endpoint_id", "next_attempt_at", "status"):
        op.drop_index(f"ix_webhook_delivery_{column}", table_name="webhook_delivery")
    op.drop_table("webhook_delivery")
    op.drop_index("ix_webhook_endpoint_app_id", table_name="webhook_endpoint")
    op.drop_table("webhook_endpoint")
    op.drop_index("ix_app_server_key_app_id", table_name="app_server_key")
    op.drop_table("app_server_key")
    op.drop_index("ix_api_token_workspace_id", table_name="api_token")
    op.drop_table("api_token")
