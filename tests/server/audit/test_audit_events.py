"""The audit trail as the console's Activity screen reads it: filtered by who, what kind and which days (in the
campaign's time zone), newest first, paged."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from server.audit.models import AuditEvent
from server.campaigns.models import Role
from server.extensions import db

NEW_YORK = ZoneInfo("America/New_York")

@pytest.fixture
def campaign(app, make_campaign, make_member):
    campaign_id = make_campaign(time_zone="America/New_York")
    team = {"id": campaign_id, **{role: make_member(campaign_id, role) for role in Role}}
    owner, organizer = team[Role.OWNER].user_id, team[Role.ORGANIZER].user_id
    # (action, actor, when in New York)
    for action, actor, when in [
        ("invite.created", organizer, datetime(2026, 10, 1, 9, 0)),
        ("invite.revoked", organizer, datetime(2026, 10, 1, 23, 30)),  # 03:30 UTC on Oct 2
        ("membership.role_changed", owner, datetime(2026, 10, 2, 12, 0)),
        ("inviter.odd", owner, datetime(2026, 10, 3, 12, 0)),  # shares a prefix with invite, not its kind
        ("password_reset.created", owner, datetime(2026, 10, 4, 12, 0)),
        ("passwordXreset.created", owner, datetime(2026, 10, 4, 13, 0)),  # '_' is no wildcard
    ]:
        with app.app_context():
            db.session.add(AuditEvent(campaign_id=campaign_id, actor_id=actor, action=action, target_type="invite",
                                      target_id="1", details={}, at=when.replace(tzinfo=NEW_YORK)))
            db.session.commit()
    return team

def actions(client, auth_headers, campaign, **query):
    response = client.get(f"/api/campaigns/{campaign['id']}/audit-events", query_string=query,
                          headers=auth_headers(campaign[Role.ORGANIZER].user_id))
    assert response.status_code == 200, response.json
    return [event["action"] for event in response.json]

def test_an_organizer_reads_every_event_newest_first(client, auth_headers, campaign):
    assert actions(client, auth_headers, campaign) == [
        "passwordXreset.created", "password_reset.created", "inviter.odd", "membership.role_changed",
        "invite.revoked", "invite.created"]

def test_a_kind_takes_its_actions_and_no_other(client, auth_headers, campaign):
    assert actions(client, auth_headers, campaign, action="invite") == ["invite.revoked", "invite.created"]
    assert actions(client, auth_headers, campaign, action="password_reset") == ["password_reset.created"]
    assert actions(client, auth_headers, campaign, action="invite.created") == ["invite.created"]

def test_events_by_one_person(client, auth_headers, campaign):
    assert actions(client, auth_headers, campaign, actor_id=campaign[Role.ORGANIZER].user_id) == [
        "invite.revoked", "invite.created"]

def test_days_are_the_campaigns_days(client, auth_headers, campaign):
    # 23:30 in New York on Oct 1 is Oct 2 in UTC: it belongs to Oct 1
    assert actions(client, auth_headers, campaign, since="2026-10-01", until="2026-10-01") == [
        "invite.revoked", "invite.created"]
    assert actions(client, auth_headers, campaign, since="2026-10-02", until="2026-10-03") == [
        "inviter.odd", "membership.role_changed"]
    assert actions(client, auth_headers, campaign, since="9999-12-31") == []
    assert len(actions(client, auth_headers, campaign, until="9999-12-31")) == 6

def test_pages_carry_the_total(client, auth_headers, campaign):
    response = client.get(f"/api/campaigns/{campaign['id']}/audit-events", query_string={"page_size": 2},
                          headers=auth_headers(campaign[Role.OWNER].user_id))
    assert len(response.json) == 2 and json.loads(response.headers["X-Pagination"])["total"] == 6

@pytest.mark.parametrize("action", ["invite.", "Invite", "invite.created.again", "a b", "x" * 33])
def test_a_malformed_kind_is_refused_naming_it(client, auth_headers, campaign, action):
    response = client.get(f"/api/campaigns/{campaign['id']}/audit-events", query_string={"action": action},
                          headers=auth_headers(campaign[Role.OWNER].user_id))
    assert response.status_code == 422 and "action" in response.json["errors"]["query"]

def test_a_volunteer_is_refused(client, auth_headers, campaign):
    response = client.get(f"/api/campaigns/{campaign['id']}/audit-events",
                          headers=auth_headers(campaign[Role.VOLUNTEER].user_id))
    assert response.status_code == 403
