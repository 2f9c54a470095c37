"""survey questions for the door, and the answers door visits gave them

The answers are a read model kept by server/canvass/visits.py; no visit had answers before, so there is nothing to
backfill. An answered question cannot be deleted: door_answer's foreign key, NO ACTION so that deleting a campaign
still cascades to both.

Revision ID: db1fd468aba2
Revises: f1bfd624fb87
Create Date: 2026-12-06 19:27:46.988110

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'db1fd468aba2'
down_revision = 'f1bfd624fb87'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('survey_question',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_survey_question_campaign_id_campaign'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_survey_question'))
    )
    with op.batch_alter_table('survey_question', schema=None) as batch_op:
        batch_op.create_index('ix_survey_question_campaign', ['campaign_id', 'position'], unique=False)

    op.create_table('door_answer',
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Uuid(), nullable=False),
    sa.Column('question_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_door_answer_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_id'], ['survey_question.id'], name=op.f('fk_door_answer_question_id_survey_question')),
    sa.PrimaryKeyConstraint('campaign_id', 'visit_id', 'question_id', name=op.f('pk_door_answer'))
    )
    with op.batch_alter_table('door_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_door_answer_question_id'), ['question_id'], unique=False)



def downgrade():
    with op.batch_alter_table('door_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_door_answer_question_id'))

    op.drop_table('door_answer')
    with op.batch_alter_table('survey_question', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_question_campaign')

    op.drop_table('survey_question')
