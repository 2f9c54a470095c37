"""``flask db upgrade`` builds exactly the models' schema, on SQLite and PostgreSQL, and can be undone."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from server import create_app
from server.extensions import MIGRATIONS, db
from tests.conftest import TEST_CONFIG, empty_database_uri


def scripts() -> ScriptDirectory:
    config = Config(str(MIGRATIONS / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config)


def test_only_single_head_revision_in_migrations():
    assert len(scripts().get_heads()) == 1


def test_every_migration_has_a_message_that_names_the_change():
    for revision in scripts().walk_revisions():
        message = (revision.module.__doc__ or "").strip().splitlines()
        assert message and message[0].strip() not in ("", "empty message"), revision.path


def test_upgraded_database_matches_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        assert compare_metadata(context, db.metadata) == []


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database_uri(request, tmp_path):
    """An empty database of its own, so undoing migrations cannot disturb the session's shared one."""
    return empty_database_uri(request.param, tmp_path)


def test_downgrade_to_base_and_upgrade_again_rebuilds_the_schema(fresh_database_uri):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": fresh_database_uri})
    models = set(db.metadata.tables)
    with app.app_context():
        try:
            upgrade()
            assert models <= set(inspect(db.engine).get_table_names())
            downgrade(revision="base")
            assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
            upgrade()
            assert models <= set(inspect(db.engine).get_table_names())
            with db.engine.connect() as connection:
                assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
        finally:
            db.engine.dispose()
