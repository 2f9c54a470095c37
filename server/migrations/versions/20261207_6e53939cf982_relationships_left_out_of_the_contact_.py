"""relationships left out of the contact rate

The volunteers table's contact rate leaves out the relationships whose voter asked not to be contacted at all
before the volunteer reached them (``volunteer_tally.refused_relationships``), kept at push time from now on; this
fills it from the synced records, as ``tally.voter_share`` counts it (copied here so that this revision keeps
meaning what it meant when written). On PostgreSQL an index finds a voter's relationships, which a push recording
their "not at all" reads while it holds the campaign's counter.

Revision ID: 6e53939cf982
Revises: 3e8b5d2a7c14
Create Date: 2026-12-07 12:46:17.571607

"""
from collections import Counter

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6e53939cf982'
down_revision = '3e8b5d2a7c14'
branch_labels = None
depends_on = None

CHANNELS = ('text', 'call', 'email', 'door')
PREFERENCE = sa.table('contact_preference', sa.column('campaign_id'), sa.column('voter_id'), sa.column('no_contact'),
                      *(sa.column(f'no_{channel}') for channel in CHANNELS))
VOTER = sa.table('voter', sa.column('id'), sa.column('public_id', sa.Uuid), sa.column('priority'))
RECORD = sa.table('sync_record', sa.column('campaign_id'), sa.column('entity'), sa.column('owner_id'),
                  sa.column('values', sa.JSON), sa.column('deleted'))
CONVERSATION = sa.table('conversation', sa.column('campaign_id'), sa.column('volunteer_id'), sa.column('voter_id'),
                        sa.column('deleted'))
TALLY = sa.table('volunteer_tally', sa.column('campaign_id'), sa.column('volunteer_id'), sa.column('priority'),
                 sa.column('refused_relationships'))


RELATIONSHIP_VOTER = sa.text('("values" ->> \'voter_id\')')


def upgrade():
    with op.batch_alter_table('volunteer_tally', schema=None) as batch_op:
        batch_op.add_column(sa.Column('refused_relationships', sa.Integer(), server_default='0', nullable=False))
    if op.get_bind().dialect.name == 'postgresql':  # SQLite cannot reflect it, and its table rebuilds would drop it
        op.create_index('ix_sync_record_relationship_voter', 'sync_record', ['campaign_id', RELATIONSHIP_VOTER],
                        postgresql_where=sa.text("entity = 'relationship'"))
    connection = op.get_bind()
    refused_all = sa.or_(PREFERENCE.c.no_contact, sa.and_(*(PREFERENCE.c[f'no_{c}'] for c in CHANNELS)))
    refused = {}  # campaign id -> {public id as records hold it: (voter row id, priority)}
    for campaign_id, voter_id, public_id, priority in connection.execute(
            sa.select(PREFERENCE.c.campaign_id, VOTER.c.id, VOTER.c.public_id, VOTER.c.priority)
            .join(VOTER, VOTER.c.id == PREFERENCE.c.voter_id).where(refused_all)):
        refused.setdefault(campaign_id, {})[str(public_id)] = (voter_id, bool(priority))
    for campaign_id, voters in refused.items():
        talked = set(connection.execute(sa.select(CONVERSATION.c.volunteer_id, CONVERSATION.c.voter_id).where(
            CONVERSATION.c.campaign_id == campaign_id, CONVERSATION.c.deleted == sa.false())).all())
        counts = Counter()
        for owner_id, values in connection.execute(sa.select(RECORD.c.owner_id, RECORD.c['values']).where(
                RECORD.c.campaign_id == campaign_id, RECORD.c.entity == 'relationship',
                RECORD.c.deleted == sa.false())):
            voter_id, priority = voters.get((values or {}).get('voter_id'), (None, False))
            if voter_id is not None and (owner_id, voter_id) not in talked:
                counts[(owner_id, priority)] += 1
        for (volunteer_id, priority), n in counts.items():
            connection.execute(TALLY.update().where(
                TALLY.c.campaign_id == campaign_id, TALLY.c.volunteer_id == volunteer_id,
                TALLY.c.priority == priority).values(refused_relationships=n))


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_index('ix_sync_record_relationship_voter', 'sync_record')
    with op.batch_alter_table('volunteer_tally', schema=None) as batch_op:
        batch_op.drop_column('refused_relationships')
