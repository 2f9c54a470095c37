"""A volunteer types the address as they found it at the door; organizers read the corrections (never a
volunteer), newest first, with the address the file has; the voter file itself does not change."""

import uuid

import pytest
from sqlalchemy import select

from server.campaigns.models import Role
from server.canvass import households
from server.canvass.models import Household
from server.extensions import db
from server.voters.models import Voter
from tests.server.sync.conftest import Phone


@pytest.fixture
def phone_of(client, auth_headers):
    return lambda member: Phone(client, auth_headers(member.user_id), member.campaign_id)


@pytest.fixture
def street(app, make_campaign, make_member):
    """Ana Lopez at 12 Oak Ave APT 4, Ben at 14 Oak Ave; a volunteer and an organizer."""
    campaign_id = make_campaign()
    with app.app_context():
        ana = Voter(campaign_id=campaign_id, external_id="a", first_name="Ana", last_name="Lopez", house_number="12",
                    street="Oak Avenue", unit="APT 4", zip="27601")
        ben = Voter(campaign_id=campaign_id, external_id="b", first_name="Ben", last_name="Okafor",
                    house_number="14", street="Oak Avenue", zip="27601")
        db.session.add_all([ana, ben])
        db.session.flush()
        households.assign(campaign_id)
        db.session.commit()
        doors = {name: str(db.session.get(Household, v.household_id).public_id) for name, v in (("ana", ana),
                                                                                                 ("ben", ben))}
        return {"campaign_id": campaign_id, "ana": str(ana.public_id), "doors": doors,
                "volunteer": make_member(campaign_id, Role.VOLUNTEER),
                "organizer": make_member(campaign_id, Role.ORGANIZER)}


def visit(phone, fields, visit_id=None):
    answer = phone.push(phone.op("door_visit", visit_id or str(uuid.uuid4()), fields))
    return answer.json["results"][0]


def listed(client, auth_headers, street, member=None):
    answer = client.get(f"/api/campaigns/{street['campaign_id']}/turfs/corrections",
                        headers=auth_headers((member or street["organizer"]).user_id))
    return answer


def test_organizers_see_the_address_as_found_beside_the_files(app, client, auth_headers, street, phone_of):
    phone = phone_of(street["volunteer"])
    assert visit(phone, {"household_id": street["doors"]["ana"], "voter_id": street["ana"], "result": "talked",
                         "happened_at": "2026-10-03T11:00:00-04:00", "corrected_unit": "APT 4B"})["status"] == "applied"
    assert visit(phone, {"household_id": street["doors"]["ben"], "result": "wrong_address",
                         "happened_at": "2026-10-03T12:00:00-04:00", "corrected_house_number": "41",
                         "corrected_street": " Oak Ave "})["status"] == "applied"
    assert visit(phone, {"household_id": street["doors"]["ben"], "result": "not_home",
                         "happened_at": "2026-10-03T13:00:00-04:00"})["status"] == "applied"
    answer = listed(client, auth_headers, street)
    assert answer.status_code == 200, answer.json
    rows = [(r["result"], r["voter"], r["in_file"], r["found"]) for r in answer.json]
    assert rows == [
        ("wrong_address", None, {"house_number": "14", "street": "OAK AVE", "unit": "", "zip": "27601"},
         {"house_number": "41", "street": "Oak Ave", "unit": ""}),
        ("talked", "Ana L.", {"house_number": "12", "street": "OAK AVE", "unit": "APT 4", "zip": "27601"},
         {"house_number": "", "street": "", "unit": "APT 4B"})]
    with app.app_context():  # the voter file is the organizers' to fix
        assert db.session.execute(select(Voter.unit).where(Voter.external_id == "a",
                                                           Voter.campaign_id == street["campaign_id"])
                                  ).scalar_one() == "APT 4"


def test_a_correction_needs_a_wrong_address_or_a_talk_and_a_sane_length(client, auth_headers, street, phone_of):
    phone = phone_of(street["volunteer"])
    refused = visit(phone, {"household_id": street["doors"]["ben"], "result": "not_home",
                            "happened_at": "2026-10-03T12:00:00-04:00", "corrected_street": "Elm St"})
    assert refused["status"] == "rejected" and list(refused["errors"]) == ["corrected_street"]
    too_long = visit(phone, {"household_id": street["doors"]["ben"], "result": "wrong_address",
                             "happened_at": "2026-10-03T12:00:00-04:00", "corrected_unit": "x" * 61})
    assert too_long["status"] == "rejected" and list(too_long["errors"]) == ["corrected_unit"]
    assert listed(client, auth_headers, street).json == []


def test_a_visit_changed_or_deleted_leaves_the_list(client, auth_headers, street, phone_of):
    phone = phone_of(street["volunteer"])
    visit_id = str(uuid.uuid4())
    visit(phone, {"household_id": street["doors"]["ben"], "result": "wrong_address",
                  "happened_at": "2026-10-03T12:00:00-04:00"}, visit_id)
    assert [r["found"] for r in listed(client, auth_headers, street).json] == [
        {"house_number": "", "street": "", "unit": ""}]  # wrong, with no better address known
    visit(phone, {"corrected_house_number": "14A"}, visit_id)
    assert listed(client, auth_headers, street).json[0]["found"]["house_number"] == "14A"
    phone.push(phone.op("door_visit", visit_id, action="delete"))
    assert listed(client, auth_headers, street).json == []


def test_volunteers_and_other_campaigns_see_none(client, auth_headers, street, phone_of, make_campaign,
                                                 make_member):
    phone = phone_of(street["volunteer"])
    visit(phone, {"household_id": street["doors"]["ben"], "result": "wrong_address",
                  "happened_at": "2026-10-03T12:00:00-04:00"})
    assert listed(client, auth_headers, street, street["volunteer"]).status_code == 403
    other = make_campaign()
    organizer = make_member(other, Role.ORGANIZER)
    answer = client.get(f"/api/campaigns/{other}/turfs/corrections", headers=auth_headers(organizer.user_id))
    assert answer.status_code == 200 and answer.json == []
