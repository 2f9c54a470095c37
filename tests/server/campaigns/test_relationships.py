"""A volunteer's people, as the campaign's organizers see them: voter cards only, theirs only, paged."""

import json
import uuid

import pytest

from server.campaigns.models import Role
from server.extensions import db
from server.sync_api.models import SyncRecord
from server.voters.models import Voter


@pytest.fixture
def campaign(app, make_campaign, make_member):
    campaign_id = make_campaign()
    team = {"id": campaign_id, **{role: make_member(campaign_id, role) for role in Role},
            "other volunteer": make_member(campaign_id)}
    return team


def add_relationship(app, member, first="Ana", last="Lopez", deleted=False, notes="My aunt, 555-0101") -> str:
    with app.app_context():
        voter = Voter(campaign_id=member.campaign_id, external_id=uuid.uuid4().hex, first_name=first, last_name=last,
                      city="Rivertown", birth_year=1980, search_name=f"{first} {last}".lower(),
                      house_number="12", street="Elm St", zip="27701")
        db.session.add(voter)
        db.session.flush()
        values = {"voter_id": str(voter.public_id), "source": "match", "notes": notes}
        record = SyncRecord(campaign_id=member.campaign_id, entity="relationship", entity_id=uuid.uuid4(),
                            owner_id=member.user_id, values=values, version=1, seq=1, deleted=deleted,
                            stamps=dict.fromkeys(values, f"{1:015d}-00000-device"))
        db.session.add(record)
        db.session.commit()
        return str(record.entity_id)


def relationships(client, auth_headers, caller, member, **query):
    return client.get(f"/api/campaigns/{member.campaign_id}/members/{member.id}/relationships",
                      headers=auth_headers(caller.user_id), query_string=query)


def test_an_organizer_sees_a_volunteers_people_as_voter_cards_only(app, client, auth_headers, campaign):
    volunteer = campaign[Role.VOLUNTEER]
    mine = add_relationship(app, volunteer)
    add_relationship(app, campaign["other volunteer"], first="Ben")
    add_relationship(app, volunteer, first="Gone", deleted=True)
    response = relationships(client, auth_headers, campaign[Role.ORGANIZER], volunteer)
    assert response.status_code == 200
    [person] = response.json
    assert person["id"] == mine
    assert person["voter"] == {"id": person["voter"]["id"], "first_name": "Ana", "last_initial": "L",
                               "age": person["voter"]["age"], "city": "Rivertown", "priority": False}
    # nothing of the address book, the volunteer's notes or how they matched
    assert set(person) == {"id", "added_at", "voter"}
    for secret in ("555-0101", "aunt", "Lopez", "Elm", "27701", "match"):
        assert secret not in json.dumps(response.json)


def test_the_list_is_paged_newest_first(app, client, auth_headers, campaign):
    volunteer = campaign[Role.VOLUNTEER]
    for first in ("Ana", "Ben", "Cruz"):
        add_relationship(app, volunteer, first=first)
    response = relationships(client, auth_headers, campaign[Role.OWNER], volunteer, page=1, page_size=2)
    assert [p["voter"]["first_name"] for p in response.json] == ["Cruz", "Ben"]
    assert json.loads(response.headers["X-Pagination"])["total"] == 3
    second = relationships(client, auth_headers, campaign[Role.OWNER], volunteer, page=2, page_size=2)
    assert [p["voter"]["first_name"] for p in second.json] == ["Ana"]


def test_a_volunteer_cannot_see_another_volunteers_people(app, client, auth_headers, campaign):
    add_relationship(app, campaign["other volunteer"])
    response = relationships(client, auth_headers, campaign[Role.VOLUNTEER], campaign["other volunteer"])
    assert response.status_code == 403
