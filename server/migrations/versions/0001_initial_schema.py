"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 09:22:57.184002
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql
import guides.columns

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('admin_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.Column('created_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    op.create_table('app',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('public_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('allowed_origins', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('theme', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('publish_stamp', sa.Integer(), nullable=False),
    sa.Column('created_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('public_key')
    )
    op.create_table('end_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('external_id', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('is_anonymous', sa.Boolean(), nullable=False),
    sa.Column('traits', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('first_seen_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('app_id', 'external_id')
    )
    with op.batch_alter_table('end_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_end_user_app_id'), ['app_id'], unique=False)

    op.create_table('guide',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('slug', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('pages', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('audience', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('trigger', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('frequency', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('live_version', sa.Integer(), nullable=True),
    sa.Column('created_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('app_id', 'slug')
    )
    with op.batch_alter_table('guide', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guide_app_id'), ['app_id'], unique=False)

    op.create_table('event',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Uuid(), nullable=False),
    sa.Column('type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('end_user_id', sa.Integer(), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=True),
    sa.Column('guide_version', sa.Integer(), nullable=True),
    sa.Column('step_index', sa.Integer(), nullable=True),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(length=2048), nullable=False),
    sa.Column('properties', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('occurred_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('received_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['end_user_id'], ['end_user.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('app_id', 'event_id')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index('ix_event_app_guide_time', ['app_id', 'guide_id', 'occurred_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_event_end_user_id'), ['end_user_id'], unique=False)

    op.create_table('guide_state',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('end_user_id', sa.Integer(), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=False),
    sa.Column('seen', sa.Boolean(), nullable=False),
    sa.Column('current_step', sa.Integer(), nullable=False),
    sa.Column('completed', sa.Boolean(), nullable=False),
    sa.Column('dismissed', sa.Boolean(), nullable=False),
    sa.Column('updated_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['end_user_id'], ['end_user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('end_user_id', 'guide_id')
    )
    with op.batch_alter_table('guide_state', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guide_state_end_user_id'), ['end_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_guide_state_guide_id'), ['guide_id'], unique=False)

    op.create_table('guide_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('body', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('body_html', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('target', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('placement', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('missing_target', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('guide_id', 'position')
    )
    with op.batch_alter_table('guide_step', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guide_step_guide_id'), ['guide_id'], unique=False)

    op.create_table('guide_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('snapshot', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('published_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('published_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=True),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('guide_id', 'number')
    )
    with op.batch_alter_table('guide_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guide_version_guide_id'), ['guide_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('guide_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guide_version_guide_id'))

    op.drop_table('guide_version')
    with op.batch_alter_table('guide_step', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guide_step_guide_id'))

    op.drop_table('guide_step')
    with op.batch_alter_table('guide_state', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guide_state_guide_id'))
        batch_op.drop_index(batch_op.f('ix_guide_state_end_user_id'))

    op.drop_table('guide_state')
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_event_end_user_id'))
        batch_op.drop_index('ix_event_app_guide_time')

    op.drop_table('event')
    with op.batch_alter_table('guide', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guide_app_id'))

    op.drop_table('guide')
    with op.batch_alter_table('end_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_end_user_app_id'))

    op.drop_table('end_user')
    op.drop_table('app')
    op.drop_table('admin_user')
