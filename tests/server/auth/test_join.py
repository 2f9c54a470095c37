from datetime import timedelta

import pytest
from sqlalchemy import select

from server.audit.models import AuditEvent
from server.auth.models import User
from server.campaigns.models import Invite, Membership, Role
from server.extensions import db
from tests.conftest import PASSWORD


def join(client, code, email="newcomer@example.org", password=PASSWORD, **extra):
    body = {"code": code, "email": email, "password": password, "display_name": "Newcomer", "language": "es", **extra}
    return client.post("/api/auth/join", json=body)


def test_join_creates_the_account_and_membership_in_the_invites_role(app, client, make_campaign, make_invite):
    campaign_id = make_campaign(name="Rivertown")
    invite = make_invite(campaign_id, role=Role.ORGANIZER)
    response = join(client, invite.code)
    assert response.status_code == 201
    assert response.json["user"]["language"] == "es"
    assert [(m["campaign"]["name"], m["role"]) for m in response.json["memberships"]] == [("Rivertown", "organizer")]
    assert client.get_cookie("refresh_token_cookie", path="/api/auth") is not None  # signed in straight away
    with app.app_context():
        assert db.session.get(Invite, invite.id).uses == 1
        event = db.session.execute(select(AuditEvent)).scalar_one()
        assert (event.action, event.details["role"]) == ("membership.joined", "organizer")


def test_invite_preview_shows_campaign_and_role(client, make_campaign, make_invite):
    invite = make_invite(make_campaign(name="Rivertown"))
    response = client.get(f"/api/invites/{invite.code}")
    assert response.status_code == 200
    assert response.json["campaign"]["name"] == "Rivertown" and response.json["role"] == "volunteer"


@pytest.mark.parametrize(("invite_args", "message"), [
    ({"expires_in": timedelta(seconds=-1)}, "This invite has expired."),
    ({"revoked": True}, "This invite has been withdrawn."),
])
def test_unusable_invites_answer_410_with_the_reason(client, make_campaign, make_invite, invite_args, message):
    invite = make_invite(make_campaign(), **invite_args)
    for response in (client.get(f"/api/invites/{invite.code}"), join(client, invite.code)):
        assert response.status_code == 410
        assert response.json["message"] == message


def test_an_invite_is_used_up_after_its_maximum_uses(app, client, make_campaign, make_invite):
    invite = make_invite(make_campaign(), max_uses=2)
    assert join(client, invite.code, email="one@example.org").status_code == 201
    assert join(client, invite.code, email="two@example.org").status_code == 201
    third = join(client, invite.code, email="three@example.org")
    assert third.status_code == 410 and third.json["message"] == "This invite has been used up."
    with app.app_context():  # the refused person got no account
        assert db.session.execute(select(User).where(User.email == "three@example.org")).first() is None


def test_unknown_code_is_404(client):
    assert join(client, "no-such-code").status_code == 404
    assert client.get("/api/invites/no-such-code").status_code == 404


def test_existing_account_joins_a_second_campaign_with_its_password(client, make_campaign, make_member, make_invite):
    member = make_member(make_campaign(name="First"))
    invite = make_invite(make_campaign(name="Second"))
    response = join(client, invite.code, email=member.email.upper())
    assert response.status_code == 201
    assert [m["campaign"]["name"] for m in response.json["memberships"]] == ["First", "Second"]


def test_existing_account_with_the_wrong_password_cannot_join(app, client, make_campaign, make_member, make_invite):
    member = make_member(make_campaign())
    invite = make_invite(make_campaign())
    response = join(client, invite.code, email=member.email, password="someone else's guess")
    assert response.status_code == 401
    # the answer sign-in gives a wrong password, word for word: it does not say the e-mail has an account
    login = client.post("/api/auth/login", json={"email": member.email, "password": "someone else's guess"})
    assert response.json == login.json
    assert login.json == {"code": 401, "status": "Unauthorized", "message": "Wrong e-mail or password."}
    with app.app_context():
        assert db.session.get(Invite, invite.id).uses == 0
        assert db.session.execute(select(Membership).where(Membership.user_id == member.user_id)).scalars().all()[0] \
            .campaign_id == member.campaign_id


def test_joining_twice_is_409_and_a_removed_member_cannot_rejoin(client, make_campaign, make_member, make_invite):
    campaign_id = make_campaign()
    member = make_member(campaign_id)
    removed = make_member(campaign_id, active=False)
    invite = make_invite(campaign_id, max_uses=10)
    assert join(client, invite.code, email=member.email).status_code == 409
    assert join(client, invite.code, email=removed.email).status_code == 403


def test_join_validation_names_each_bad_field(client, make_campaign, make_invite):
    invite = make_invite(make_campaign())
    response = join(client, invite.code, email="nope", password="short", language="fr", display_name=" \t ")
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"email", "password", "language", "display_name"}
    assert response.json["errors"]["json"]["password"] == ["Use at least 8 characters."]
    too_long = join(client, invite.code, password="p" * 257)
    assert too_long.json["errors"]["json"]["password"] == ["Use at most 256 characters."]


def test_join_is_rate_limited_per_address_with_retry_after(client, make_campaign, make_invite):
    invite = make_invite(make_campaign(), max_uses=100)
    statuses = [join(client, invite.code, email=f"p{n}@example.org", password="short").status_code for n in range(11)]
    assert statuses == [422] * 10 + [429]
    response = join(client, invite.code)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_join_and_sign_in_draw_on_one_limit_per_account(client, make_campaign, make_member, make_invite):
    """Guessing an account's password through join counts as sign-in guesses do, from any address."""
    member = make_member(make_campaign())
    invite = make_invite(make_campaign(), max_uses=100)
    statuses = []
    for n in range(11):
        address = {"REMOTE_ADDR": f"10.0.3.{n}"}
        if n % 2:
            body = {"code": invite.code, "email": member.email, "password": "a wrong guess", "display_name": "X"}
            statuses.append(client.post("/api/auth/join", json=body, environ_overrides=address).status_code)
        else:
            body = {"email": member.email.upper(), "password": "a wrong guess"}
            statuses.append(client.post("/api/auth/login", json=body, environ_overrides=address).status_code)
    assert statuses == [401] * 10 + [429]
    right = client.post("/api/auth/join", json={"code": invite.code, "email": member.email, "password": PASSWORD,
                                                "display_name": "X"}, environ_overrides={"REMOTE_ADDR": "10.0.4.1"})
    assert right.status_code == 429
