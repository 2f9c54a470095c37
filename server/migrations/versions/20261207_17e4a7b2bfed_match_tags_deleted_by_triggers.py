"""match tags without foreign keys: triggers delete a gone identifier's or key's tags

Each tag row COPY'd by a build fired two foreign-key checks (an SPI ``SELECT ... FOR KEY SHARE`` of the identifier
and of the key): 12 of PostgreSQL's 17 µs a row. The cascades they gave become triggers on ``voter_identifier``
and ``match_key`` that delete the tags of the rows deleted, whatever deletes them (an import, a forget, a rotation,
a campaign's deletion). On PostgreSQL a delete of identifiers first locks the campaign's keys ``FOR SHARE``, and a
build locks its key ``FOR NO KEY UPDATE`` to finish writing a range (``tags.prune``), so a delete and a range being
written go one after the other (deletes do not wait for each other).

SQLite drops a table's triggers with it: a later migration that rebuilds ``voter_identifier`` or ``match_key`` in
batch mode must make them again (tests/server/matching/test_tags_of_deleted_rows.py fails without them).

Revision ID: 17e4a7b2bfed
Revises: 6e53939cf982
Create Date: 2026-12-07 16:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '17e4a7b2bfed'
down_revision = '6e53939cf982'
branch_labels = None
depends_on = None

POSTGRESQL = """
CREATE FUNCTION match_tag_identifier_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM match_key WHERE campaign_id IN (SELECT campaign_id FROM gone) ORDER BY id FOR SHARE;
    DELETE FROM match_tag WHERE identifier_id IN (SELECT id FROM gone);
    RETURN NULL;
END $$;
CREATE TRIGGER match_tag_identifier_gone AFTER DELETE ON voter_identifier REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION match_tag_identifier_gone();
CREATE FUNCTION match_tag_key_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM match_tag WHERE key_id IN (SELECT id FROM gone);
    RETURN NULL;
END $$;
CREATE TRIGGER match_tag_key_gone AFTER DELETE ON match_key REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION match_tag_key_gone();
"""
SQLITE = (
    "CREATE TRIGGER match_tag_identifier_gone AFTER DELETE ON voter_identifier"
    " BEGIN DELETE FROM match_tag WHERE identifier_id = OLD.id; END",
    "CREATE TRIGGER match_tag_key_gone AFTER DELETE ON match_key"
    " BEGIN DELETE FROM match_tag WHERE key_id = OLD.id; END",
)


def upgrade():
    with op.batch_alter_table('match_tag', schema=None) as batch_op:
        batch_op.drop_constraint('fk_match_tag_identifier_id_voter_identifier', type_='foreignkey')
        batch_op.drop_constraint('fk_match_tag_key_id_match_key', type_='foreignkey')
    if op.get_context().dialect.name == 'postgresql':
        op.execute(POSTGRESQL)
    else:
        for statement in SQLITE:
            op.execute(statement)


def downgrade():
    if op.get_context().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER match_tag_key_gone ON match_key; DROP FUNCTION match_tag_key_gone();"
                   "DROP TRIGGER match_tag_identifier_gone ON voter_identifier;"
                   "DROP FUNCTION match_tag_identifier_gone();")
    else:
        op.execute("DROP TRIGGER match_tag_key_gone")
        op.execute("DROP TRIGGER match_tag_identifier_gone")
    # the foreign keys would refuse a tag the triggers should have deleted
    op.execute("DELETE FROM match_tag WHERE NOT EXISTS (SELECT 1 FROM voter_identifier v WHERE v.id = identifier_id)"
               " OR NOT EXISTS (SELECT 1 FROM match_key k WHERE k.id = key_id)")
    with op.batch_alter_table('match_tag', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_match_tag_key_id_match_key', 'match_key', ['key_id'], ['id'],
                                    ondelete='CASCADE')
        batch_op.create_foreign_key('fk_match_tag_identifier_id_voter_identifier', 'voter_identifier',
                                    ['identifier_id'], ['id'], ondelete='CASCADE')
