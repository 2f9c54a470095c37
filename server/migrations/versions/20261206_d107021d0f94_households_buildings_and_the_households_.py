"""households: buildings and the households in them, and each voter's

Buildings and households start empty: the next voter import fills them for the voters it adds or changes, and
`flask kin voters households --campaign ID` for everyone (SQLite copies the voter table to add the column).

Revision ID: d107021d0f94
Revises: 53eec888c392
Create Date: 2026-12-06 10:32:56.536762

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd107021d0f94'
down_revision = '53eec888c392'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('building',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=400), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('house_number', sa.String(length=40), nullable=False),
    sa.Column('zip', sa.String(length=5), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('latitude', sa.Float(), nullable=True),
    sa.Column('longitude', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_building_campaign_id_campaign'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_building')),
    sa.UniqueConstraint('campaign_id', 'key', name=op.f('uq_building_campaign_id_key'))
    )
    op.create_table('household',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('building_id', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=60), nullable=False),
    sa.Column('unit_label', sa.String(length=60), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['building_id'], ['building.id'], name=op.f('fk_household_building_id_building'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_household_campaign_id_campaign'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household')),
    sa.UniqueConstraint('building_id', 'unit', name=op.f('uq_household_building_id_unit')),
    sa.UniqueConstraint('public_id', name=op.f('uq_household_public_id'))
    )
    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_campaign_id'), ['campaign_id'], unique=False)

    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('household_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_voter_household_id'), ['household_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_voter_household_id_household'), 'household', ['household_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_voter_household_id_household'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_voter_household_id'))
        batch_op.drop_column('household_id')

    with op.batch_alter_table('household', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_campaign_id'))

    op.drop_table('household')
    op.drop_table('building')
