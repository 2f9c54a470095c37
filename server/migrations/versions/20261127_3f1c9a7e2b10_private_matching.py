"""private matching: campaign keys, the tag table, daily usage; matching settings and talking points on the campaign

Revision ID: 3f1c9a7e2b10
Revises: 8cd6395ab7f0
Create Date: 2026-11-27 10:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3f1c9a7e2b10'
down_revision = '8cd6395ab7f0'
branch_labels = None
depends_on = None

SETTINGS = (("match_prefix_bits", 16), ("match_daily_quota", 5000), ("match_daily_card_quota", 500))


def upgrade():
    op.create_table('match_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('prefix_bits', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('building', 'active', name='match_key_state', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('activated_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_match_key_campaign_id_campaign'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_key')),
    sa.UniqueConstraint('campaign_id', 'version', name=op.f('uq_match_key_campaign_id_version'))
    )
    with op.batch_alter_table('match_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_key_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('match_tag',
    sa.Column('identifier_id', sa.Integer(), nullable=False),
    sa.Column('key_id', sa.Integer(), nullable=False),
    sa.Column('bucket', sa.Integer(), nullable=False),
    sa.Column('tag', sa.LargeBinary(length=16), nullable=False),
    sa.ForeignKeyConstraint(['identifier_id'], ['voter_identifier.id'], name=op.f('fk_match_tag_identifier_id_voter_identifier'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['key_id'], ['match_key.id'], name=op.f('fk_match_tag_key_id_match_key'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('identifier_id', 'key_id', name=op.f('pk_match_tag'))
    )
    with op.batch_alter_table('match_tag', schema=None) as batch_op:
        batch_op.create_index('ix_match_tag_bucket', ['key_id', 'bucket', 'tag'], unique=False)

    op.create_table('match_usage',
    sa.Column('membership_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('elements', sa.Integer(), nullable=False),
    sa.Column('cards', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['membership_id'], ['membership.id'], name=op.f('fk_match_usage_membership_id_membership'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('membership_id', 'day', name=op.f('pk_match_usage'))
    )

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        for name, _ in SETTINGS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('talking_points', sa.JSON(), nullable=True))
    op.execute("UPDATE campaign SET talking_points = '[]', "
               + ", ".join(f"{name} = {default}" for name, default in SETTINGS))
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        for name, _ in SETTINGS:
            batch_op.alter_column(name, nullable=False, existing_type=sa.Integer())
        batch_op.alter_column('talking_points', nullable=False, existing_type=sa.JSON())


def downgrade():
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('talking_points')
        for name, _ in reversed(SETTINGS):
            batch_op.drop_column(name)
    op.drop_table('match_usage')
    with op.batch_alter_table('match_tag', schema=None) as batch_op:
        batch_op.drop_index('ix_match_tag_bucket')
    op.drop_table('match_tag')
    with op.batch_alter_table('match_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_key_campaign_id'))
    op.drop_table('match_key')
