"""basemap: one PMTiles archive per campaign

Revision ID: 53eec888c392
Revises: 378fa32bf441
Create Date: 2026-12-06 13:20:32.080812

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '53eec888c392'
down_revision = '378fa32bf441'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('basemap',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=80), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('tile_type', sa.String(length=8), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('tile_compression', sa.String(length=8), nullable=False),
    sa.Column('min_zoom', sa.Integer(), nullable=False),
    sa.Column('max_zoom', sa.Integer(), nullable=False),
    sa.Column('bounds', sa.JSON(), nullable=False),
    sa.Column('center', sa.JSON(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_basemap_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by'], ['user.id'], name=op.f('fk_basemap_uploaded_by_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_basemap')),
    sa.UniqueConstraint('campaign_id', name=op.f('uq_basemap_campaign_id'))
    )


def downgrade():
    op.drop_table('basemap')
