"""voter imports that shrink the file by more than half need the organizer's word

Revision ID: 98fc44a6934d
Revises: 1f42d969d73c
Create Date: 2026-12-02 17:19:30.912662

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '98fc44a6934d'
down_revision = '1f42d969d73c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('voter_import', schema=None) as batch_op:
        batch_op.add_column(sa.Column('allow_shrink', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('voter_import', schema=None) as batch_op:
        batch_op.drop_column('allow_shrink')

