"""sync: records with per-field stamps, applied ops, history, change counters; campaign issue tags

Revision ID: 05c29881657d
Revises: 5813b7f4b49e
Create Date: 2026-11-27 07:50:33.072148

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '05c29881657d'
down_revision = '5813b7f4b49e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('applied_op',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('op_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('device_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('errors', sa.JSON(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=True),
    sa.Column('applied_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_applied_op_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_applied_op_user_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('campaign_id', 'op_id', name=op.f('pk_applied_op'))
    )
    op.create_table('sync_counter',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('server_clock', sa.String(length=80), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_sync_counter_campaign_id_campaign'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', name=op.f('pk_sync_counter'))
    )
    op.create_table('sync_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=32), nullable=False),
    sa.Column('entity_id', sa.Uuid(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('values', sa.JSON(), nullable=False),
    sa.Column('stamps', sa.JSON(), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('deleted_stamp', sa.String(length=80), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_sync_record_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['user.id'], name=op.f('fk_sync_record_owner_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_record')),
    sa.UniqueConstraint('campaign_id', 'entity', 'entity_id', name=op.f('uq_sync_record_campaign_id_entity_entity_id'))
    )
    with op.batch_alter_table('sync_record', schema=None) as batch_op:
        batch_op.create_index('ix_sync_record_pull', ['campaign_id', 'owner_id', 'seq'], unique=False)
        batch_op.create_index('ix_sync_record_review', ['campaign_id', 'entity', 'seq'], unique=False)

    op.create_table('sync_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('losing_value', sa.JSON(), nullable=True),
    sa.Column('losing_stamp', sa.String(length=80), nullable=False),
    sa.Column('winning_stamp', sa.String(length=80), nullable=False),
    sa.Column('op_id', sa.Uuid(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['sync_record.id'], name=op.f('fk_sync_history_record_id_sync_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sync_history'))
    )
    with op.batch_alter_table('sync_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sync_history_record_id'), ['record_id'], unique=False)

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('issue_tags', sa.JSON(), nullable=True))
    op.execute("UPDATE campaign SET issue_tags = '[]'")
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.alter_column('issue_tags', nullable=False, existing_type=sa.JSON())



def downgrade():
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('issue_tags')

    with op.batch_alter_table('sync_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sync_history_record_id'))

    op.drop_table('sync_history')
    with op.batch_alter_table('sync_record', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_record_review')
        batch_op.drop_index('ix_sync_record_pull')

    op.drop_table('sync_record')
    op.drop_table('sync_counter')
    op.drop_table('applied_op')
