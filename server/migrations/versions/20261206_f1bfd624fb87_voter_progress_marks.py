"""voter progress marks which conversations it comes from

So a push that logs new conversations with a voter moves their progress on from the stored row, without reading
the voter's other conversations. Rows already there keep no marks (NULL): the next push that touches such a voter
counts them from all their conversations, as every push did before, and writes the marks.

Revision ID: f1bfd624fb87
Revises: 6d276f628954
Create Date: 2026-12-06 16:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1bfd624fb87'
down_revision = '6d276f628954'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('voter_progress', schema=None) as batch_op:
        batch_op.add_column(sa.Column('marks', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('voter_progress', schema=None) as batch_op:
        batch_op.drop_column('marks')
