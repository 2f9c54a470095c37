"""volunteer follow-ups as rows: the volunteers table sums the overdue ones in SQL

Moves each volunteer tally's open follow-ups ({"YYYY-MM-DD": n} in a JSON column) into rows of
``volunteer_follow_up``, one a day, so the dashboard counts every volunteer's overdue follow-ups, sorts and pages
the table in the database instead of parsing thousands of JSON values in Python for each request.

Revision ID: 84ee0f393440
Revises: 5b10cfb657ca
Create Date: 2026-12-07 13:20:00.000000

"""
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '84ee0f393440'
down_revision = '5b10cfb657ca'
branch_labels = None
depends_on = None

follow_up = sa.table("volunteer_follow_up", *(sa.column(name) for name in ("campaign_id", "volunteer_id", "priority")),
                     sa.column("day", sa.Date), sa.column("n"))


def upgrade():
    op.create_table('volunteer_follow_up',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Boolean(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_volunteer_follow_up_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['user.id'], name=op.f('fk_volunteer_follow_up_volunteer_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('campaign_id', 'volunteer_id', 'priority', 'day', name=op.f('pk_volunteer_follow_up'))
    )
    bind = op.get_bind()
    tally = sa.table("volunteer_tally", *(sa.column(name) for name in ("campaign_id", "volunteer_id", "priority")),
                     sa.column("follow_ups", sa.JSON))
    rows = [{"campaign_id": campaign_id, "volunteer_id": volunteer_id, "priority": priority,
             "day": date.fromisoformat(day), "n": n}
            for campaign_id, volunteer_id, priority, days in bind.execute(sa.select(tally))
            for day, n in (days or {}).items() if n]
    for start in range(0, len(rows), 1000):
        bind.execute(follow_up.insert(), rows[start:start + 1000])
    with op.batch_alter_table('volunteer_tally', schema=None) as batch_op:
        batch_op.drop_column('follow_ups')


def downgrade():
    with op.batch_alter_table('volunteer_tally', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follow_ups', sa.JSON(), nullable=False, server_default='{}'))
    bind = op.get_bind()
    days = {}
    for campaign_id, volunteer_id, priority, day, n in bind.execute(sa.select(follow_up)):
        days.setdefault((campaign_id, volunteer_id, priority), {})[day.isoformat()] = n
    tally = sa.table("volunteer_tally", *(sa.column(name) for name in ("campaign_id", "volunteer_id", "priority")),
                     sa.column("follow_ups", sa.JSON))
    for (campaign_id, volunteer_id, priority), value in days.items():
        bind.execute(tally.update().where(tally.c.campaign_id == campaign_id, tally.c.volunteer_id == volunteer_id,
                                          tally.c.priority == priority).values(follow_ups=value))
    op.drop_table('volunteer_follow_up')
