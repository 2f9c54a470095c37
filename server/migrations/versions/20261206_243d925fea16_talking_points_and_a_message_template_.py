"""talking points per language, and a message template per language

The campaign's one list of talking points becomes {"en": [...], "es": [...]}: an existing list moves to the first of
Kin's languages, English (a campaign has no language of its own to move it to). The message template a volunteer's
person screen starts from is new, empty for every campaign.

Revision ID: 243d925fea16
Revises: 25ddb16e5a12
Create Date: 2026-12-06 07:34:13.715277

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '243d925fea16'
down_revision = '25ddb16e5a12'
branch_labels = None
depends_on = None

FIRST_LANGUAGE = "en"  # server.fields.LANGUAGES[0], written out: a migration must not change with the code
campaign = sa.table("campaign", sa.column("id", sa.Integer), sa.column("talking_points", sa.JSON),
                    sa.column("message_template", sa.JSON))


def _rewrite(convert):
    """Rewrite each campaign's talking points with convert (JSON in, JSON out), through SQLAlchemy's JSON type so
    both databases read and write them alike."""
    connection = op.get_bind()
    for campaign_id, points in connection.execute(sa.select(campaign.c.id, campaign.c.talking_points)).all():
        connection.execute(campaign.update().where(campaign.c.id == campaign_id)
                           .values(talking_points=convert(points)))


def upgrade():
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.add_column(sa.Column('message_template', sa.JSON(), nullable=True))
    op.execute(campaign.update().values(message_template={}))
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.alter_column('message_template', nullable=False, existing_type=sa.JSON())
    _rewrite(lambda points: {FIRST_LANGUAGE: points} if isinstance(points, list) and points
             else points if isinstance(points, dict) else {})


def downgrade():
    def one_list(points):
        if not isinstance(points, dict):
            return points if isinstance(points, list) else []
        return points.get(FIRST_LANGUAGE) or next((v for v in points.values() if v), [])

    _rewrite(one_list)
    with op.batch_alter_table('campaign', schema=None) as batch_op:
        batch_op.drop_column('message_template')
