from datetime import UTC, datetime

import jwt as pyjwt
import pytest

from server.auth.models import User
from server.extensions import db
from tests.conftest import PASSWORD


def _cookie(response, name):
    return next((c for c in response.headers.getlist("Set-Cookie") if c.startswith(f"{name}=")), None)


def test_login_returns_an_access_token_and_the_memberships(client, make_user, make_campaign, make_member):
    campaign_id = make_campaign(name="Rivertown")
    member = make_member(campaign_id)
    response = client.post("/api/auth/login", json={"email": member.email, "password": PASSWORD})
    assert response.status_code == 200
    assert response.json["user"]["email"] == member.email
    assert response.json["memberships"] == [{
        # what the phone needs of the campaign, offline too: where numbers are read, its issues, its ideas, and
        # (for the Privacy page) how long it keeps notes and what a departing volunteer's records become
        "campaign": {"id": campaign_id, "name": "Rivertown", "time_zone": "America/New_York", "election_day": None,
                     "phone_region": "US", "issue_tags": [], "talking_points": {},
                     "message_template": {}, "note_retention_days": 90, "departed_records": "anonymise",
                     "notes_redacted_on": None},
        "role": "volunteer", "active": True,
    }]
    me = client.get("/api/me", headers={"Authorization": f"Bearer {response.json['access_token']}"})
    assert me.status_code == 200 and me.json["user"]["id"] == member.user_id


def test_access_token_lasts_fifteen_minutes(client, make_user, login):
    make_user(email="ana@example.org")
    claims = pyjwt.decode(login("ana@example.org")["access_token"], options={"verify_signature": False})
    assert claims["exp"] - claims["iat"] == 15 * 60
    assert claims["type"] == "access"


def test_refresh_token_lives_only_in_an_httponly_strict_secure_cookie(client, make_user):
    make_user(email="ana@example.org")
    response = client.post("/api/auth/login", json={"email": "ana@example.org", "password": PASSWORD})
    refresh = _cookie(response, "refresh_token_cookie")
    assert "HttpOnly" in refresh and "Secure" in refresh and "SameSite=Strict" in refresh
    assert "Path=/api/auth" in refresh
    # survives closing the browser, for as long as the token in it lives (30 days, not flask-jwt-extended's year)
    assert "Max-Age=2592000" in refresh
    csrf = _cookie(response, "csrf_refresh_token")
    assert "Max-Age=2592000" in csrf
    assert "HttpOnly" not in csrf and "Path=/;" in csrf  # the PWA reads it for the double submit
    assert "refresh" not in response.json


def test_login_normalises_the_email(client, make_user, login):
    make_user(email="ana@example.org")
    assert login("  ANA@Example.ORG ")["user"]["email"] == "ana@example.org"


@pytest.mark.parametrize("email", ["ana@example.org", "nobody@example.org"])
def test_wrong_credentials_get_one_answer_that_does_not_reveal_accounts(client, make_user, email):
    make_user(email="ana@example.org")
    response = client.post("/api/auth/login", json={"email": email, "password": "wrong password"})
    assert response.status_code == 401
    assert response.json == {"code": 401, "status": "Unauthorized", "message": "Wrong e-mail or password."}


def test_login_validation_errors_name_the_field(client):
    response = client.post("/api/auth/login", json={"email": "not an email"})
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"email", "password"}


def test_login_is_rate_limited_per_address_with_retry_after(client, make_user):
    make_user(email="ana@example.org")
    statuses = [client.post("/api/auth/login", json={"email": f"x{n}@example.org", "password": "nope"}).status_code
                for n in range(11)]
    assert statuses == [401] * 10 + [429]
    response = client.post("/api/auth/login", json={"email": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 429
    assert response.json["code"] == 429 and response.json["status"] == "Too Many Requests"
    assert 0 < int(response.headers["Retry-After"]) <= 60


def test_login_is_rate_limited_per_account_across_addresses(client, make_user):
    make_user(email="ana@example.org")
    statuses = [client.post("/api/auth/login", json={"email": "ana@example.org", "password": "nope"},
                            environ_overrides={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code for n in range(11)]
    assert statuses == [401] * 10 + [429]


@pytest.mark.parametrize("spelling", ["ana@example.org\u200b", "\uff41na@example.org", " ANA@EXAMPLE.ORG",
                                      "ana@exam\u00adple.org"])
def test_the_account_limit_holds_for_every_spelling_of_the_email(client, make_user, spelling):
    """The lookup normalises the e-mail (NFKC, invisible characters out, lowercase), so the limit must too: once
    the account is locked, another spelling gets no guess checked, not even the right password."""
    make_user(email="ana@example.org")
    statuses = [client.post("/api/auth/login", json={"email": "ana@example.org", "password": "nope"},
                            environ_overrides={"REMOTE_ADDR": f"10.0.1.{n}"}).status_code for n in range(10)]
    assert statuses == [401] * 10
    response = client.post("/api/auth/login", json={"email": spelling, "password": PASSWORD},
                           environ_overrides={"REMOTE_ADDR": "10.0.2.1"})
    assert response.status_code == 429


def test_login_upgrades_a_hash_made_with_weaker_parameters(app, client, make_user):
    user_id = make_user(email="ana@example.org")
    app.config["PASSWORD_HASH_PROFILE"] = "RFC_9106_LOW_MEMORY"
    assert client.post("/api/auth/login", json={"email": "ana@example.org", "password": PASSWORD}).status_code == 200
    with app.app_context():
        assert "m=65536" in db.session.get(User, user_id).password_hash


def test_refresh_gives_a_new_access_token_with_the_csrf_header(client, make_user, login):
    make_user(email="ana@example.org")
    login("ana@example.org")
    csrf = client.get_cookie("csrf_refresh_token").value
    response = client.post("/api/auth/refresh", headers={"X-CSRF-TOKEN": csrf})
    assert response.status_code == 200
    me = client.get("/api/me", headers={"Authorization": f"Bearer {response.json['access_token']}"})
    assert me.json["user"]["email"] == "ana@example.org"


def test_refresh_without_the_csrf_header_is_refused(client, make_user, login):
    make_user(email="ana@example.org")
    login("ana@example.org")
    response = client.post("/api/auth/refresh")
    assert response.status_code == 401
    assert "CSRF" in response.json["message"]


def test_refresh_token_is_not_accepted_as_an_access_token(client, make_user, login):
    make_user(email="ana@example.org")
    login("ana@example.org")
    refresh = client.get_cookie("refresh_token_cookie", path="/api/auth").value
    assert client.get("/api/me", headers={"Authorization": f"Bearer {refresh}"}).status_code == 401


def test_logout_refuses_both_tokens_afterwards(client, make_user, login):
    make_user(email="ana@example.org")
    access = login("ana@example.org")["access_token"]
    csrf = client.get_cookie("csrf_refresh_token").value
    old_refresh = client.get_cookie("refresh_token_cookie", path="/api/auth").value
    response = client.post("/api/auth/logout", headers={"X-CSRF-TOKEN": csrf, "Authorization": f"Bearer {access}"})
    assert response.status_code == 204
    assert client.get_cookie("refresh_token_cookie", path="/api/auth") is None
    me = client.get("/api/me", headers={"Authorization": f"Bearer {access}"})
    assert me.status_code == 401 and me.json["message"] == "You have signed out; sign in again."
    # a stolen copy of the refresh cookie is refused too
    client.set_cookie("refresh_token_cookie", old_refresh, path="/api/auth")
    assert client.post("/api/auth/refresh", headers={"X-CSRF-TOKEN": csrf}).status_code == 401


def test_expired_access_token_is_refused_with_a_message(app, client, make_user):
    user_id = make_user()
    token = pyjwt.encode({"sub": str(user_id), "type": "access", "jti": "x", "fresh": False,
                          "iat": 1, "nbf": 1, "exp": int(datetime.now(UTC).timestamp()) - 1},
                         app.config["SECRET_KEY"], algorithm="HS256")
    response = client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json == {"code": 401, "status": "Unauthorized", "message": "The token has expired."}


def test_me_can_change_language_and_name(client, make_user, auth_headers):
    user_id = make_user()
    response = client.patch("/api/me", json={"language": "es", "display_name": "  Ana  "},
                            headers=auth_headers(user_id))
    assert response.status_code == 200
    assert response.json["user"]["language"] == "es" and response.json["user"]["display_name"] == "Ana"
    bad = client.patch("/api/me", json={"language": "fr"}, headers=auth_headers(user_id))
    assert bad.status_code == 422 and "language" in bad.json["errors"]["json"]
    # a name of spaces is no name: it was stripped after the length check and stored empty
    blank = client.patch("/api/me", json={"display_name": "   "}, headers=auth_headers(user_id))
    assert blank.status_code == 422 and "display_name" in blank.json["errors"]["json"]
    assert client.get("/api/me", headers=auth_headers(user_id)).json["user"]["display_name"] == "Ana"


@pytest.mark.parametrize(("proxies", "locked_out"), [(0, True), (1, False)])
def test_the_address_limit_trusts_x_forwarded_for_only_behind_a_configured_proxy(app, client, make_user, proxies,
                                                                                 locked_out):
    """Behind KIN_TRUSTED_PROXIES proxies, each client is counted by the address the proxy saw; without one, a
    header a client writes itself must not give it a fresh count (every guess comes from 127.0.0.1)."""
    from server import create_app

    behind = create_app({**app.config, "TRUSTED_PROXIES": proxies, "LOGIN_RATE_LIMIT": "3 per minute"})
    client = behind.test_client()
    statuses = [client.post("/api/auth/login", json={"email": f"x{n}@example.org", "password": "nope"},
                            headers={"X-Forwarded-For": f"203.0.113.{n}"}).status_code for n in range(5)]
    with behind.app_context():
        db.engine.dispose()
    assert statuses == ([401] * 3 + [429] * 2 if locked_out else [401] * 5)
