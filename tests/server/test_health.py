def test_health_answers_ok_when_the_database_is_reachable(client):
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}
