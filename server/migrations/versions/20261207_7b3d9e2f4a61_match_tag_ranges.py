"""match tag ranges: a key's tag build split into id ranges that workers claim

``match_tag_range`` holds, per key, the spans of voter identifier ids whose tags are still to be built, whether each
is done and until when a worker's claim on it lasts. Tag tables built before this revision are complete, so there
is nothing to backfill.

Revision ID: 7b3d9e2f4a61
Revises: c0a7e1d5b9f2
Create Date: 2026-12-07 06:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b3d9e2f4a61'
down_revision = 'c0a7e1d5b9f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'match_tag_range',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('key_id', sa.Integer(), nullable=False),
        sa.Column('first_id', sa.Integer(), nullable=False),
        sa.Column('last_id', sa.Integer(), nullable=False),
        sa.Column('done', sa.Boolean(), nullable=False),
        sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['key_id'], ['match_key.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('match_tag_range', schema=None) as batch_op:
        batch_op.create_index('ix_match_tag_range_open', ['key_id', 'done'], unique=False)


def downgrade():
    op.drop_table('match_tag_range')
