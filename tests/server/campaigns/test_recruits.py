"""A volunteer's own recruit link, joining through it, and the recruitment tree organizers read."""

import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from server.audit.models import AuditEvent
from server.campaigns.models import Invite, Membership, Role
from server.canvass.models import Household
from server.columns import utcnow
from server.extensions import db
from tests.server.auth.test_join import join
from tests.server.canvass.test_turfs import add_voters
from tests.server.sync.conftest import Phone


@pytest.fixture
def team(make_campaign, make_member):
    campaign_id = make_campaign(name="Rivertown")
    return {"campaign_id": campaign_id, **{role: make_member(campaign_id, role) for role in Role}}


def recruit_link(client, auth_headers, member):
    return client.post(f"/api/campaigns/{member.campaign_id}/recruit-link", headers=auth_headers(member.user_id))


def tree(client, auth_headers, member, campaign_id=None):
    return client.get(f"/api/campaigns/{campaign_id or member.campaign_id}/recruits",
                      headers=auth_headers(member.user_id))


def test_joining_through_a_recruit_link_records_the_recruiter_and_joins_as_a_volunteer(
        app, client, auth_headers, team):
    volunteer = team[Role.VOLUNTEER]
    link = recruit_link(client, auth_headers, volunteer)
    assert link.status_code == 200
    assert link.json["url"] == f"http://localhost/join/{link.json['code']}" and len(link.json["code"]) >= 20
    preview = client.get(f"/api/invites/{link.json['code']}")
    assert (preview.json["campaign"]["name"], preview.json["role"]) == ("Rivertown", "volunteer")

    joined = join(client, link.json["code"], email="recruit@example.org")
    assert joined.status_code == 201
    assert [(m["campaign"]["name"], m["role"]) for m in joined.json["memberships"]] == [("Rivertown", "volunteer")]
    with app.app_context():
        recruit = db.session.execute(select(Membership).where(Membership.user.has(email="recruit@example.org"))
                                     ).scalar_one()
        assert recruit.recruited_by_id == volunteer.id
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "membership.joined")).scalar_one()
        assert event.details["recruited_by"] == volunteer.id


def test_the_phone_gets_the_same_link_until_it_runs_low(app, client, auth_headers, team):
    volunteer = team[Role.VOLUNTEER]
    first = recruit_link(client, auth_headers, volunteer).json
    assert recruit_link(client, auth_headers, volunteer).json["code"] == first["code"]
    with app.app_context():  # a third of its days left: the phone is given a fresh one, the old one still works
        db.session.execute(update(Invite).values(expires_at=utcnow() + timedelta(days=20)))
        db.session.commit()
    second = recruit_link(client, auth_headers, volunteer).json
    assert second["code"] != first["code"]
    assert client.get(f"/api/invites/{first['code']}").status_code == 200


def test_each_member_has_a_link_of_their_own(client, auth_headers, team, make_member):
    other = make_member(team["campaign_id"])
    codes = {recruit_link(client, auth_headers, member).json["code"] for member in (team[Role.VOLUNTEER], other)}
    assert len(codes) == 2


def test_recruit_links_are_not_in_the_organizers_invite_list(client, auth_headers, team):
    recruit_link(client, auth_headers, team[Role.VOLUNTEER])
    invites = client.get(f"/api/campaigns/{team['campaign_id']}/invites",
                         headers=auth_headers(team[Role.ORGANIZER].user_id))
    assert invites.status_code == 200 and invites.json == []


def test_turning_recruiting_off_refuses_the_links_already_handed_out(client, auth_headers, team):
    volunteer, owner = team[Role.VOLUNTEER], team[Role.OWNER]
    code = recruit_link(client, auth_headers, volunteer).json["code"]
    settings = client.patch(f"/api/campaigns/{team['campaign_id']}", json={"volunteer_recruiting": False},
                            headers=auth_headers(owner.user_id))
    assert settings.status_code == 200 and settings.json["volunteer_recruiting"] is False
    message = ("This campaign does not take new volunteers through volunteers' links; ask an organizer for an "
               "invite.")
    for refused in (client.get(f"/api/invites/{code}"), join(client, code)):
        assert refused.status_code == 410 and refused.json["message"] == message
    again = recruit_link(client, auth_headers, volunteer)
    assert again.status_code == 409 and again.json["message"] == message


def test_organizers_cannot_turn_recruiting_off(client, auth_headers, team):
    response = client.patch(f"/api/campaigns/{team['campaign_id']}", json={"volunteer_recruiting": False},
                            headers=auth_headers(team[Role.ORGANIZER].user_id))
    assert response.status_code == 403


def test_a_removed_recruiters_link_is_withdrawn(client, auth_headers, team):
    volunteer = team[Role.VOLUNTEER]
    code = recruit_link(client, auth_headers, volunteer).json["code"]
    removed = client.patch(f"/api/campaigns/{team['campaign_id']}/members/{volunteer.id}", json={"active": False},
                           headers=auth_headers(team[Role.ORGANIZER].user_id))
    assert removed.status_code == 200
    refused = join(client, code)
    assert refused.status_code == 410 and refused.json["message"] == "This invite has been withdrawn."


def test_the_tree_names_each_members_recruiter_and_counts_their_recruits(client, auth_headers, team):
    volunteer = team[Role.VOLUNTEER]
    code = recruit_link(client, auth_headers, volunteer).json["code"]
    first = join(client, code, email="first@example.org", display_name="First")
    join(client, code, email="second@example.org", display_name="Second")
    # a recruit recruits in turn
    first_member = next(m for m in tree(client, auth_headers, team[Role.ORGANIZER]).json["members"]
                        if m["display_name"] == "First")
    grand_code = client.post(f"/api/campaigns/{team['campaign_id']}/recruit-link",
                             headers={"Authorization": f"Bearer {first.json['access_token']}"}).json["code"]
    join(client, grand_code, email="third@example.org")

    members = tree(client, auth_headers, team[Role.ORGANIZER]).json["members"]
    by_id = {member["id"]: member for member in members}
    assert by_id[volunteer.id]["recruits"] == 2 and by_id[volunteer.id]["recruited_by_id"] is None
    recruits = [member for member in members if member["recruited_by_id"] == volunteer.id]
    assert len(recruits) == 2 and {member["role"] for member in recruits} == {"volunteer"}
    assert by_id[first_member["id"]]["recruits"] == 1
    third = [member for member in members if member["recruited_by_id"] == first_member["id"]]
    assert len(third) == 1 and third[0]["recruits"] == 0
    assert team[Role.OWNER].id not in by_id  # who neither recruited nor was recruited: the members list has them


def test_volunteers_cannot_read_the_tree(client, auth_headers, team):
    assert tree(client, auth_headers, team[Role.VOLUNTEER]).status_code == 403


def test_an_organizer_cannot_read_another_campaigns_tree(app, client, auth_headers, team, make_campaign,
                                                         make_member):
    other = make_campaign(name="Elsewhere")
    outsider = make_member(other, Role.VOLUNTEER)
    join(client, recruit_link(client, auth_headers, outsider).json["code"], email="theirs@example.org")
    join(client, recruit_link(client, auth_headers, team[Role.VOLUNTEER]).json["code"], email="ours@example.org")
    with app.app_context():
        recruit = db.session.execute(select(Membership.id).where(Membership.user.has(email="ours@example.org"))
                                     ).scalar_one()
    assert tree(client, auth_headers, team[Role.ORGANIZER], campaign_id=other).status_code == 404
    ours = tree(client, auth_headers, team[Role.ORGANIZER]).json["members"]
    assert [member["id"] for member in ours] == [team[Role.VOLUNTEER].id, recruit]  # none of the other campaign's


def test_the_tree_counts_each_members_door_visits_that_invited_someone(app, client, auth_headers, team):
    """Through a real push: the read model follows agreed_to, an edit that takes "invited" back, and a deletion."""
    volunteer = team[Role.VOLUNTEER]
    add_voters(app, team["campaign_id"])
    with app.app_context():
        doors = [str(public_id) for public_id in db.session.execute(
            select(Household.public_id).where(Household.campaign_id == team["campaign_id"])
            .order_by(Household.id)).scalars()][:4]
    phone = Phone(client, auth_headers(volunteer.user_id), team["campaign_id"])
    ids = [str(uuid.uuid4()) for _ in doors]
    agreed = [["invited"], ["stay_in_touch", "invited"], ["stay_in_touch"], ["invited"]]
    answer = phone.push(*(phone.op("door_visit", entity_id, {
        "household_id": door, "result": "talked", "agreed_to": agreed_to, "happened_at": "2026-10-01T10:00:00Z"})
        for entity_id, door, agreed_to in zip(ids, doors, agreed, strict=True)))
    assert {r["status"] for r in answer.json["results"]} == {"applied"}, answer.json
    members = {m["id"]: m for m in tree(client, auth_headers, team[Role.ORGANIZER]).json["members"]}
    assert members[volunteer.id]["invited_at_doors"] == 3
    answer = phone.push(phone.op("door_visit", ids[3], {"agreed_to": []}),  # changed their mind
                        phone.op("door_visit", ids[0], action="delete"))
    assert {r["status"] for r in answer.json["results"]} == {"applied"}, answer.json

    members = {m["id"]: m for m in tree(client, auth_headers, team[Role.ORGANIZER]).json["members"]}
    assert members[volunteer.id]["invited_at_doors"] == 1
    assert team[Role.OWNER].id not in members
