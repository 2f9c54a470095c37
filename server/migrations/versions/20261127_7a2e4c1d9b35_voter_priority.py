"""voter priority: the campaign's mark for voters it wants reached first, from its voter file

Revision ID: 7a2e4c1d9b35
Revises: 3f1c9a7e2b10
Create Date: 2026-11-27 11:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a2e4c1d9b35'
down_revision = '3f1c9a7e2b10'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('voter', 'staged_voter'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('priority', sa.Boolean(), nullable=True))
        op.execute(f"UPDATE {table} SET priority = false")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('priority', nullable=False, existing_type=sa.Boolean())


def downgrade():
    for table in ('staged_voter', 'voter'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('priority')
