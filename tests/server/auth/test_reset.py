"""Reset links that an organizer or owner makes for a member, and what using one does (docs/auth.md)."""

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from server.audit.models import AuditEvent
from server.auth.models import PasswordReset
from server.campaigns.models import Role
from server.columns import utcnow
from server.extensions import db
from tests.conftest import PASSWORD

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def make_link(client, auth_headers):
    """As ``actor``, ask for a reset link for the membership ``target_id``; returns the response."""

    def make(actor, target_id, campaign_id=None):
        return client.post(f"/api/campaigns/{campaign_id or actor.campaign_id}/members/{target_id}/reset-link",
                           headers=auth_headers(actor.user_id))

    return make


@pytest.fixture
def link_for(make_campaign, make_member, make_link):
    """A fresh campaign's owner makes a link for a new volunteer there; returns (volunteer, token)."""

    def make(**volunteer):
        campaign_id = make_campaign()
        owner = make_member(campaign_id, Role.OWNER)
        member = make_member(campaign_id, Role.VOLUNTEER, **volunteer)
        response = make_link(owner, member.id)
        assert response.status_code == 201, response.json
        return member, response.json["token"]

    return make


def reset(client, token, password=NEW_PASSWORD, **environ):
    return client.post("/api/auth/reset", json={"token": token, "password": password}, environ_overrides=environ)


def expire(app, token):
    with app.app_context():
        db.session.execute(update(PasswordReset).where(PasswordReset.token_hash == hashlib.sha256(
            token.encode()).hexdigest()).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()


# making a link


def test_an_organizer_makes_a_link_that_greets_the_volunteer_by_name(client, make_user, make_campaign, make_member,
                                                                      make_link):
    campaign_id = make_campaign()
    organizer = make_member(campaign_id, Role.ORGANIZER)
    volunteer = make_member(campaign_id, user_id=make_user(display_name="Ana"))
    response = make_link(organizer, volunteer.id)
    assert response.status_code == 201
    token = response.json["token"]
    assert response.json["url"] == f"http://localhost/reset/{token}"
    assert len(token) >= 43  # 256 random bits
    state = client.get(f"/api/auth/reset/{token}")
    assert state.status_code == 200
    # the display name to greet them, and nothing else about the account
    assert state.json == {"state": "valid", "display_name": "Ana", "expires_at": response.json["expires_at"]}
    page = client.get(f"/reset/{token}")  # the PWA's shell opens the link
    page.close()
    assert page.status_code == 200


def test_a_link_works_for_24_hours_by_default(app, link_for):
    member, token = link_for()
    with app.app_context():
        row = db.session.execute(select(PasswordReset)).scalar_one()
        assert timedelta(hours=23, minutes=59) < row.expires_at - utcnow() <= timedelta(hours=24)


@pytest.mark.parametrize(("actor", "target", "status"), [
    (Role.ORGANIZER, Role.VOLUNTEER, 201),
    (Role.ORGANIZER, Role.ORGANIZER, 403),
    (Role.ORGANIZER, Role.OWNER, 403),
    (Role.OWNER, Role.VOLUNTEER, 201),
    (Role.OWNER, Role.ORGANIZER, 201),
    (Role.OWNER, Role.OWNER, 403),  # an owner's link comes from the server's operator only
    (Role.VOLUNTEER, Role.VOLUNTEER, 403),
])
def test_the_role_rule_never_hands_over_a_role_at_or_above_the_makers(make_campaign, make_member, make_link, actor,
                                                                      target, status):
    campaign_id = make_campaign()
    assert make_link(make_member(campaign_id, actor), make_member(campaign_id, target).id).status_code == status


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.OWNER])
def test_nobody_makes_a_link_for_themselves(make_campaign, make_member, make_link, role):
    me = make_member(make_campaign(), role)
    response = make_link(me, me.id)
    assert response.status_code == 403 and "yourself" in response.json["message"]


def test_another_campaigns_member_and_a_removed_member_get_a_strangers_404(make_campaign, make_member, make_link):
    campaign_id = make_campaign()
    owner = make_member(campaign_id, Role.OWNER)
    elsewhere = make_member(make_campaign(), Role.VOLUNTEER)
    removed = make_member(campaign_id, Role.VOLUNTEER, active=False)
    stranger = make_link(owner, 2_000_000)
    assert stranger.status_code == 404
    for target in (elsewhere, removed):
        response = make_link(owner, target.id)
        assert (response.status_code, response.json) == (404, stranger.json)


def test_a_member_of_another_campaign_cannot_make_one_through_this_campaign(make_campaign, make_member, make_link):
    volunteer = make_member(make_campaign(), Role.VOLUNTEER)
    organizer_elsewhere = make_member(make_campaign(), Role.ORGANIZER)
    assert make_link(organizer_elsewhere, volunteer.id, campaign_id=volunteer.campaign_id).status_code == 404


@pytest.mark.parametrize(("role_there", "maker_there", "active_there", "status"), [
    (Role.ORGANIZER, None, True, 403),  # an organizer elsewhere: the link would open that campaign as organizer
    (Role.VOLUNTEER, None, True, 403),  # a campaign the maker has no part in
    (Role.VOLUNTEER, None, False, 403),  # removed there, but reactivating them would hand it over
    (Role.ORGANIZER, Role.ORGANIZER, True, 403),  # there too, the maker does not outrank them
    (Role.VOLUNTEER, Role.ORGANIZER, True, 201),  # the maker could make the link there as well
    (Role.ORGANIZER, Role.OWNER, True, 201),
])
def test_a_link_needs_the_makers_reach_in_every_campaign_of_the_account(make_campaign, make_member, make_link,
                                                                        role_there, maker_there, active_there,
                                                                        status):
    """A new password opens every campaign of the account, so the maker must be able to make it in each."""
    here, there = make_campaign(), make_campaign()
    organizer = make_member(here, Role.ORGANIZER)
    volunteer = make_member(here, Role.VOLUNTEER)
    make_member(there, role_there, user_id=volunteer.user_id, active=active_there)
    if maker_there is not None:
        make_member(there, maker_there, user_id=organizer.user_id)
    response = make_link(organizer, volunteer.id)
    assert response.status_code == status, response.json
    if status == 403:
        assert "operator" in response.json["message"]


def test_only_a_hash_of_the_token_is_stored(app, link_for):
    _member, token = link_for()
    with app.app_context():
        row = db.session.execute(select(PasswordReset)).scalar_one()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in {str(value) for value in row.__dict__.values()}


def test_making_and_using_a_link_are_in_the_campaigns_audit_log(app, client, make_campaign, make_member, make_link):
    campaign_id = make_campaign()
    owner = make_member(campaign_id, Role.OWNER)
    volunteer = make_member(campaign_id)
    assert reset(client, make_link(owner, volunteer.id).json["token"]).status_code == 200
    with app.app_context():
        events = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        assert [(e.action, e.actor_id) for e in events] == [("password_reset.created", owner.user_id),
                                                            ("password_reset.used", volunteer.user_id)]
        assert events[0].details == {"user_id": volunteer.user_id}


# using a link


def test_a_link_sets_the_new_password_and_signs_in_as_login_does(app, client, link_for, login):
    member, token = link_for()
    response = reset(client, token)
    assert response.status_code == 200
    assert set(response.json) == {"access_token", "user", "memberships"}  # a session, as sign-in answers
    assert response.json["user"]["email"] == member.email
    assert client.get_cookie("refresh_token_cookie", path="/api/auth") is not None
    me = client.get("/api/me", headers={"Authorization": f"Bearer {response.json['access_token']}"})
    assert me.status_code == 200
    assert client.post("/api/auth/login", json={"email": member.email, "password": PASSWORD}).status_code == 401
    login(member.email, NEW_PASSWORD)


def test_a_link_works_once(client, link_for):
    _member, token = link_for()
    assert reset(client, token).status_code == 200
    again = reset(client, token, "yet another passphrase")
    assert again.status_code == 410
    assert again.json["message"] == "This reset link has already been used. Ask for a new one if you need to."
    state = client.get(f"/api/auth/reset/{token}").json
    assert (state["state"], state["display_name"]) == ("used", None)


def test_an_expired_link_is_refused_and_says_so(app, client, link_for):
    _member, token = link_for()
    expire(app, token)
    state = client.get(f"/api/auth/reset/{token}").json
    assert (state["state"], state["display_name"]) == ("expired", None)
    response = reset(client, token)
    assert response.status_code == 410
    assert response.json["message"] == "This reset link has expired. Ask for a new one."


def test_a_new_link_replaces_the_older_unused_one(client, make_campaign, make_member, make_link, login):
    campaign_id = make_campaign()
    owner = make_member(campaign_id, Role.OWNER)
    volunteer = make_member(campaign_id)
    old = make_link(owner, volunteer.id).json["token"]
    new = make_link(owner, volunteer.id).json["token"]
    assert client.get(f"/api/auth/reset/{old}").json["state"] == "replaced"
    refused = reset(client, old)
    assert refused.status_code == 410
    assert refused.json["message"] == "A newer reset link was made for this account: use that one."
    assert reset(client, new).status_code == 200
    login(volunteer.email, NEW_PASSWORD)


def test_using_a_link_signs_out_every_other_session(app, link_for, login):
    member, token = link_for()
    phone = app.test_client()
    access = phone.post("/api/auth/login", json={"email": member.email, "password": PASSWORD}).json["access_token"]
    csrf = phone.get_cookie("csrf_refresh_token").value
    assert phone.post("/api/auth/refresh", headers={"X-CSRF-TOKEN": csrf}).status_code == 200

    laptop = app.test_client()
    signed_in = reset(laptop, token)
    assert signed_in.status_code == 200

    me = phone.get("/api/me", headers={"Authorization": f"Bearer {access}"})
    assert me.status_code == 401 and me.json["message"] == "You have signed out; sign in again."
    assert phone.post("/api/auth/refresh", headers={"X-CSRF-TOKEN": csrf}).status_code == 401
    # the session the reset started goes on: its access token, and its refresh cookie
    headers = {"Authorization": f"Bearer {signed_in.json['access_token']}"}
    assert laptop.get("/api/me", headers=headers).status_code == 200
    laptop_csrf = laptop.get_cookie("csrf_refresh_token").value
    assert laptop.post("/api/auth/refresh", headers={"X-CSRF-TOKEN": laptop_csrf}).status_code == 200


@pytest.mark.parametrize("token", ["no-such-token", "x" * 100, "not a token!", "\u00e9t\u00e9"])
def test_an_unknown_token_is_404(client, token):
    for response in (client.get(f"/api/auth/reset/{token}"), reset(client, token)):
        assert response.status_code == 404
        assert response.json["message"] == "This reset link is not valid. Ask for a new one."


def test_a_token_longer_than_any_link_is_422(client):
    response = reset(client, "x" * 101)
    assert response.status_code == 422 and "token" in response.json["errors"]["json"]


def test_the_new_password_follows_the_join_rules_and_a_refused_one_spends_nothing(client, link_for):
    _member, token = link_for()
    response = reset(client, token, "seven77")
    assert response.status_code == 422
    assert response.json["errors"]["json"]["password"] == ["Use at least 8 characters."]
    assert client.get(f"/api/auth/reset/{token}").json["state"] == "valid"


def test_token_attempts_are_rate_limited_per_address(app, client, link_for):
    app.config["RESET_TOKEN_RATE_LIMIT"] = "3 per minute"
    _member, token = link_for()
    statuses = [client.get("/api/auth/reset/guess-1").status_code, reset(client, "guess-2").status_code,
                client.get("/api/auth/reset/guess-3").status_code, reset(client, token).status_code]
    assert statuses == [404, 404, 404, 429]
    assert 0 < int(reset(client, token).headers["Retry-After"]) <= 60
    # another address has its own count
    assert reset(client, token, REMOTE_ADDR="10.0.0.9").status_code == 200


# asking by e-mail on a server without a mail relay


def test_without_a_mail_relay_the_app_learns_to_send_people_to_an_organizer(client):
    assert client.get("/api/auth/reset-request").json == {"by_email": False, "expires_in_hours": 24}


@pytest.mark.parametrize("email", ["ana@example.org", "nobody@example.org"])
def test_without_a_mail_relay_a_request_is_409_whoever_asks(client, make_user, email):
    make_user(email="ana@example.org")
    response = client.post("/api/auth/reset-request", json={"email": email})
    assert response.status_code == 409
    assert response.json == {"code": 409, "status": "Conflict", "message": (
        "This server cannot send e-mail. Ask an organizer of your campaign to make you a reset link.")}

