import uuid
from datetime import date

import pytest

from server.campaigns.models import Role
from server.canvass import households
from server.canvass.models import Household
from server.extensions import db
from server.voters.models import Voter
from tests.server.sync.conftest import Phone, conversation_fields


@pytest.fixture
def logged(app, client, auth_headers, make_campaign, make_member):
    """A campaign whose election was in 2020 (so its 90 days have passed), a volunteer who logged a relationship,
    a conversation (edited once, so history holds its first notes), a door visit with a new person and an address
    as found, and a deleted conversation, all with words in them; an organizer replied to the conversation."""
    campaign_id = make_campaign(election_day=date(2020, 11, 3))
    with app.app_context():
        voter = Voter(campaign_id=campaign_id, external_id="v1", first_name="Ana", last_name="Lopez",
                      house_number="12", street="Oak Avenue", zip="27601")
        db.session.add(voter)
        db.session.flush()
        households.assign(campaign_id)
        db.session.commit()
        voter_id, household_id = str(voter.public_id), str(db.session.get(Household, voter.household_id).public_id)
    volunteer, organizer = make_member(campaign_id, Role.VOLUNTEER), make_member(campaign_id, Role.ORGANIZER)
    phone = Phone(client, auth_headers(volunteer.user_id), campaign_id)
    ids = {name: str(uuid.uuid4()) for name in ("relationship", "conversation", "door_visit", "gone")}
    results = phone.push(
        phone.op("relationship", ids["relationship"], {"voter_id": voter_id, "source": "search", "kind": "friend",
                                                         "notes": "Met at the bakery."}),
        phone.op("conversation", ids["conversation"], conversation_fields(voter_id=voter_id, notes="First words.")),
        phone.op("conversation", ids["conversation"], {"notes": "Worried about rent."}),
        phone.op("door_visit", ids["door_visit"], {
            "household_id": household_id, "result": "talked", "happened_at": "2026-10-03T11:02:00-04:00",
            "support": 1, "notes": "Has a dog.", "person_first_name": "Rosa", "person_phone": "919-555-0101",
            "corrected_unit": "B"}),
        phone.op("conversation", ids["gone"], conversation_fields(voter_id=voter_id, notes="Deleted words.")),
        phone.op("conversation", ids["gone"], action="delete"),
    ).json["results"]
    assert {r["status"] for r in results} == {"applied"}, results
    reply = client.patch(f"/api/campaigns/{campaign_id}/conversations/{ids['conversation']}",
                         json={"review_reply": "Thank you!"}, headers=auth_headers(organizer.user_id))
    assert reply.status_code == 200, reply.json
    return {"campaign_id": campaign_id, "phone": phone, "ids": ids, "volunteer": volunteer, "organizer": organizer,
            "voter_id": voter_id}
