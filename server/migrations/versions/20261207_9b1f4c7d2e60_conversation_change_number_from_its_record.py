"""a conversation's change number from its sync record

The conversation read model kept a copy of its record's change number (``seq``), for incremental exports. A push
numbers its changes last, holding the campaign's counter, so every conversation row was written twice: inserted,
then updated with the number. The number is indexed, so that update could not stay on its page: every index of
the table took a second entry, under the counter that a campaign's pushes take in turn. Exports now read the number
from the record, as door visits' always have; the column and its index go.

Revision ID: 9b1f4c7d2e60
Revises: 17e4a7b2bfed
Create Date: 2026-12-07 16:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9b1f4c7d2e60'
down_revision = '17e4a7b2bfed'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_change')
        batch_op.drop_column('seq')


def downgrade():
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index('ix_conversation_change', ['campaign_id', 'seq'], unique=False)
    conversation = sa.table('conversation', sa.column('record_id'), sa.column('seq'))
    record = sa.table('sync_record', sa.column('id'), sa.column('seq'))
    op.execute(conversation.update().values(seq=sa.select(record.c.seq).where(
        record.c.id == conversation.c.record_id).scalar_subquery()))
