import threading

import pytest
from sqlalchemy import select

from server.audit.models import AuditEvent
from server.campaigns.models import Membership, Role
from server.extensions import db


@pytest.fixture
def team(make_campaign, make_member):
    campaign_id = make_campaign()
    return {"campaign_id": campaign_id, **{role: make_member(campaign_id, role) for role in Role},
            "volunteer2": make_member(campaign_id)}


def patch(client, auth_headers, actor, member, **body):
    return client.patch(f"/api/campaigns/{member.campaign_id}/members/{member.id}", json=body,
                        headers=auth_headers(actor.user_id))


def audit_actions(app):
    with app.app_context():
        events = db.session.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()
        return [(e.action, e.details) for e in events]


def test_owner_promotes_a_volunteer_and_it_is_audited(app, client, auth_headers, team):
    response = patch(client, auth_headers, team[Role.OWNER], team["volunteer2"], role="organizer")
    assert response.status_code == 200 and response.json["role"] == "organizer"
    assert audit_actions(app) == [("membership.role_changed",
                                   {"user_id": team["volunteer2"].user_id, "old": "volunteer", "new": "organizer"})]


def test_organizer_removes_a_volunteer_who_then_loses_access(app, client, auth_headers, team):
    volunteer = team[Role.VOLUNTEER]
    assert patch(client, auth_headers, team[Role.ORGANIZER], volunteer, active=False).status_code == 200
    campaign = client.get(f"/api/campaigns/{team['campaign_id']}", headers=auth_headers(volunteer.user_id))
    assert campaign.status_code == 404
    me = client.get("/api/me", headers=auth_headers(volunteer.user_id)).json
    assert me["memberships"][0]["active"] is False
    assert audit_actions(app)[0][0] == "membership.deactivated"


@pytest.mark.parametrize(("target", "change"), [
    ("volunteer2", {"role": "organizer"}),
    (Role.ORGANIZER, {"active": False}),
    (Role.OWNER, {"role": "volunteer"}),
])
def test_organizers_manage_only_volunteers(app, client, auth_headers, team, target, change):
    response = patch(client, auth_headers, team[Role.ORGANIZER], team[target], **change)
    assert response.status_code == 403
    assert audit_actions(app) == []


def test_the_last_active_owner_cannot_step_down(client, auth_headers, team, make_member):
    owner = team[Role.OWNER]
    response = patch(client, auth_headers, owner, owner, role="organizer")
    assert response.status_code == 409 and "owner" in response.json["message"]
    make_member(team["campaign_id"], Role.OWNER)
    assert patch(client, auth_headers, owner, owner, role="organizer").status_code == 200


def test_member_list_is_only_this_campaigns_members(client, auth_headers, team, make_campaign, make_member):
    make_member(make_campaign(name="Elsewhere"))
    response = client.get(f"/api/campaigns/{team['campaign_id']}/members",
                          headers=auth_headers(team[Role.OWNER].user_id))
    assert sorted(m["id"] for m in response.json) == sorted(m.id for m in team.values() if hasattr(m, "id"))


def test_bad_role_names_the_field(client, auth_headers, team):
    response = patch(client, auth_headers, team[Role.OWNER], team["volunteer2"], role="admin")
    assert response.status_code == 422 and "role" in response.json["errors"]["json"]


def test_a_volunteer_leaves_the_campaign_and_it_is_audited(app, client, auth_headers, team):
    volunteer = team[Role.VOLUNTEER]
    headers = auth_headers(volunteer.user_id)
    assert client.delete(f"/api/campaigns/{team['campaign_id']}/membership", headers=headers).status_code == 204
    assert client.get(f"/api/campaigns/{team['campaign_id']}", headers=headers).status_code == 404
    assert client.get("/api/me", headers=headers).json["memberships"][0]["active"] is False
    assert audit_actions(app) == [("membership.left", {"user_id": volunteer.user_id})]


def test_the_last_owner_cannot_leave(client, auth_headers, team):
    owner = team[Role.OWNER]
    response = client.delete(f"/api/campaigns/{team['campaign_id']}/membership", headers=auth_headers(owner.user_id))
    assert response.status_code == 409
    assert "owner" in response.json["message"]



def demote(target):
    return lambda client, headers, actor, other: patch(client, headers, actor, other if target == "other" else actor,
                                                       role="organizer")


def remove(client, headers, actor, other):
    return patch(client, headers, actor, other, active=False)


def leave(client, headers, actor, _other):
    return client.delete(f"/api/campaigns/{actor.campaign_id}/membership", headers=headers(actor.user_id))


@pytest.mark.parametrize(("first", "second"), [
    (demote("other"), demote("other")), (remove, remove), (demote("other"), remove), (leave, leave),
    (leave, demote("self")), (leave, remove)], ids=["demote-demote", "remove-remove", "demote-remove", "leave-leave",
                                                    "leave-step-down", "leave-remove"])
def test_two_owners_taking_each_others_place_at_once_leave_an_owner(app, auth_headers, make_campaign, make_member,
                                                                    first, second):
    """Two changes start together, each while the other owner is still there; without a lock both went through
    and the campaign had no owner left (10 times in 13 when probed over HTTP)."""
    for attempt in range(12):
        campaign_id = make_campaign(name=f"Race {attempt}")
        one, two = make_member(campaign_id, Role.OWNER), make_member(campaign_id, Role.OWNER)
        start = threading.Barrier(2)
        answers = []

        def act(change, actor, other, start=start, answers=answers):
            client = app.test_client()
            start.wait()
            answers.append(change(client, auth_headers, actor, other).status_code)

        threads = [threading.Thread(target=act, args=(first, one, two)),
                   threading.Thread(target=act, args=(second, two, one))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with app.app_context():
            owners = db.session.execute(select(Membership).where(
                Membership.campaign_id == campaign_id, Membership.role == Role.OWNER,
                Membership.active.is_(True))).scalars().all()
        assert len(owners) >= 1, f"attempt {attempt}: answers {answers}"
        if second is not remove or first is not leave:  # removing someone who is leaving anyway is no conflict
            # the loser is refused (403, 409), or was removed first and so is a stranger to the campaign (404)
            refused = (403, 404, 409) if remove in (first, second) else (403, 409)
            assert sorted(answers)[1] in refused, f"attempt {attempt}: answers {answers}"
