"""analytics rollups: per-day counts kept up to date at ingestion (analytics/rollups.py); after
upgrading a database that already holds events, run `signpost analytics rebuild`.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 10:51:32.280151
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('search_daily',
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('query', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('searches', sa.Integer(), nullable=False),
    sa.Column('zero_results', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('app_id', 'query', 'day')
    )
    op.create_table('checklist_item_daily',
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=False),
    sa.Column('item', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('completions', sa.Integer(), nullable=False),
    sa.Column('users', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('app_id', 'guide_id', 'item', 'day')
    )
    op.create_table('guide_daily',
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=False),
    sa.Column('guide_version', sa.Integer(), nullable=False),
    sa.Column('step_index', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('shown', sa.Integer(), nullable=False),
    sa.Column('completed', sa.Integer(), nullable=False),
    sa.Column('dismissed', sa.Integer(), nullable=False),
    sa.Column('target_missing', sa.Integer(), nullable=False),
    sa.Column('exit_dismissed', sa.Integer(), nullable=False),
    sa.Column('exit_navigated_away', sa.Integer(), nullable=False),
    sa.Column('exit_target_missing', sa.Integer(), nullable=False),
    sa.Column('exit_error', sa.Integer(), nullable=False),
    sa.Column('exit_timed_out', sa.Integer(), nullable=False),
    sa.Column('users_shown', sa.Integer(), nullable=False),
    sa.Column('users_completed', sa.Integer(), nullable=False),
    sa.Column('users_dismissed', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('app_id', 'guide_id', 'guide_version', 'step_index', 'day')
    )
    op.create_table('rollup_first_seen',
    sa.Column('end_user_id', sa.Integer(), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=False),
    sa.Column('guide_version', sa.Integer(), nullable=False),
    sa.Column('step_index', sa.Integer(), nullable=False),
    sa.Column('metric', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('item', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['end_user_id'], ['end_user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('end_user_id', 'guide_id', 'guide_version', 'step_index', 'metric', 'item')
    )
    with op.batch_alter_table('rollup_first_seen', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rollup_first_seen_app_id'), ['app_id'], unique=False)

    op.create_table('step_duration_daily',
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=False),
    sa.Column('guide_version', sa.Integer(), nullable=False),
    sa.Column('step_index', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('bucket', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('app_id', 'guide_id', 'guide_version', 'step_index', 'day', 'bucket')
    )
    op.create_table('survey_question_daily',
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=False),
    sa.Column('question', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('scale', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('responses', sa.Integer(), nullable=False),
    sa.Column('comments', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('app_id', 'guide_id', 'question', 'scale', 'day')
    )
    op.create_table('survey_value_daily',
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=False),
    sa.Column('question', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('scale', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('app_id', 'guide_id', 'question', 'scale', 'value', 'day')
    )
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.create_index('ix_event_app_type_time', ['app_id', 'type', 'occurred_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_app_type_time')

    op.drop_table('survey_value_daily')
    op.drop_table('survey_question_daily')
    op.drop_table('step_duration_daily')
    with op.batch_alter_table('rollup_first_seen', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rollup_first_seen_app_id'))

    op.drop_table('rollup_first_seen')
    op.drop_table('guide_daily')
    op.drop_table('checklist_item_daily')
    op.drop_table('search_daily')
