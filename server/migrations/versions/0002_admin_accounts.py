"""admin: workspaces, memberships, invitations, sessions, audit log, app secrets, element picks

Revision ID: 0002
Revises: 0004
Create Date: 2026-11-23 11:08:57.876228
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql
import guides.columns

revision: str = '0002'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('workspace',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('created_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('name')
    )
    op.create_table('admin_session',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=True),
    sa.Column('csrf_token', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['admin_user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('admin_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_session_user_id'), ['user_id'], unique=False)

    op.create_table('app_secret',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('salt', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', guides.columns.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('app_secret', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_app_secret_app_id'), ['app_id'], unique=False)

    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('target_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('target_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('target_label', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('before', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('after', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('ip', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['admin_user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('token_digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', guides.columns.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['invited_by_id'], ['admin_user.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_digest')
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invitation_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('created_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['admin_user.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('workspace_id', 'user_id')
    )
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_membership_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_membership_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('workspace_app',
    sa.Column('app_id', sa.Integer(), nullable=False),
    sa.Column('workspace_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['app.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspace.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('app_id')
    )
    with op.batch_alter_table('workspace_app', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workspace_app_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('element_pick',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=False),
    sa.Column('step_index', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('target', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('created_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', guides.columns.UTCDateTime(timezone=True), nullable=False),
    sa.Column('picked_at', guides.columns.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['admin_user.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('element_pick', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_element_pick_guide_id'), ['guide_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('element_pick', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_element_pick_guide_id'))

    op.drop_table('element_pick')
    with op.batch_alter_table('workspace_app', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workspace_app_workspace_id'))

    op.drop_table('workspace_app')
    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_membership_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_membership_user_id'))

    op.drop_table('membership')
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_workspace_id'))

    op.drop_table('invitation')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_created_at'))

    op.drop_table('audit_entry')
    with op.batch_alter_table('app_secret', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_app_secret_app_id'))

    op.drop_table('app_secret')
    with op.batch_alter_table('admin_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_session_user_id'))

    op.drop_table('admin_session')
    op.drop_table('workspace')
