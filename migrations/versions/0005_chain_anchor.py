"""chain anchors: RFC 3161 tokens over each provider's chain head, and when to ask next

Revision ID: 0005_chain_anchor
Revises: 0004_provenance
Create Date: 2026-11-29 22:00:00

chain_anchor holds one token per TSA per anchored head (provider_id, head_seq, head_hash): a
head rewritten after anchoring gets tokens of its own beside the old ones, which then no longer
match the chain (evidence of the rewrite, kept).
anchor_schedule is the per-provider, per-TSA state that lets several app processes on one
database claim an attempt atomically (at most one request per provider and TSA a minute) and
back off while a TSA is down.
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0005_chain_anchor'
down_revision = '0004_provenance'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('chain_anchor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('head_seq', sa.Integer(), nullable=False),
    sa.Column('head_hash', sa.String(length=64), nullable=False),
    sa.Column('tsa_url', sa.String(length=500), nullable=False),
    sa.Column('token', sa.LargeBinary(), nullable=False),
    sa.Column('gen_time', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('provider_id', 'head_seq', 'head_hash', 'tsa_url',
                        name='uq_chain_anchor_head_tsa')
    )
    op.create_table('anchor_schedule',
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('tsa_url', sa.String(length=500), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_success_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], ),
    sa.PrimaryKeyConstraint('provider_id', 'tsa_url')
    )


def downgrade() -> None:
    op.drop_table('anchor_schedule')
    op.drop_table('chain_anchor')
