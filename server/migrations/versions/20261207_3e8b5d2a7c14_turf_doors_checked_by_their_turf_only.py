"""turf doors checked by their turf only: an automatic cut's 100,000 rows are not checked row by row against
the household and campaign tables

Revision ID: 3e8b5d2a7c14
Revises: 7b3d9e2f4a61
Create Date: 2026-12-07 06:40:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '3e8b5d2a7c14'
down_revision = '7b3d9e2f4a61'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('turf_household', schema=None) as batch_op:
        batch_op.drop_constraint('fk_turf_household_household_id_household', type_='foreignkey')
        batch_op.drop_constraint('fk_turf_household_campaign_id_campaign', type_='foreignkey')


def downgrade():
    with op.batch_alter_table('turf_household', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_turf_household_campaign_id_campaign', 'campaign', ['campaign_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_foreign_key('fk_turf_household_household_id_household', 'household', ['household_id'],
                                    ['id'], ondelete='CASCADE')
