"""voter import problems keep their reason as a code and parameters

So the console can say each problem in the organizer's language (server/voters/reasons.py). Problems stored
before keep no code (NULL) and are shown in English, as they were.

Revision ID: 600ed898230e
Revises: 84ee0f393440
Create Date: 2026-12-06 13:00:16.350658

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '600ed898230e'
down_revision = '84ee0f393440'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('voter_import_problem', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('params', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('voter_import_problem', schema=None) as batch_op:
        batch_op.drop_column('params')
        batch_op.drop_column('code')
