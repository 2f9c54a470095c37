"""recruit links and who recruited whom

A volunteer's own recruit link is an invite that names its recruiter (invite.recruiter_id); whoever joins through it
has membership.recruited_by_id. Owners can turn the links off (campaign.volunteer_recruiting, on by default and for
every campaign already there). Members who joined before keep no recruiter. The door-visit read model gains
door_visit.invited (agreed_to holds "invited"), filled from the synced visits already there.

Revision ID: 2a5fa1d9fee7
Revises: db1fd468aba2
Create Date: 2026-12-06 19:27:46.402121

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2a5fa1d9fee7'
down_revision = 'db1fd468aba2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('volunteer_recruiting', sa.Boolean(), server_default=sa.true(), nullable=False))

    with op.batch_alter_table('invite', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recruiter_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_invite_recruiter_id'), ['recruiter_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_invite_recruiter_id_membership'), 'membership', ['recruiter_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recruited_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_membership_recruited_by_id'), ['recruited_by_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_membership_recruited_by_id_membership'), 'membership', ['recruited_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('door_visit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('invited', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index('ix_door_visit_invited', ['campaign_id', 'volunteer_id'], unique=False,
                              sqlite_where=sa.text('invited = 1'), postgresql_where=sa.text('invited'))

    # the visits already synced that record an invitation: read in Python, the same on both databases (JSON
    # operators differ); door visits are few next to voters, and only the ids of those invited are kept
    door_visit = sa.table('door_visit', sa.column('record_id', sa.Integer), sa.column('invited', sa.Boolean))
    sync_record = sa.table('sync_record', sa.column('id', sa.Integer), sa.column('entity', sa.String),
                           sa.column('values', sa.JSON))
    connection = op.get_bind()
    rows = connection.execute(sa.select(sync_record.c.id, sync_record.c['values']).where(
        sync_record.c.entity == 'door_visit'))
    invited = [record_id for record_id, values in rows if 'invited' in ((values or {}).get('agreed_to') or ())]
    for start in range(0, len(invited), 500):
        connection.execute(door_visit.update().where(door_visit.c.record_id.in_(invited[start:start + 500]))
                           .values(invited=True))


def downgrade():
    with op.batch_alter_table('door_visit', schema=None) as batch_op:
        batch_op.drop_index('ix_door_visit_invited')
        batch_op.drop_column('invited')

    with op.batch_alter_table('membership', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_membership_recruited_by_id_membership'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_membership_recruited_by_id'))
        batch_op.drop_column('recruited_by_id')

    with op.batch_alter_table('invite', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_invite_recruiter_id_membership'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_invite_recruiter_id'))
        batch_op.drop_column('recruiter_id')

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('volunteer_recruiting')
