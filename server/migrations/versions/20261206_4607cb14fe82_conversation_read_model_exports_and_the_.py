"""conversation read model, exports and the campaign's VAN mapping

The conversation and conversation_issue tables are filled from the conversations already in sync_record, in
batches, so the review list and the exports see every conversation logged before the upgrade. The old review
list's index on sync_record (campaign, entity, seq) is dropped: nothing reads conversations from there any more.

Revision ID: 4607cb14fe82
Revises: 243d925fea16
Create Date: 2026-12-06 07:29:48.328136

"""
import uuid
from datetime import UTC, date, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4607cb14fe82'
down_revision = '243d925fea16'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('export',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('conversations', 'van', name='export_kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('since_export_id', sa.Integer(), nullable=True),
    sa.Column('since_time', sa.DateTime(timezone=True), nullable=True),
    sa.Column('high_water', sa.Integer(), nullable=False),
    sa.Column('with_notes', sa.Boolean(), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('complete', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_export_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_export_created_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['since_export_id'], ['export.id'], name=op.f('fk_export_since_export_id_export'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_export'))
    )
    with op.batch_alter_table('export', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_export_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('conversation',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('relationship_id', sa.Uuid(), nullable=True),
    sa.Column('voter_id', sa.Integer(), nullable=True),
    sa.Column('happened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('support', sa.SmallInteger(), nullable=True),
    sa.Column('issue_tags', sa.JSON(), nullable=False),
    sa.Column('registered', sa.Boolean(), nullable=True),
    sa.Column('vote_method', sa.String(length=16), nullable=True),
    sa.Column('vote_on', sa.Date(), nullable=True),
    sa.Column('follow_up_on', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('reviewed', sa.Boolean(), nullable=False),
    sa.Column('review_reply', sa.Text(), nullable=False),
    sa.Column('flagged_for_follow_up', sa.Boolean(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_conversation_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['record_id'], ['sync_record.id'], name=op.f('fk_conversation_record_id_sync_record'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user.id'], name=op.f('fk_conversation_reviewed_by_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['user.id'], name=op.f('fk_conversation_volunteer_id_user'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['voter_id'], ['voter.id'], name=op.f('fk_conversation_voter_id_voter'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('campaign_id', 'id', name=op.f('pk_conversation')),
    sa.UniqueConstraint('record_id', name=op.f('uq_conversation_record_id'))
    )
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.create_index('ix_conversation_change', ['campaign_id', 'seq'], unique=False)
        batch_op.create_index('ix_conversation_flagged', ['campaign_id', 'flagged_for_follow_up', 'happened_at', 'id'], unique=False)
        batch_op.create_index('ix_conversation_review', ['campaign_id', 'happened_at', 'id'], unique=False)
        batch_op.create_index('ix_conversation_reviewed', ['campaign_id', 'reviewed', 'happened_at', 'id'], unique=False)
        batch_op.create_index('ix_conversation_support', ['campaign_id', 'support', 'happened_at', 'id'], unique=False)
        batch_op.create_index('ix_conversation_volunteer', ['campaign_id', 'volunteer_id', 'happened_at', 'id'], unique=False)

    op.create_table('conversation_issue',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Uuid(), nullable=False),
    sa.Column('issue', sa.String(length=40), nullable=False),
    sa.Column('happened_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id', 'conversation_id'], ['conversation.campaign_id', 'conversation.id'], name=op.f('fk_conversation_issue_campaign_id_conversation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', 'conversation_id', 'issue', name=op.f('pk_conversation_issue'))
    )
    with op.batch_alter_table('conversation_issue', schema=None) as batch_op:
        batch_op.create_index('ix_conversation_issue_review', ['campaign_id', 'issue', 'happened_at', 'conversation_id'], unique=False)

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('van_mapping', sa.JSON(), nullable=True))

    with op.batch_alter_table('sync_record', schema=None) as batch_op:
        batch_op.drop_index('ix_sync_record_review')

    backfill(op.get_bind())


# the tables as this revision knows them (the app's models may change later; this migration must not)
SYNC_RECORD = sa.table(
    'sync_record', sa.column('id', sa.Integer), sa.column('campaign_id', sa.Integer), sa.column('entity', sa.String),
    sa.column('entity_id', sa.Uuid), sa.column('owner_id', sa.Integer), sa.column('values', sa.JSON),
    sa.column('stamps', sa.JSON), sa.column('deleted', sa.Boolean), sa.column('seq', sa.Integer),
    sa.column('updated_at', sa.DateTime(timezone=True)))
VOTER = sa.table('voter', sa.column('id', sa.Integer), sa.column('campaign_id', sa.Integer),
                 sa.column('public_id', sa.Uuid))
CONVERSATION = sa.table(
    'conversation', *(sa.column(name, type_) for name, type_ in (
        ('campaign_id', sa.Integer), ('id', sa.Uuid), ('record_id', sa.Integer), ('volunteer_id', sa.Integer),
        ('relationship_id', sa.Uuid), ('voter_id', sa.Integer), ('happened_at', sa.DateTime(timezone=True)),
        ('channel', sa.String), ('support', sa.SmallInteger), ('issue_tags', sa.JSON), ('registered', sa.Boolean),
        ('vote_method', sa.String), ('vote_on', sa.Date), ('follow_up_on', sa.Date), ('notes', sa.Text),
        ('reviewed', sa.Boolean), ('review_reply', sa.Text), ('flagged_for_follow_up', sa.Boolean),
        ('reviewed_at', sa.DateTime(timezone=True)), ('reviewed_by_id', sa.Integer), ('deleted', sa.Boolean),
        ('seq', sa.Integer), ('updated_at', sa.DateTime(timezone=True)))))
CONVERSATION_ISSUE = sa.table('conversation_issue', sa.column('campaign_id', sa.Integer),
                              sa.column('conversation_id', sa.Uuid), sa.column('issue', sa.String),
                              sa.column('happened_at', sa.DateTime(timezone=True)))
REVIEW_FIELDS = ('reviewed', 'review_reply', 'flagged_for_follow_up')
BATCH = 2000


def backfill(connection):
    """Copy every synced conversation into the read model, a batch of records at a time (by record id)."""
    last = 0
    while True:
        records = connection.execute(
            sa.select(SYNC_RECORD).where(SYNC_RECORD.c.entity == 'conversation', SYNC_RECORD.c.id > last)
            .order_by(SYNC_RECORD.c.id).limit(BATCH)).mappings().all()
        if not records:
            return
        last = records[-1]['id']
        voters = _voter_ids(connection, records)
        rows = [_row(record, voters.get(record['id'])) for record in records]
        connection.execute(CONVERSATION.insert(), rows)
        issues = [{'campaign_id': row['campaign_id'], 'conversation_id': row['id'], 'issue': issue,
                   'happened_at': row['happened_at']} for row in rows if not row['deleted'] for issue in row['issue_tags']]
        if issues:
            connection.execute(CONVERSATION_ISSUE.insert(), issues)


def _row(record, voter_id):
    values, stamps = record['values'], record['stamps'] or {}
    reviews = [int(stamps[name][:15]) for name in REVIEW_FIELDS if name in stamps]  # a stamp starts with its ms
    day = lambda text: date.fromisoformat(text) if text else None  # noqa: E731
    return {
        'campaign_id': record['campaign_id'], 'id': record['entity_id'], 'record_id': record['id'],
        'volunteer_id': record['owner_id'],
        'relationship_id': uuid.UUID(values['relationship_id']) if values.get('relationship_id') else None,
        'voter_id': voter_id, 'happened_at': datetime.fromisoformat(values['happened_at']).astimezone(UTC),
        'channel': values['channel'], 'support': values.get('support'),
        'issue_tags': list(values.get('issue_tags') or ()), 'registered': values.get('registered'),
        'vote_method': values.get('vote_method'), 'vote_on': day(values.get('vote_on')),
        'follow_up_on': day(values.get('follow_up_on')), 'notes': values.get('notes') or '',
        'reviewed': bool(values.get('reviewed')), 'review_reply': values.get('review_reply') or '',
        'flagged_for_follow_up': bool(values.get('flagged_for_follow_up')),
        # when an organizer last reviewed it is in the stamps; who did is not kept anywhere
        'reviewed_at': datetime.fromtimestamp(max(reviews) / 1000, UTC) if reviews else None, 'reviewed_by_id': None,
        'deleted': record['deleted'], 'seq': record['seq'],
        'updated_at': record['updated_at'] or datetime.now(UTC),
    }


def _voter_ids(connection, records):
    """Each record's voter row id: the voter it names, or its relationship's voter, in the record's campaign."""
    campaign = {r['id']: r['campaign_id'] for r in records}
    direct = {r['id']: r['values'].get('voter_id') for r in records}
    through = {r['id']: r['values']['relationship_id'] for r in records
               if not direct[r['id']] and r['values'].get('relationship_id')}
    if through:
        relationships = connection.execute(sa.select(
            SYNC_RECORD.c.campaign_id, SYNC_RECORD.c.entity_id, SYNC_RECORD.c['values']).where(
            SYNC_RECORD.c.entity == 'relationship',
            SYNC_RECORD.c.entity_id.in_({uuid.UUID(value) for value in through.values()})))
        voter_of = {(campaign_id, str(entity_id)): values.get('voter_id')
                    for campaign_id, entity_id, values in relationships}
        direct.update({record_id: voter_of.get((campaign[record_id], value)) for record_id, value in through.items()})
    public_ids = {uuid.UUID(value) for value in direct.values() if value}
    if not public_ids:
        return {}
    found = {(campaign_id, public_id): voter_id for voter_id, campaign_id, public_id in connection.execute(
        sa.select(VOTER.c.id, VOTER.c.campaign_id, VOTER.c.public_id).where(VOTER.c.public_id.in_(public_ids)))}
    return {record_id: found.get((campaign[record_id], uuid.UUID(value)))
            for record_id, value in direct.items() if value}


def downgrade():
    with op.batch_alter_table('sync_record', schema=None) as batch_op:
        batch_op.create_index('ix_sync_record_review', ['campaign_id', 'entity', 'seq'], unique=False)

    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('van_mapping')

    with op.batch_alter_table('conversation_issue', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_issue_review')

    op.drop_table('conversation_issue')
    with op.batch_alter_table('conversation', schema=None) as batch_op:
        batch_op.drop_index('ix_conversation_volunteer')
        batch_op.drop_index('ix_conversation_support')
        batch_op.drop_index('ix_conversation_reviewed')
        batch_op.drop_index('ix_conversation_review')
        batch_op.drop_index('ix_conversation_flagged')
        batch_op.drop_index('ix_conversation_change')

    op.drop_table('conversation')
    with op.batch_alter_table('export', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_export_campaign_id'))

    op.drop_table('export')
