"""a matching key's tag count

How many tags a key has (kept by its build, range by range), so that the server can say how many buckets fit in one
answer of a bounded size: the count divided by the key's 2^prefix_bits buckets is how full a bucket is. Existing
keys are counted here.

Revision ID: 5d2a8c4e1f37
Revises: 9b1f4c7d2e60
Create Date: 2026-12-08 02:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d2a8c4e1f37'
down_revision = '9b1f4c7d2e60'
branch_labels = None
depends_on = None


# not in batch mode: SQLite adds and drops a column itself, where a batch would copy match_key into a new table
# and lose the trigger that deletes a deleted key's tags (migration 17e4a7b2bfed)
def upgrade():
    op.add_column('match_key', sa.Column('tag_count', sa.Integer(), server_default='0', nullable=False))
    key = sa.table('match_key', sa.column('id'), sa.column('tag_count'))
    tag = sa.table('match_tag', sa.column('key_id'))
    op.execute(key.update().values(tag_count=sa.select(sa.func.count()).select_from(tag).where(
        tag.c.key_id == key.c.id).scalar_subquery()))


def downgrade():
    op.drop_column('match_key', 'tag_count')
