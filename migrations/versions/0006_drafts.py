"""drafts: the client's unsubmitted form, one per invitation (issue 11)

Revision ID: 0006_drafts
Revises: 0005_chain_anchor
Create Date: 2026-11-29 22:00:00

Drafts are not answers: they are never counted, signed or chained, and they are deleted when the
form is stored, the link is revoked or the campaign closes (surveys/drafts.py).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006_drafts'
down_revision = '0005_chain_anchor'  # chained after main's 0004 and 0005 (merged)
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'form_draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('invitation_id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('fields_json', sa.Text(), nullable=False),
        sa.Column('signature_json', sa.Text(), nullable=False),
        sa.Column('signature_png', sa.LargeBinary(), nullable=True),
        sa.Column('seal_image', sa.LargeBinary(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id']),
        sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('invitation_id'),
    )
    with op.batch_alter_table('form_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_draft_campaign_id'), ['campaign_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('form_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_draft_campaign_id'))
    op.drop_table('form_draft')
