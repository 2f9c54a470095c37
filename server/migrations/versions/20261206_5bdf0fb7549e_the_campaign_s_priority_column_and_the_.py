"""the campaign's priority column, and the one each voter import read

campaign.priority_column: the voter file's column (by its header) that imports read as priority unless the upload
picks otherwise; voter_import.priority_column: the setting when the import was made. Both NULL for what exists.

Revision ID: 5bdf0fb7549e
Revises: 600ed898230e
Create Date: 2026-12-06 13:06:36.513063

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5bdf0fb7549e'
down_revision = '600ed898230e'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority_column', sa.String(length=100), nullable=True))

    with op.batch_alter_table('voter_import', schema=None) as batch_op:
        batch_op.add_column(sa.Column('priority_column', sa.String(length=100), nullable=True))


def downgrade():
    with op.batch_alter_table('voter_import', schema=None) as batch_op:
        batch_op.drop_column('priority_column')

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('priority_column')
