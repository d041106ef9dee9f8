"""client e-mail: an optional address per client unit for invitations (issue 14)

Revision ID: 0007_client_email
Revises: 0006_drafts
Create Date: 2026-11-30 01:20:00

Existing clients get no address (NULL); surveys/emails.py checks what is stored.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0007_client_email'
down_revision = '0006_drafts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('client', schema=None) as batch_op:
        batch_op.drop_column('email')
