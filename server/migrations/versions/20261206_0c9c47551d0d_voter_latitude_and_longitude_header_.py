"""voter latitude and longitude, header-less imports by column number, unused columns and the shrink counts kept

The voter's precinct was already a column (every preset maps one); latitude and longitude are new and nullable,
like the staging table's copies of them.

Revision ID: 0c9c47551d0d
Revises: 4607cb14fe82
Create Date: 2026-12-06 10:17:17.010805

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0c9c47551d0d'
down_revision = '4607cb14fe82'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('staged_voter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Double(), nullable=True))

    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latitude', sa.Double(), nullable=True))
        batch_op.add_column(sa.Column('longitude', sa.Double(), nullable=True))

    with op.batch_alter_table('voter_import', schema=None) as batch_op:
        batch_op.add_column(sa.Column('no_header', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('unused_columns', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('would_deactivate', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('active_before', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('read_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('voter_import', schema=None) as batch_op:
        batch_op.drop_column('read_at')
        batch_op.drop_column('active_before')
        batch_op.drop_column('would_deactivate')
        batch_op.drop_column('unused_columns')
        batch_op.drop_column('no_header')

    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')

    with op.batch_alter_table('staged_voter', schema=None) as batch_op:
        batch_op.drop_column('longitude')
        batch_op.drop_column('latitude')

