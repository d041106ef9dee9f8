"""workspace_session: sign-ins kept server side, bound to a browser cookie (issues 12, 13)

Revision ID: 0010_workspace_session
Revises: 0009_login_failure
Create Date: 2026-11-30 01:45:00

Only SHA-256 hashes of the one-time code and of the cookie's token are stored
(surveys/workspace_sessions.py).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0010_workspace_session'
down_revision = '0009_login_failure'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'workspace_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=True),
        sa.Column('code_hash', sa.String(length=64), nullable=True),
        sa.Column('username', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('token_hash'),
        sa.UniqueConstraint('code_hash'),
    )
    with op.batch_alter_table('workspace_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_workspace_session_username'), ['username'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_workspace_session_last_seen'), ['last_seen'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('workspace_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_workspace_session_last_seen'))
        batch_op.drop_index(batch_op.f('ix_workspace_session_username'))
    op.drop_table('workspace_session')
