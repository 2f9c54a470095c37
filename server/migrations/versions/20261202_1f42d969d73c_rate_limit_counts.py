"""rate-limit counts in the database, shared by every process

Revision ID: 1f42d969d73c
Revises: 7a2e4c1d9b35
Create Date: 2026-12-02 16:53:54.661117

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1f42d969d73c'
down_revision = '7a2e4c1d9b35'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rate_limit_count',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limit_count'))
    )
    with op.batch_alter_table('rate_limit_count', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rate_limit_count_expires_at'), ['expires_at'], unique=False)



def downgrade():
    with op.batch_alter_table('rate_limit_count', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rate_limit_count_expires_at'))

    op.drop_table('rate_limit_count')
