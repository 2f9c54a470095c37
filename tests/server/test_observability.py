"""The request id, the request log line, /metrics' door and the Sentry scrubber, without a live server
(tests/server/test_observability_live.py runs them under gunicorn)."""

import logging

from prometheus_client.parser import text_string_to_metric_families

from server.campaigns.models import Role
from server.observability.sentry import scrub

GIVEN = "3f2b8c1e-9d4a-4b7e-8f00-1a2b3c4d5e6f"


def test_every_answer_carries_a_request_id_of_its_own(client):
    made = client.get("/api/health").headers["X-Request-Id"]
    assert len(made) == 32 and made != client.get("/api/health").headers["X-Request-Id"]
    # with no proxy in front, the id a client sends is its own invention
    assert client.get("/api/health", headers={"X-Request-Id": GIVEN}).headers["X-Request-Id"] != GIVEN


def test_behind_a_trusted_proxy_its_well_formed_request_id_is_kept(app, client):
    app.config["TRUSTED_PROXIES"] = 1
    assert client.get("/api/health", headers={"X-Request-Id": GIVEN}).headers["X-Request-Id"] == GIVEN


def test_a_request_id_that_could_carry_words_is_replaced(app, client):
    app.config["TRUSTED_PROXIES"] = 1
    for given in ("ana.lopez@example.org", "Ana Lopez", "a" * 200, "short"):
        answered = client.get("/api/health", headers={"X-Request-Id": given}).headers["X-Request-Id"]
        assert answered != given and len(answered) == 32


def test_the_request_line_has_the_route_and_ids_but_not_the_path_or_query(client, make_campaign, make_member,
                                                                          auth_headers, caplog):
    campaign_id = make_campaign()
    member = make_member(campaign_id, Role.VOLUNTEER)
    with caplog.at_level(logging.INFO, logger="kin.request"):
        response = client.get(f"/api/campaigns/{campaign_id}/voters/search", query_string={"name": "Ana Lopez"},
                              headers=auth_headers(member.user_id))
    assert response.status_code == 200
    [line] = [record for record in caplog.records if record.name == "kin.request"]
    assert (line.method, line.route, line.status) == ("GET", "/api/campaigns/<int:campaign_id>/voters/search", 200)
    assert (line.campaign_id, line.user_id) == (campaign_id, member.user_id)
    assert line.request_id == response.headers["X-Request-Id"] and line.duration_ms >= 0
    assert "Ana" not in str(vars(line))


def test_metrics_are_404_without_a_token_configured(client):
    assert client.get("/metrics", headers={"Accept": "application/json"}).status_code == 404


def test_metrics_want_the_configured_bearer_token(app, client):
    app.config["METRICS_TOKEN"] = "the-metrics-token"
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer a-guess"}).status_code == 401
    client.get("/api/health")
    scraped = client.get("/metrics", headers={"Authorization": "Bearer the-metrics-token"})
    assert scraped.status_code == 200
    families = {family.name: family for family in text_string_to_metric_families(scraped.get_data(as_text=True))}
    assert {"kin_http_request_duration_seconds", "kin_sync_ops", "kin_voter_imports_running"} <= set(families)
    labels = [sample.labels for name, family in families.items() if name.startswith("kin_")
              for sample in family.samples]
    assert all(set(label) <= {"route", "method", "status_class", "result", "kind", "le"} for label in labels)


def test_the_sentry_scrubber_keeps_the_error_and_drops_what_a_person_sent():
    event = {
        "exception": {"values": [{"type": "ZeroDivisionError", "value": "division by zero"}]},
        "transaction": "sync_api.Push",
        "request": {"method": "POST", "url": "https://kin.example.org/reset/secret-token",
                    "query_string": "name=Ana+Lopez", "data": {"notes": "Ana is worried"},
                    "cookies": {"refresh_token_cookie": "a.b.c"}, "env": {"REMOTE_ADDR": "203.0.113.9"},
                    "headers": {"Authorization": "Bearer a.b.c", "Cookie": "x=y", "User-Agent": "Mozilla/5.0",
                                "X-Request-Id": "0123456789abcdef", "X-Forwarded-For": "203.0.113.9"}},
        "user": {"id": "7", "email": "ana@example.org", "username": "Ana Lopez", "ip_address": "203.0.113.9"},
        "breadcrumbs": {"values": [{"message": "Ana Lopez signed in"}]},
        "extra": {"body": "ana@example.org"},
    }
    scrubbed = scrub(event, {})
    assert scrubbed["exception"]["values"][0]["type"] == "ZeroDivisionError"
    assert scrubbed["request"] == {"method": "POST", "headers": {"User-Agent": "Mozilla/5.0",
                                                                 "X-Request-Id": "0123456789abcdef"}}
    assert scrubbed["user"] == {"id": "7"}
    for word in ("Ana", "ana@", "203.0.113", "a.b.c", "secret-token"):
        assert word not in str(scrubbed)
