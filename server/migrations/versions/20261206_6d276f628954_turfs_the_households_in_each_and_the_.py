"""turfs, the households in each, and the door-visit read model

Door visits already synced are copied into the read model; turfs start empty.

Revision ID: 6d276f628954
Revises: 61bcdaa210a9
Create Date: 2026-12-06 13:36:37.654543

"""
import uuid
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6d276f628954'
down_revision = '61bcdaa210a9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('turf',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('cut', sa.String(length=16), nullable=False),
    sa.Column('area', sa.JSON(), nullable=False),
    sa.Column('doors', sa.Integer(), nullable=False),
    sa.Column('voters', sa.Integer(), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=True),
    sa.Column('held_since', sa.DateTime(timezone=True), nullable=True),
    sa.Column('taken', sa.Boolean(), nullable=False),
    sa.Column('take_token', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_turf_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_turf_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['holder_id'], ['membership.id'], name=op.f('fk_turf_holder_id_membership'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_turf')),
    sa.UniqueConstraint('take_token', name=op.f('uq_turf_take_token'))
    )
    with op.batch_alter_table('turf', schema=None) as batch_op:
        batch_op.create_index('ix_turf_holder', ['campaign_id', 'holder_id'], unique=False)

    op.create_table('turf_household',
    sa.Column('turf_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_turf_household_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_turf_household_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['turf_id'], ['turf.id'], name=op.f('fk_turf_household_turf_id_turf'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('turf_id', 'household_id', name=op.f('pk_turf_household'))
    )
    with op.batch_alter_table('turf_household', schema=None) as batch_op:
        batch_op.create_index('ix_turf_household_household', ['campaign_id', 'household_id'], unique=False)

    op.create_table('door_visit',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('voter_id', sa.Integer(), nullable=True),
    sa.Column('result', sa.String(length=16), nullable=False),
    sa.Column('happened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_door_visit_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['household_id'], ['household.id'], name=op.f('fk_door_visit_household_id_household'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['sync_record.id'], name=op.f('fk_door_visit_record_id_sync_record'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['user.id'], name=op.f('fk_door_visit_volunteer_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voter_id'], ['voter.id'], name=op.f('fk_door_visit_voter_id_voter'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('campaign_id', 'id', name=op.f('pk_door_visit')),
    sa.UniqueConstraint('record_id', name=op.f('uq_door_visit_record_id'))
    )
    with op.batch_alter_table('door_visit', schema=None) as batch_op:
        batch_op.create_index('ix_door_visit_household', ['campaign_id', 'household_id', 'happened_at'], unique=False)

    with op.batch_alter_table('building', schema=None) as batch_op:
        batch_op.create_index('ix_building_position', ['campaign_id', 'latitude', 'longitude'], unique=False)
        batch_op.create_index('ix_building_street', ['campaign_id', 'street', 'zip'], unique=False)

    backfill(op.get_bind())


# the tables as this revision knows them (the app's models may change later; this migration must not)
SYNC_RECORD = sa.table(
    'sync_record', sa.column('id', sa.Integer), sa.column('campaign_id', sa.Integer), sa.column('entity', sa.String),
    sa.column('entity_id', sa.Uuid), sa.column('owner_id', sa.Integer), sa.column('values', sa.JSON),
    sa.column('deleted', sa.Boolean))
HOUSEHOLD = sa.table('household', sa.column('id', sa.Integer), sa.column('campaign_id', sa.Integer),
                     sa.column('public_id', sa.Uuid))
VOTER = sa.table('voter', sa.column('id', sa.Integer), sa.column('campaign_id', sa.Integer),
                 sa.column('public_id', sa.Uuid))
DOOR_VISIT = sa.table('door_visit', *(sa.column(name, type_) for name, type_ in (
    ('campaign_id', sa.Integer), ('id', sa.Uuid), ('record_id', sa.Integer), ('volunteer_id', sa.Integer),
    ('household_id', sa.Integer), ('voter_id', sa.Integer), ('result', sa.String),
    ('happened_at', sa.DateTime(timezone=True)), ('deleted', sa.Boolean))))
BATCH = 2000


def backfill(connection):
    """Copy every synced door visit into the read model, a batch of records at a time (by record id)."""
    last = 0
    while True:
        records = connection.execute(
            sa.select(SYNC_RECORD).where(SYNC_RECORD.c.entity == 'door_visit', SYNC_RECORD.c.id > last)
            .order_by(SYNC_RECORD.c.id).limit(BATCH)).mappings().all()
        if not records:
            return
        last = records[-1]['id']
        homes = _ids(connection, HOUSEHOLD, {r['values']['household_id'] for r in records})
        voters = _ids(connection, VOTER, {r['values']['voter_id'] for r in records if r['values'].get('voter_id')})
        rows = []
        for r in records:
            values, campaign_id = r['values'], r['campaign_id']
            household = homes.get((campaign_id, uuid.UUID(values['household_id'])))
            if household is None:  # the push checks this; a record that escaped it has nowhere to go
                continue
            voter = voters.get((campaign_id, uuid.UUID(values['voter_id']))) if values.get('voter_id') else None
            rows.append({'campaign_id': campaign_id, 'id': r['entity_id'], 'record_id': r['id'],
                         'volunteer_id': r['owner_id'], 'household_id': household, 'voter_id': voter,
                         'result': values['result'],
                         'happened_at': datetime.fromisoformat(values['happened_at']).astimezone(UTC),
                         'deleted': r['deleted']})
        if rows:
            connection.execute(DOOR_VISIT.insert(), rows)


def _ids(connection, table, public_ids):
    """{(campaign id, public id): row id}."""
    if not public_ids:
        return {}
    return {(campaign_id, public_id): row_id for row_id, campaign_id, public_id in connection.execute(
        sa.select(table.c.id, table.c.campaign_id, table.c.public_id).where(
            table.c.public_id.in_({uuid.UUID(value) for value in public_ids})))}


def downgrade():
    with op.batch_alter_table('building', schema=None) as batch_op:
        batch_op.drop_index('ix_building_street')
        batch_op.drop_index('ix_building_position')

    with op.batch_alter_table('door_visit', schema=None) as batch_op:
        batch_op.drop_index('ix_door_visit_household')

    op.drop_table('door_visit')
    with op.batch_alter_table('turf_household', schema=None) as batch_op:
        batch_op.drop_index('ix_turf_household_household')

    op.drop_table('turf_household')
    with op.batch_alter_table('turf', schema=None) as batch_op:
        batch_op.drop_index('ix_turf_holder')

    op.drop_table('turf')