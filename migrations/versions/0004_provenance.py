"""provenance: record format, who entered a version and why; key-unit flag history

Revision ID: 0004_provenance
Revises: 0003_report_indexes
Create Date: 2026-11-29 22:00:00

Rows stored before this revision keep the record format they were signed in
('star-survey/record/1'); new rows use format 2, which signs entered_by and reason too.
Every existing client gets one key_unit_change row: its flag as of its creation.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0004_provenance'
down_revision = '0003_report_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.add_column(sa.Column('record_format', sa.String(length=40), nullable=False,
                                      server_default='star-survey/record/1'))
        batch_op.add_column(sa.Column('entered_by', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=False, server_default=''))
    op.create_table(
        'key_unit_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('key_unit', sa.Boolean(), nullable=False),
        sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['client.id'], ),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('key_unit_change', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_unit_change_client_id'), ['client_id'],
                              unique=False)
    op.execute("INSERT INTO key_unit_change (client_id, key_unit, changed_at) "
               "SELECT id, key_unit, created_at FROM client")


def downgrade() -> None:
    with op.batch_alter_table('key_unit_change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_unit_change_client_id'))
    op.drop_table('key_unit_change')
    with op.batch_alter_table('response', schema=None) as batch_op:
        batch_op.drop_column('reason')
        batch_op.drop_column('entered_by')
        batch_op.drop_column('record_format')
