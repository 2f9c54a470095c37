"""contact preferences: a read model per voter, and an index for campaign-wide sync records

``contact_preference`` holds, per voter, whether they asked not to be contacted at all or not by text, call,
e-mail or at the door, where it was recorded (door, person page, console), when and by whom; written from the
campaign-wide ``contact_preference`` sync records. ``ix_sync_record_entity`` lets a pull read those records by
change number. No record exists yet, so there is nothing to backfill.

Revision ID: c0a7e1d5b9f2
Revises: 5c1e7a9d3b42
Create Date: 2026-12-07 00:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c0a7e1d5b9f2'
down_revision = '5c1e7a9d3b42'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'contact_preference',
        sa.Column('campaign_id', sa.Integer(), nullable=False),
        sa.Column('voter_id', sa.Integer(), nullable=False),
        sa.Column('record_id', sa.Integer(), nullable=False),
        sa.Column('no_contact', sa.Boolean(), nullable=False),
        sa.Column('no_text', sa.Boolean(), nullable=False),
        sa.Column('no_call', sa.Boolean(), nullable=False),
        sa.Column('no_email', sa.Boolean(), nullable=False),
        sa.Column('no_door', sa.Boolean(), nullable=False),
        sa.Column('recorded_from', sa.String(length=16), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['record_id'], ['sync_record.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user.id'], ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['voter_id'], ['voter.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('campaign_id', 'voter_id'),
        sa.UniqueConstraint('record_id'),
    )
    with op.batch_alter_table('sync_record', schema=None) as batch_op:
        batch_op.create_index('ix_sync_record_entity', ['campaign_id', 'entity', 'seq'], unique=False)


def downgrade():
    with op.batch_alter_table('sync_record', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_record_entity')
    op.drop_table('contact_preference')
