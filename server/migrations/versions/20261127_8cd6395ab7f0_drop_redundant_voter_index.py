"""drop the voter campaign index that the unique key already provides

Revision ID: 8cd6395ab7f0
Revises: 05c29881657d
Create Date: 2026-11-27 08:15:45.158244

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8cd6395ab7f0'
down_revision = '05c29881657d'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voter_campaign_id'))



def downgrade():
    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voter_campaign_id'), ['campaign_id'], unique=False)

