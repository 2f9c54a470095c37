"""The console's volunteer page lists one volunteer's conversations with ``?volunteer_id=``: a query string's id is
text, which the strict id field refused (every such request was a 422)."""

import uuid

from server.campaigns.models import Role
from server.extensions import db
from server.sync_api.models import SyncRecord


def test_an_organizer_lists_one_volunteers_conversations(app, client, auth_headers, make_campaign, make_member):
    campaign_id = make_campaign()
    organizer, ana, ben = (make_member(campaign_id, role) for role in (Role.ORGANIZER, Role.VOLUNTEER, Role.VOLUNTEER))
    with app.app_context():
        for member in (ana, ben):
            values = {"channel": "door", "happened_at": "2026-10-01T10:00:00Z"}
            db.session.add(SyncRecord(campaign_id=campaign_id, entity="conversation", entity_id=uuid.uuid4(),
                                      owner_id=member.user_id, values=values, version=1, seq=1,
                                      stamps=dict.fromkeys(values, f"{1:015d}-00000-device")))
        db.session.commit()
    response = client.get(f"/api/campaigns/{campaign_id}/conversations", query_string={"volunteer_id": ana.user_id},
                          headers=auth_headers(organizer.user_id))
    assert response.status_code == 200, response.json
    assert [c["volunteer_id"] for c in response.json] == [ana.user_id]
