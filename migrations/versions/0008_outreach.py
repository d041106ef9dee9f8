"""outreach: reminder waves, their recipients and every e-mail attempt (issue 14, reachB)

Revision ID: 0008_outreach
Revises: 0007_client_email
Create Date: 2026-11-30 01:30:00

A wave never lists a client that has answered (surveys/waves.py); each attempt to hand a
message to the SMTP server is a row of mail_attempt (who triggered, when, recipient, outcome).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0008_outreach'
down_revision = '0007_client_email'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'outreach_wave',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('provider_id', sa.Integer(), nullable=False),
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('year', sa.Integer(), nullable=False),
        sa.Column('selection', sa.String(length=20), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('kind', sa.String(length=12), nullable=False),
        sa.Column('created_by', sa.String(length=200), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recipients', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id']),
        sa.ForeignKeyConstraint(['provider_id'], ['provider.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_outreach_wave_provider_id', 'outreach_wave', ['provider_id'])
    op.create_index('ix_outreach_wave_campaign_id', 'outreach_wave', ['campaign_id'])
    op.create_table(
        'wave_recipient',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('wave_id', sa.Integer(), nullable=False),
        sa.Column('invitation_id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=320), nullable=False),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('requested_by', sa.String(length=200), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_error', sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['client.id']),
        sa.ForeignKeyConstraint(['invitation_id'], ['invitation.id']),
        sa.ForeignKeyConstraint(['wave_id'], ['outreach_wave.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('wave_id', 'invitation_id', name='uq_wave_recipient_invitation'),
    )
    op.create_index('ix_wave_recipient_wave_id', 'wave_recipient', ['wave_id'])
    op.create_index('ix_wave_recipient_invitation_id', 'wave_recipient', ['invitation_id'])
    op.create_index('ix_wave_recipient_due', 'wave_recipient', ['status', 'next_attempt_at'])
    op.create_table(
        'mail_attempt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient_id', sa.Integer(), nullable=False),
        sa.Column('wave_id', sa.Integer(), nullable=False),
        sa.Column('provider_id', sa.Integer(), nullable=False),
        sa.Column('client_id', sa.Integer(), nullable=False),
        sa.Column('address', sa.String(length=320), nullable=False),
        sa.Column('triggered_by', sa.String(length=200), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('outcome', sa.String(length=12), nullable=False),
        sa.Column('error', sa.String(length=500), nullable=False),
        sa.Column('message_id', sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(['client_id'], ['client.id']),
        sa.ForeignKeyConstraint(['provider_id'], ['provider.id']),
        sa.ForeignKeyConstraint(['recipient_id'], ['wave_recipient.id']),
        sa.ForeignKeyConstraint(['wave_id'], ['outreach_wave.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_mail_attempt_recipient_id', 'mail_attempt', ['recipient_id'])
    op.create_index('ix_mail_attempt_provider_at', 'mail_attempt', ['provider_id', 'at'])


def downgrade() -> None:
    op.drop_table('mail_attempt')
    op.drop_table('wave_recipient')
    op.drop_table('outreach_wave')
