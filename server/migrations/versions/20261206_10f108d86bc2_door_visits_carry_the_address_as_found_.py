"""door visits carry the address as found at the door

The door_visit read model keeps a visit's corrected house number, street and unit (new optional door_visit fields)
and whether the visit says the voter file's address is wrong, with a partial index for the Turfs screen's list of
corrections. Visits already synced have no correction; those with the result wrong_address are marked.

Revision ID: 10f108d86bc2
Revises: 258647e1cf32
Create Date: 2026-12-06 19:46:47.185551

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '10f108d86bc2'
down_revision = '258647e1cf32'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('door_visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('corrected_house_number', sa.String(length=40), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('corrected_street', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('corrected_unit', sa.String(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('address_fix', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index('ix_door_visit_address_fix', ['campaign_id', 'happened_at'], unique=False,
                              postgresql_where=sa.text('address_fix'), sqlite_where=sa.text('address_fix'))
    door_visit = sa.table('door_visit', sa.column('result'), sa.column('address_fix'))
    op.execute(door_visit.update().where(door_visit.c.result == 'wrong_address').values(address_fix=True))
    with op.batch_alter_table('door_visit', schema=None) as batch_op:  # the defaults only filled the rows there
        for name in ('corrected_house_number', 'corrected_street', 'corrected_unit', 'address_fix'):
            batch_op.alter_column(name, server_default=None)


def downgrade():
    with op.batch_alter_table('door_visit', schema=None) as batch_op:
        batch_op.drop_index('ix_door_visit_address_fix', postgresql_where=sa.text('address_fix'),
                            sqlite_where=sa.text('address_fix'))
        batch_op.drop_column('address_fix')
        batch_op.drop_column('corrected_unit')
        batch_op.drop_column('corrected_street')
        batch_op.drop_column('corrected_house_number')
