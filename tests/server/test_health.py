import pytest

from server import create_app
from server.health import script_heads
from tests.conftest import TEST_CONFIG, app_at_revision


def test_health_answers_ok_when_the_database_is_reachable(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_health_is_503_in_the_error_shape_when_the_database_is_down(tmp_path):
    """A load balancer stops sending people to a server whose database is gone: 503, not a crash."""
    app = create_app({**TEST_CONFIG, "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://kin@127.0.0.1:1/nowhere?connect_timeout=2"})
    response = app.test_client().get("/api/health")
    assert response.status_code == 503
    assert response.json == {"code": 503, "status": "Service Unavailable", "message": "The database cannot be reached."}


def test_ready_answers_ok_when_the_database_is_migrated_to_the_head(client):
    response = client.get("/api/health/ready")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


@pytest.fixture(params=["sqlite", "postgresql"])
def app_one_migration_behind(request, tmp_path):
    from alembic.script import ScriptDirectory

    from server.extensions import MIGRATIONS

    head = ScriptDirectory(str(MIGRATIONS)).get_revision("head")
    yield from app_at_revision(request.param, tmp_path, head.down_revision)


def test_ready_is_503_naming_the_upgrade_when_the_database_is_one_migration_behind(app_one_migration_behind):
    """A release started before ``flask db upgrade``: the load balancer keeps sending people to the old one."""
    client = app_one_migration_behind.test_client()
    assert client.get("/api/health").status_code == 200  # alive, but not ready
    response = client.get("/api/health/ready")
    assert response.status_code == 503
    assert response.json["message"] == ("The database is not migrated to this release's head: run "
                                        "`flask db upgrade`.")


def test_ready_is_503_when_the_database_has_no_migrations(tmp_path):
    app = create_app({**TEST_CONFIG, "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    response = app.test_client().get("/api/health/ready")
    assert response.status_code == 503
    assert "flask db upgrade" in response.json["message"]


def test_ready_is_503_naming_redis_when_redis_is_configured_but_down(app):
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"
    response = app.test_client().get("/api/health/ready")
    assert response.status_code == 503
    assert response.json["message"] == "Redis (KIN_REDIS_URL) cannot be reached."


def test_the_heads_read_from_the_scripts_are_alembics():
    from alembic.script import ScriptDirectory

    from server.extensions import MIGRATIONS

    assert script_heads() == frozenset(ScriptDirectory(str(MIGRATIONS)).get_heads())
