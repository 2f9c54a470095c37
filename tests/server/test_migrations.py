"""``flask db upgrade`` builds exactly the models' schema, on SQLite and PostgreSQL, and can be undone."""

import json
import warnings

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import JSON, column, inspect, select, table, text

from server import create_app
from server.backup import scripts
from server.extensions import db
from tests.conftest import TEST_CONFIG, empty_database_uri


def test_only_single_head_revision_in_migrations():
    assert len(scripts().get_heads()) == 1


def test_every_migration_has_a_message_that_names_the_change():
    for revision in scripts().walk_revisions():
        message = (revision.module.__doc__ or "").strip().splitlines()
        assert message and message[0].strip() not in ("", "empty message"), revision.path


def differences(connection, **opts) -> list:
    """What autogenerate finds between the database and the models. The models make an index on an expression on
    PostgreSQL only (``ddl_if``): SQLite cannot reflect one, and alembic warns that it leaves that index out."""
    with warnings.catch_warnings():
        if connection.dialect.name == "sqlite":
            warnings.filterwarnings("ignore", "autogenerate skipping metadata-specified expression-based index")
        return compare_metadata(MigrationContext.configure(connection, opts=opts), db.metadata)


def test_upgraded_database_matches_the_models(app):
    with app.app_context(), db.engine.connect() as connection:
        assert differences(connection, compare_type=True, compare_server_default=True) == []


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
                assert differences(connection) == []
        finally:
            db.engine.dispose()


def test_a_campaigns_talking_points_move_to_english_and_back(fresh_database_uri):
    """The one list of talking points becomes the English list (an empty one, no list at all); downgrading gives the
    list back, so neither way loses a campaign's ideas."""
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": fresh_database_uri})
    campaign = table("campaign", column("id"), column("name"), column("talking_points", JSON),
                     column("message_template", JSON))
    before = "25ddb16e5a12"
    with app.app_context():
        try:
            upgrade(revision=before)
            with db.engine.begin() as connection:
                for name, points in (("Points", ["Ask what matters.", "Listen."]), ("None", [])):
                    connection.execute(text(
                        "INSERT INTO campaign (name, phone_region, time_zone, issue_tags, talking_points, "
                        "match_prefix_bits, match_daily_quota, match_daily_card_quota, created_at) VALUES "
                        "(:name, 'US', 'UTC', '[]', :points, 16, 1, 1, '2026-01-01T00:00:00+00:00')"),
                        {"name": name, "points": json.dumps(points)})
            upgrade()
            read = select(campaign.c.name, campaign.c.talking_points, campaign.c.message_template)
            with db.engine.connect() as connection:
                assert sorted(connection.execute(read).all()) == [
                    ("None", {}, {}), ("Points", {"en": ["Ask what matters.", "Listen."]}, {})]
            downgrade(revision=before)
            with db.engine.connect() as connection:
                assert sorted(connection.execute(select(campaign.c.name, campaign.c.talking_points)).all()) == [
                    ("None", []), ("Points", ["Ask what matters.", "Listen."])]
        finally:
            db.engine.dispose()
