from datetime import UTC, datetime, timedelta

import pytest

from server.campaigns.models import Role


@pytest.fixture
def team(make_campaign, make_member):
    campaign_id = make_campaign()
    return {"campaign_id": campaign_id, **{role: make_member(campaign_id, role) for role in Role}}


def create(client, auth_headers, team, actor, **body):
    return client.post(f"/api/campaigns/{team['campaign_id']}/invites", json=body,
                       headers=auth_headers(team[actor].user_id))


def test_organizer_creates_a_volunteer_invite_link(client, auth_headers, team):
    response = create(client, auth_headers, team, Role.ORGANIZER, max_uses=25, days=3)
    assert response.status_code == 201
    invite = response.json
    assert invite["url"] == f"http://localhost/join/{invite['code']}"
    assert (invite["role"], invite["max_uses"], invite["uses"]) == ("volunteer", 25, 0)
    expires = datetime.fromisoformat(invite["expires_at"])
    assert timedelta(days=3) - timedelta(minutes=1) < expires - datetime.now(UTC) <= timedelta(days=3)
    assert len(invite["code"]) >= 20  # unguessable


def test_only_owners_invite_organizers(client, auth_headers, team):
    assert create(client, auth_headers, team, Role.ORGANIZER, role="organizer").status_code == 403
    assert create(client, auth_headers, team, Role.OWNER, role="organizer").status_code == 201


def test_withdrawn_invite_stops_working(client, auth_headers, team):
    invite = create(client, auth_headers, team, Role.ORGANIZER).json
    headers = auth_headers(team[Role.ORGANIZER].user_id)
    withdrawn = client.delete(f"/api/campaigns/{team['campaign_id']}/invites/{invite['id']}", headers=headers)
    assert withdrawn.status_code == 204
    assert client.get(f"/api/invites/{invite['code']}").status_code == 410
    listed = client.get(f"/api/campaigns/{team['campaign_id']}/invites", headers=headers).json
    assert listed[0]["revoked_at"] is not None
    audit = client.get(f"/api/campaigns/{team['campaign_id']}/audit-events",
                       headers=auth_headers(team[Role.OWNER].user_id)).json
    assert [e["action"] for e in audit] == ["invite.revoked", "invite.created"]


def test_invite_limits_are_validated(client, auth_headers, team):
    response = create(client, auth_headers, team, Role.OWNER, max_uses=0, days=365)
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"max_uses", "days"}
