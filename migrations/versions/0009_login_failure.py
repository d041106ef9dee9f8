"""login_failure: failed sign-ins per (username, source address) (issue 13 item 14)

Revision ID: 0009_login_failure
Revises: 0008_outreach
Create Date: 2026-11-30 01:30:00

A stranger failing from one address locks that (username, address) pair only
(surveys/login_guard.py); `star-survey user unlock NAME` clears every pair of a username.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0009_login_failure'
down_revision = '0008_outreach'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'login_failure',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('username', sa.String(length=200), nullable=False),
        sa.Column('source', sa.String(length=100), nullable=False),
        sa.Column('failures', sa.Integer(), nullable=False),
        sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('username', 'source', name='uq_login_failure_pair'),
    )
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_login_failure_updated_at'), ['updated_at'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('login_failure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_login_failure_updated_at'))
    op.drop_table('login_failure')
