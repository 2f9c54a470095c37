"""a suppression list and forgotten sync records

``suppression``: keyed hashes (HMAC-SHA256 under a key derived from KIN_SUPPRESSION_SEED and the campaign) of the
identifiers of people a campaign forgot, with a reason (a short choice) and the date; no personal data.
``sync_record.forgotten``: the record's person was forgotten, its values purged to a tombstone for good.
``voter_import.voters_skipped``: rows an import left out because they were of someone forgotten. No backfill: every
existing record is not forgotten, every existing import skipped nobody (the server defaults say so).

Revision ID: e66b087257c3
Revises: 10f108d86bc2
Create Date: 2026-12-06 23:04:52.214906

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e66b087257c3'
down_revision = '10f108d86bc2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('suppression',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.LargeBinary(length=32), nullable=False),
    sa.Column('reason', sa.String(length=16), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_suppression_campaign_id_campaign'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_suppression')),
    sa.UniqueConstraint('campaign_id', 'digest', name=op.f('uq_suppression_campaign_id_digest'))
    )
    with op.batch_alter_table('sync_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('forgotten', sa.Boolean(), server_default=sa.false(), nullable=False))

    with op.batch_alter_table('voter_import', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voters_skipped', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('voter_import', schema=None) as batch_op:
        batch_op.drop_column('voters_skipped')

    with op.batch_alter_table('sync_record', schema=None) as batch_op:
        batch_op.drop_column('forgotten')

    op.drop_table('suppression')
