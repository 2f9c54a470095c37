"""door visits in the dashboard

The dashboard counts door visits in ``dashboard_day`` (``door:<result>``, ``door_knocked``, ``door_contact``), kept
at push time from now on; this fills them from the door visits already synced, as ``rollup.rebuild`` counts them
(the counting is copied here so that this revision keeps meaning what it meant when written). The index lets the
dashboard's volunteer filter read one volunteer's visits.

Revision ID: 258647e1cf32
Revises: 2a5fa1d9fee7
Create Date: 2026-12-06 19:28:34.621520

"""
from collections import Counter
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '258647e1cf32'
down_revision = '2a5fa1d9fee7'
branch_labels = None
depends_on = None

CAMPAIGN = sa.table('campaign', sa.column('id'), sa.column('time_zone'))
VOTER = sa.table('voter', sa.column('campaign_id'), sa.column('household_id'), sa.column('priority'))
DOOR_VISIT = sa.table('door_visit', sa.column('campaign_id'), sa.column('household_id'), sa.column('result'),
                      sa.column('happened_at', sa.DateTime(timezone=True)), sa.column('deleted'))
DASHBOARD_DAY = sa.table('dashboard_day', sa.column('campaign_id'), sa.column('day', sa.Date), sa.column('priority'),
                         sa.column('metric'), sa.column('n'))


def upgrade():
    with op.batch_alter_table('door_visit', schema=None) as batch_op:
        batch_op.create_index('ix_door_visit_volunteer', ['campaign_id', 'volunteer_id', 'happened_at'], unique=False)
    connection = op.get_bind()
    campaigns = connection.execute(sa.select(CAMPAIGN.c.id, CAMPAIGN.c.time_zone).where(
        sa.exists().where(DOOR_VISIT.c.campaign_id == CAMPAIGN.c.id))).all()
    for campaign_id, time_zone in campaigns:
        _backfill(connection, campaign_id, ZoneInfo(time_zone))


def _backfill(connection, campaign_id, zone):
    priority = set(connection.execute(sa.select(VOTER.c.household_id).where(
        VOTER.c.campaign_id == campaign_id, VOTER.c.priority.is_(True), VOTER.c.household_id.is_not(None))
        .distinct()).scalars())
    counts, doors = Counter(), {}
    for household_id, result, happened_at in connection.execute(sa.select(
            DOOR_VISIT.c.household_id, DOOR_VISIT.c.result, DOOR_VISIT.c.happened_at).where(
            DOOR_VISIT.c.campaign_id == campaign_id, DOOR_VISIT.c.deleted.is_(False))):
        if happened_at.tzinfo is None:  # SQLite gives back the UTC time without its zone
            happened_at = happened_at.replace(tzinfo=ZoneInfo('UTC'))
        day, is_priority = happened_at.astimezone(zone).date(), household_id in priority
        counts[(day, is_priority, f'door:{result}')] += 1
        key = (household_id, day, is_priority)
        doors[key] = doors.get(key, False) or result == 'talked'
    for (_, day, is_priority), talked in doors.items():
        counts[(day, is_priority, 'door_knocked')] += 1
        counts[(day, is_priority, 'door_contact')] += talked
    connection.execute(sa.delete(DASHBOARD_DAY).where(DASHBOARD_DAY.c.campaign_id == campaign_id,
                                                      DASHBOARD_DAY.c.metric.like('door%')))
    rows = [{'campaign_id': campaign_id, 'day': day, 'priority': is_priority, 'metric': metric, 'n': n}
            for (day, is_priority, metric), n in sorted(counts.items()) if n]
    for start in range(0, len(rows), 500):
        connection.execute(DASHBOARD_DAY.insert(), rows[start:start + 500])


def downgrade():
    op.execute(sa.delete(DASHBOARD_DAY).where(DASHBOARD_DAY.c.metric.like('door%')))
    with op.batch_alter_table('door_visit', schema=None) as batch_op:
        batch_op.drop_index('ix_door_visit_volunteer')
