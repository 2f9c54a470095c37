def test_health_answers_ok_when_the_database_is_reachable(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_health_is_503_in_the_error_shape_when_the_database_is_down(tmp_path):
    """A load balancer stops sending people to a server whose database is gone: 503, not a crash."""
    from server import create_app
    from tests.conftest import TEST_CONFIG

    app = create_app({**TEST_CONFIG, "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://kin@127.0.0.1:1/nowhere?connect_timeout=2"})
    response = app.test_client().get("/api/health")
    assert response.status_code == 503
    assert response.json == {"code": 503, "status": "Service Unavailable", "message": "The database cannot be reached."}
