"""report indexes: a partial index of superseded versions for the 'current version' test

Revision ID: 0003_report_indexes
Revises: 0002
Create Date: 2026-11-24 15:55:00

The reports keep only versions that nothing supersedes (NOT EXISTS ... supersedes_id = id).
Almost every row has supersedes_id NULL; once ANALYZE has run, SQLite judges the full
ix_response_supersedes_id useless and scans the table once per row. This partial index holds
only the rows that supersede another, so the probe stays an index lookup on any statistics.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0003_report_indexes'
down_revision = '0002'
branch_labels = None
depends_on = None

CONDITION = sa.text("supersedes_id IS NOT NULL")


def upgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.create_index('ix_response_superseded', ['supersedes_id'], unique=False,
                              sqlite_where=CONDITION, postgresql_where=CONDITION)


def downgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_index('ix_response_superseded')
