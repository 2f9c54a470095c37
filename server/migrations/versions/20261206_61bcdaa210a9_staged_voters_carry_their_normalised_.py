"""staged voters carry their normalised address, so an import makes households in set statements

The staging table is empty between imports: the new columns need no values.

Revision ID: 61bcdaa210a9
Revises: d107021d0f94
Create Date: 2026-12-06 13:08:15.149310

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '61bcdaa210a9'
down_revision = 'd107021d0f94'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staged_voter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('building_key', sa.String(length=400), nullable=True))
        batch_op.add_column(sa.Column('building_street', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('building_number', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('building_zip', sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column('building_city', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('unit_key', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('unit_label', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('household_public_id', sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table('staged_voter', schema=None) as batch_op:
        batch_op.drop_column('household_public_id')
        batch_op.drop_column('unit_label')
        batch_op.drop_column('unit_key')
        batch_op.drop_column('building_city')
        batch_op.drop_column('building_zip')
        batch_op.drop_column('building_number')
        batch_op.drop_column('building_street')
        batch_op.drop_column('building_key')
