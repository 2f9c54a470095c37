"""``flask kin ...``: what an operator types to set Kin up, and what they get back."""

import re
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from oprf import evaluate
from server.auth.models import User
from server.campaigns.models import Campaign, Invite, Membership
from server.demo import ACCOUNTS, CAMPAIGN
from server.extensions import db
from server.matching.inputs import email_input, phone_input
from server.matching.keys import active_key, secret_key
from server.matching.models import MatchTag
from server.voters.models import IdentifierKind, Voter, VoterIdentifier

PASSWORD = "correct horse battery"


def count(app, model) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def create_user(runner, email="ana@example.org", password=PASSWORD, *extra):
    return runner.invoke(args=["kin", "create-user", email, "--name", "Ana", "--password", password, *extra])


# create-user


def test_create_user_makes_an_account_that_can_sign_in_with_its_normalised_email(runner, client):
    result = create_user(runner, " Ana@Example.ORG ")
    assert result.exit_code == 0, result.output
    assert "ana@example.org" in result.output
    response = client.post("/api/auth/login", json={"email": "ana@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json["user"]["email"] == "ana@example.org"
    assert response.json["user"]["display_name"] == "Ana"


def test_create_user_refuses_an_email_that_already_has_an_account(app, runner):
    assert create_user(runner, "ana@example.org").exit_code == 0
    result = create_user(runner, "ANA@example.org", "another password")
    assert result.exit_code != 0
    assert "ana@example.org already exists" in result.output
    assert count(app, User) == 1


def test_create_user_refuses_an_invalid_email(app, runner):
    result = create_user(runner, "ana.example.org")
    assert result.exit_code != 0
    assert "EMAIL" in result.output and "e-mail" in result.output
    assert count(app, User) == 0


def test_create_user_refuses_a_password_shorter_than_8_characters(app, runner):
    result = create_user(runner, "ana@example.org", "seven77")
    assert result.exit_code != 0
    assert "--password" in result.output and "8 characters" in result.output
    assert count(app, User) == 0


# create-campaign


def test_create_campaign_makes_the_owner_an_owner_member(runner, client, make_user, auth_headers):
    owner = make_user(email="owner@example.org")
    result = runner.invoke(args=["kin", "create-campaign", "Durham for All", "--owner", " Owner@Example.org",
                                 "--region", "ca", "--time-zone", "America/Toronto", "--election-day", "2026-11-03"])
    assert result.exit_code == 0, result.output

    memberships = client.get("/api/me", headers=auth_headers(owner)).json["memberships"]
    assert [(m["campaign"]["name"], m["role"], m["active"]) for m in memberships] == [("Durham for All", "owner", True)]
    campaign = memberships[0]["campaign"]
    assert campaign["time_zone"] == "America/Toronto"
    assert campaign["election_day"] == "2026-11-03"
    settings = client.get(f"/api/campaigns/{campaign['id']}", headers=auth_headers(owner)).json
    assert settings["phone_region"] == "CA"


def test_create_campaign_defaults_to_us_eastern_without_an_election_day(runner, client, make_user, auth_headers):
    owner = make_user(email="owner@example.org")
    assert runner.invoke(args=["kin", "create-campaign", "Durham", "--owner", "owner@example.org"]).exit_code == 0
    campaign = client.get("/api/me", headers=auth_headers(owner)).json["memberships"][0]["campaign"]
    settings = client.get(f"/api/campaigns/{campaign['id']}", headers=auth_headers(owner)).json
    assert (settings["phone_region"], settings["time_zone"], settings["election_day"]) == \
        ("US", "America/New_York", None)


def test_create_campaign_refuses_an_owner_without_an_account(app, runner):
    result = runner.invoke(args=["kin", "create-campaign", "Durham", "--owner", "nobody@example.org"])
    assert result.exit_code != 0
    assert "nobody@example.org" in result.output
    assert count(app, Campaign) == 0


@pytest.mark.parametrize(("option", "value", "named"), [
    ("--time-zone", "Mars/Olympus", r"time[ _-]zone"),
    ("--region", "ZZ", r"region"),
    ("--election-day", "2026-13-45", r"election[ _-]day"),
    ("--election-day", "11/03/2026", r"election[ _-]day"),
], ids=["unknown-time-zone", "unknown-region", "impossible-date", "us-style-date"])
def test_create_campaign_refuses_a_bad_setting_and_names_it(app, runner, make_user, option, value, named):
    make_user(email="owner@example.org")
    result = runner.invoke(args=["kin", "create-campaign", "Durham", "--owner", "owner@example.org", option, value])
    assert result.exit_code != 0
    assert re.search(named, result.output, re.IGNORECASE), result.output
    assert count(app, Campaign) == 0
    assert count(app, Membership) == 0


# invite


def invite(runner, campaign_id, *extra):
    return runner.invoke(args=["kin", "invite", "--campaign", str(campaign_id), *extra])


def join(client, code, email):
    return client.post("/api/auth/join", json={"code": code, "email": email, "password": PASSWORD,
                                               "display_name": "Newcomer", "language": "es"})


def test_invite_prints_a_join_link_that_works(runner, client, make_campaign):
    campaign_id = make_campaign()
    result = invite(runner, campaign_id, "--role", "organizer", "--max-uses", "3")
    assert result.exit_code == 0, result.output
    link = re.fullmatch(r"http://localhost/join/(?P<code>[A-Za-z0-9_-]+)", result.output.strip())
    assert link, result.output

    response = join(client, link["code"], "newcomer@example.org")
    assert response.status_code == 201, response.json
    assert [(m["campaign"]["id"], m["role"]) for m in response.json["memberships"]] == [(campaign_id, "organizer")]
    assert response.json["user"]["language"] == "es"


def test_invite_link_works_as_many_times_as_max_uses(runner, client, make_campaign):
    code = invite(runner, make_campaign(), "--max-uses", "3").output.strip().rsplit("/", 1)[1]
    assert [join(client, code, f"person{n}@example.org").status_code for n in range(4)] == [201, 201, 201, 410]


def test_invite_is_for_a_volunteer_used_once_unless_told(app, runner, make_campaign):
    assert invite(runner, make_campaign()).exit_code == 0
    with app.app_context():
        created = db.session.execute(select(Invite)).scalar_one()
        assert (created.role.value, created.max_uses) == ("volunteer", 1)


def test_invite_refuses_an_unknown_campaign(app, runner):
    result = invite(runner, 999_999)
    assert result.exit_code != 0
    assert "999999" in result.output
    assert count(app, Invite) == 0


# demo


def demo(runner, voters=200):
    result = runner.invoke(args=["kin", "demo", "--voters", str(voters)])
    assert result.exit_code == 0, result.output
    return result


def demo_counts(app) -> dict:
    return {model.__name__: count(app, model) for model in (Campaign, User, Membership, Voter, VoterIdentifier)}


def first_voters(app, n=10) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            select(Voter.external_id, Voter.first_name, Voter.last_name, Voter.street).order_by(Voter.external_id)
            .limit(n)).all()


def wipe(app):
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(delete(table))
        db.session.commit()


def test_demo_creates_the_demo_campaign_with_the_voters_asked_for(app, runner):
    demo(runner)
    with app.app_context():
        campaign = db.session.execute(select(Campaign).where(Campaign.name == CAMPAIGN)).scalar_one()
        voters = db.session.execute(select(func.count()).where(Voter.campaign_id == campaign.id)).scalar_one()
        assert voters == 200


def test_demo_voters_have_e164_phones_and_lowercase_emails(app, runner):
    demo(runner)
    with app.app_context():
        identifiers = db.session.execute(select(VoterIdentifier.kind, VoterIdentifier.value)).all()
    phones = [value for kind, value in identifiers if kind is IdentifierKind.PHONE]
    emails = [value for kind, value in identifiers if kind is IdentifierKind.EMAIL]
    assert phones and emails
    assert all(re.fullmatch(r"\+1[2-9]\d{9}", phone) for phone in phones), phones
    assert all(email == email.lower() and "@" in email for email in emails), emails


def test_demo_prints_accounts_that_can_sign_in(runner, client):
    result = demo(runner)
    for email, password, _name, role in ACCOUNTS:
        assert re.search(rf"{re.escape(email)}\s+{re.escape(password)}\s+{role.value}", result.output), result.output
        response = client.post("/api/auth/login", json={"email": email, "password": password})
        assert response.status_code == 200, (email, response.json)
        assert [m["role"] for m in response.json["memberships"]] == [role.value]


def test_demo_run_twice_changes_nothing_and_still_prints_the_accounts(app, runner):
    demo(runner)
    before = demo_counts(app)
    result = demo(runner)
    assert demo_counts(app) == before
    assert before["Voter"] == 200 and before["Campaign"] == 1
    for email, password, _name, _role in ACCOUNTS:
        assert email in result.output and password in result.output


def test_demo_creates_the_same_voters_on_every_machine(app, runner):
    demo(runner)
    first = first_voters(app)
    wipe(app)
    demo(runner)
    assert first_voters(app) == first
    assert len({(v.first_name, v.last_name) for v in first}) > 1


def test_demo_writes_an_address_book_in_which_matching_finds_eight_voters(app, runner):
    """The demo's vCard: 8 voters of the demo campaign, written as a phone would, and 12 strangers; every voter
    identifier in it has a tag under the campaign key, which is what the phone will find."""
    result = demo(runner)
    path = Path(app.instance_path) / "demo-contacts.vcf"
    assert str(path) in result.output
    text = path.read_text(encoding="utf-8")
    assert text.count("BEGIN:VCARD") == 20
    with app.app_context():
        campaign = db.session.execute(select(Campaign).where(Campaign.name == CAMPAIGN)).scalar_one()
        sk = secret_key(active_key(campaign))
        tags = set(db.session.execute(select(MatchTag.tag)).scalars())
    found = set()
    for card in text.split("BEGIN:VCARD")[1:]:
        inputs = [phone_input(line.split(":", 1)[1], "US") for line in card.splitlines() if line.startswith("TEL")]
        inputs += [email_input(line.split(":", 1)[1]) for line in card.splitlines() if line.startswith("EMAIL")]
        if any(evaluate(sk, value.encode())[:16] in tags for value in inputs):
            found.add(card.split("FN:")[1].splitlines()[0])
    assert len(found) == 8


def test_matching_build_tags_the_identifiers_an_interrupted_import_left_untagged(app, runner, make_campaign):
    """An import or rotation killed after its voters committed leaves identifiers without tags: `matching build`
    tags exactly those, with the campaign key's F(k, x), and a second run has nothing left to do."""
    campaign_id = make_campaign()
    with app.app_context():
        voter = Voter(campaign_id=campaign_id, external_id="A1", first_name="Ana", last_name="Lopez",
                      search_name="ana lopez")
        voter.identifiers = [VoterIdentifier(campaign_id=campaign_id, kind=IdentifierKind.PHONE, value="+19195550101"),
                             VoterIdentifier(campaign_id=campaign_id, kind=IdentifierKind.EMAIL,
                                             value="ana@example.org")]
        db.session.add(voter)
        db.session.commit()
    assert count(app, MatchTag) == 0
    result = runner.invoke(args=["kin", "matching", "build", "--campaign", str(campaign_id)])
    assert result.exit_code == 0, result.output
    assert "Added 2 tags." in result.output
    with app.app_context():
        sk = secret_key(active_key(db.session.get(Campaign, campaign_id)))
        assert set(db.session.execute(select(MatchTag.tag)).scalars()) == {
            evaluate(sk, b"tel:+19195550101")[:16], evaluate(sk, b"mailto:ana@example.org")[:16]}
    again = runner.invoke(args=["kin", "matching", "build", "--campaign", str(campaign_id)])
    assert "Added 0 tags." in again.output and count(app, MatchTag) == 2


def test_matching_build_names_an_unknown_campaign(runner):
    result = runner.invoke(args=["kin", "matching", "build", "--campaign", "999"])
    assert result.exit_code != 0 and "No campaign with id 999" in result.output
