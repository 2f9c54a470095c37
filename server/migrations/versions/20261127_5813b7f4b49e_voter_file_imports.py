"""voter-file imports: import runs, problems, staging tables; voter search name and public id

Revision ID: 5813b7f4b49e
Revises: ba8ab59f4588
Create Date: 2026-11-27 07:34:06.684787

"""
import uuid

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '5813b7f4b49e'
down_revision = 'ba8ab59f4588'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")  # typo-tolerant name search
    op.create_table('voter_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('queued', 'running', 'succeeded', 'failed', 'cancelled', name='import_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('upload_path', sa.String(length=1000), nullable=False),
    sa.Column('requested_format', sa.String(length=32), nullable=False),
    sa.Column('format', sa.String(length=32), nullable=True),
    sa.Column('column_map', sa.JSON(), nullable=False),
    sa.Column('bytes_total', sa.Integer(), nullable=True),
    sa.Column('bytes_read', sa.Integer(), nullable=False),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('rows_rejected', sa.Integer(), nullable=False),
    sa.Column('rows_with_warnings', sa.Integer(), nullable=False),
    sa.Column('voters_added', sa.Integer(), nullable=False),
    sa.Column('voters_updated', sa.Integer(), nullable=False),
    sa.Column('voters_deactivated', sa.Integer(), nullable=False),
    sa.Column('first_new_identifier_id', sa.Integer(), nullable=True),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('cancel_requested', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('heartbeat_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaign.id'], name=op.f('fk_voter_import_campaign_id_campaign'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_voter_import_created_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voter_import'))
    )
    with op.batch_alter_table('voter_import', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voter_import_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('staged_identifier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.Enum('phone', 'email', name='identifier_kind', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('value', sa.String(length=320), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['voter_import.id'], name=op.f('fk_staged_identifier_import_id_voter_import'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staged_identifier'))
    )
    with op.batch_alter_table('staged_identifier', schema=None) as batch_op:
        batch_op.create_index('ix_staged_identifier_import_external', ['import_id', 'external_id'], unique=False)

    op.create_table('staged_voter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('public_id', sa.Uuid(), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=False),
    sa.Column('middle_name', sa.String(length=100), nullable=False),
    sa.Column('last_name', sa.String(length=100), nullable=False),
    sa.Column('name_suffix', sa.String(length=20), nullable=False),
    sa.Column('house_number', sa.String(length=20), nullable=False),
    sa.Column('street', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=50), nullable=False),
    sa.Column('city', sa.String(length=100), nullable=False),
    sa.Column('state', sa.String(length=2), nullable=False),
    sa.Column('zip', sa.String(length=10), nullable=False),
    sa.Column('county', sa.String(length=100), nullable=False),
    sa.Column('precinct', sa.String(length=50), nullable=False),
    sa.Column('congressional_district', sa.String(length=20), nullable=False),
    sa.Column('state_senate_district', sa.String(length=20), nullable=False),
    sa.Column('state_house_district', sa.String(length=20), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('party', sa.String(length=50), nullable=False),
    sa.Column('registration_status', sa.String(length=50), nullable=False),
    sa.Column('search_name', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['voter_import.id'], name=op.f('fk_staged_voter_import_id_voter_import'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staged_voter'))
    )
    with op.batch_alter_table('staged_voter', schema=None) as batch_op:
        batch_op.create_index('ix_staged_voter_import_external', ['import_id', 'external_id'], unique=False)

    op.create_table('voter_import_problem',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('column', sa.String(length=100), nullable=True),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.Column('rejected', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['import_id'], ['voter_import.id'], name=op.f('fk_voter_import_problem_import_id_voter_import'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_voter_import_problem'))
    )
    with op.batch_alter_table('voter_import_problem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voter_import_problem_import_id'), ['import_id'], unique=False)

    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.add_column(sa.Column('search_name', sa.String(length=200), server_default='', nullable=False))
        batch_op.create_index('ix_voter_search_name', ['search_name'], unique=False, postgresql_using='gin', postgresql_ops={'search_name': 'gin_trgm_ops'})

    # voters imported before: the import job writes the accent-free key; lowercase is close enough until then
    op.execute("UPDATE voter SET search_name = lower(trim(first_name || ' ' || last_name))")
    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.alter_column('search_name', server_default=None, existing_type=sa.String(length=200),
                              existing_nullable=False)
        batch_op.add_column(sa.Column('public_id', sa.Uuid(), nullable=True))
    voter = sa.table('voter', sa.column('id', sa.Integer()), sa.column('public_id', sa.Uuid()))
    bind = op.get_bind()
    ids = bind.execute(sa.select(voter.c.id)).scalars().all()
    if ids:
        bind.execute(voter.update().where(voter.c.id == sa.bindparam('voter_id')).values(public_id=sa.bindparam('pid')),
                     [{'voter_id': i, 'pid': uuid.uuid4()} for i in ids])
    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.alter_column('public_id', nullable=False, existing_type=sa.Uuid())
        batch_op.create_unique_constraint(batch_op.f('uq_voter_public_id'), ['public_id'])

    with op.batch_alter_table('voter_identifier', schema=None) as batch_op:
        batch_op.alter_column('kind',
               existing_type=sa.VARCHAR(length=8),
               type_=sa.String(length=16),  # its CHECK constraint stays as it is
               existing_nullable=False)



def downgrade():
    with op.batch_alter_table('voter_identifier', schema=None) as batch_op:
        batch_op.alter_column('kind',
               existing_type=sa.String(length=16),
               type_=sa.VARCHAR(length=8),
               existing_nullable=False)

    with op.batch_alter_table('voter', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_voter_public_id'), type_='unique')
        batch_op.drop_column('public_id')
        batch_op.drop_index('ix_voter_search_name', postgresql_using='gin', postgresql_ops={'search_name': 'gin_trgm_ops'})
        batch_op.drop_column('search_name')

    with op.batch_alter_table('voter_import_problem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voter_import_problem_import_id'))

    op.drop_table('voter_import_problem')
    with op.batch_alter_table('staged_voter', schema=None) as batch_op:
        batch_op.drop_index('ix_staged_voter_import_external')

    op.drop_table('staged_voter')
    with op.batch_alter_table('staged_identifier', schema=None) as batch_op:
        batch_op.drop_index('ix_staged_identifier_import_external')

    op.drop_table('staged_identifier')
    with op.batch_alter_table('voter_import', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_voter_import_campaign_id'))

    op.drop_table('voter_import')
