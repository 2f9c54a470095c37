"""``flask kin reset-link``: the operator's way back in for anyone, owners too."""

import re

from sqlalchemy import select

from server.auth.models import PasswordReset, ResetOrigin
from server.campaigns.models import Role
from server.extensions import db

NEW_PASSWORD = "a brand new passphrase"


def reset_link(runner, email):
    return runner.invoke(args=["kin", "reset-link", email])


def test_reset_link_prints_a_link_that_resets_an_owners_password(app, runner, client, make_campaign, make_member,
                                                                 login):
    owner = make_member(make_campaign(), Role.OWNER)
    result = reset_link(runner, owner.email.upper())
    assert result.exit_code == 0, result.output
    [token] = re.fullmatch(r"http://localhost/reset/([A-Za-z0-9_-]{43,})\n", result.output).groups()
    response = client.post("/api/auth/reset", json={"token": token, "password": NEW_PASSWORD})
    assert response.status_code == 200
    login(owner.email, NEW_PASSWORD)
    with app.app_context():
        row = db.session.execute(select(PasswordReset)).scalar_one()
        assert (row.origin, row.created_by_id, row.campaign_id) == (ResetOrigin.OPERATOR, None, None)


def test_reset_link_replaces_the_accounts_older_unused_link(runner, client, make_user):
    make_user(email="ana@example.org")
    old, new = (reset_link(runner, "ana@example.org").output.strip().rsplit("/", 1)[1] for _ in range(2))
    assert client.get(f"/api/auth/reset/{old}").json["state"] == "replaced"
    assert client.get(f"/api/auth/reset/{new}").json["state"] == "valid"


def test_reset_link_refuses_an_email_without_an_account(app, runner):
    result = reset_link(runner, "nobody@example.org")
    assert result.exit_code == 1
    assert "No account for nobody@example.org." in result.output
    with app.app_context():
        assert db.session.execute(select(PasswordReset)).first() is None


def test_reset_link_refuses_an_invalid_email_and_names_it(runner):
    result = reset_link(runner, "ana.example.org")
    assert result.exit_code == 2
    assert "EMAIL" in result.output and "e-mail" in result.output
