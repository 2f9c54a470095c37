"""note retention and account deletion

campaign.note_retention_days: notes and other free text are redacted this many days after election day (90 for every
campaign, those already there included; null keeps them). campaign.departed_records: what a volunteer's records become
when they delete their account ('anonymise' by default). user.deleted_at: the account was deleted by its person.

Revision ID: 5c1e7a9d3b42
Revises: e66b087257c3
Create Date: 2026-12-07 23:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e7a9d3b42'
down_revision = 'e66b087257c3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('note_retention_days', sa.Integer(), server_default='90', nullable=True))
        batch_op.add_column(sa.Column('departed_records', sa.Enum('anonymise', 'delete', name='departed_records',
                                                                  native_enum=False, create_constraint=True, length=16),
                                      server_default='anonymise', nullable=False))

    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_constraint('departed_records', type_='check')
        batch_op.drop_column('departed_records')
        batch_op.drop_column('note_retention_days')
