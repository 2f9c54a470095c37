"""single-use download tickets for exports

download_ticket: a minute-long, single-use permission to download one export by a plain GET (the browser saves it
as it streams); only the token's SHA-256 is kept (server/exports/tickets.py).

Revision ID: 378fa32bf441
Revises: 5bdf0fb7549e
Create Date: 2026-12-06 13:20:45.930522

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '378fa32bf441'
down_revision = '5bdf0fb7549e'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('download_ticket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('conversations', 'van', name='export_kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('since', sa.String(length=64), nullable=True),
    sa.Column('with_notes', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_download_ticket_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_download_ticket_created_by_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_download_ticket')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_download_ticket_token_hash'))
    )
    with op.batch_alter_table('download_ticket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_download_ticket_campaign_id'), ['campaign_id'], unique=False)


def downgrade():
    with op.batch_alter_table('download_ticket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_download_ticket_campaign_id'))

    op.drop_table('download_ticket')