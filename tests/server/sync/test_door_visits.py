"""Door visits through push and pull: stored like conversations, exactly once, and refused, naming the field,
when a value is wrong or names a household or voter outside the campaign."""

import uuid

import pytest
from sqlalchemy import func, select

from server.campaigns.models import Role
from server.canvass import households
from server.canvass.models import Household
from server.extensions import db
from server.sync_api.models import SyncRecord
from server.voters.models import Voter


@pytest.fixture
def door(app, make_campaign, make_member):
    """A campaign with one voter at 12 Oak Ave, grouped into their household, and a volunteer."""
    campaign_id = make_campaign()
    with app.app_context():
        voter = Voter(campaign_id=campaign_id, external_id="v1", first_name="Ana", last_name="Lopez",
                      house_number="12", street="Oak Avenue", zip="27601")
        db.session.add(voter)
        db.session.flush()
        households.assign(campaign_id)
        db.session.commit()
        household = db.session.get(Household, voter.household_id)
        return {"campaign_id": campaign_id, "voter_id": str(voter.public_id),
                "household_id": str(household.public_id), "volunteer": make_member(campaign_id, Role.VOLUNTEER)}


def visit(door, **overrides):
    return {"household_id": door["household_id"], "result": "not_home",
            "happened_at": "2026-10-03T11:02:00-04:00", "literature_left": True, **overrides}


def test_a_not_home_for_the_whole_household_is_stored_and_pulled_back(door, phone_of):
    phone = phone_of(door["volunteer"])
    visit_id = str(uuid.uuid4())
    response = phone.push(phone.op("door_visit", visit_id, visit(door)))
    assert response.status_code == 200
    assert response.json["results"][0]["status"] == "applied"
    [change] = phone.pull().json["changes"]
    assert (change["entity"], change["entity_id"], change["version"]) == ("door_visit", visit_id, 1)
    assert change["fields"] == visit(door)


def test_a_talk_with_a_voter_carries_survey_answers_and_what_they_agreed_to(app, door, phone_of):
    with app.app_context():
        from server.campaigns.models import Campaign
        db.session.get(Campaign, door["campaign_id"]).issue_tags = ["housing", "schools"]
        db.session.commit()
    phone = phone_of(door["volunteer"])
    fields = visit(door, voter_id=door["voter_id"], result="talked", support=1, issue_tags=["housing"],
                   notes="Rent went up again.", agreed_to=["stay_in_touch", "shared_card"])
    response = phone.push(phone.op("door_visit", str(uuid.uuid4()), fields))
    assert response.json["results"][0]["status"] == "applied"
    page = phone.pull().json
    assert page["changes"][0]["fields"] == fields
    assert set(page["voters"]) == {door["voter_id"]}  # the phone gets the card of who answered


def test_a_person_met_at_the_door_who_is_not_in_the_file_is_kept_on_the_visit(door, phone_of):
    phone = phone_of(door["volunteer"])
    fields = visit(door, result="talked", person_first_name="Jo", person_last_name="Reyes",
                   person_phone="+19195550143", agreed_to=["invited"])
    assert phone.push(phone.op("door_visit", str(uuid.uuid4()), fields)).json["results"][0]["status"] == "applied"


def test_a_come_back_time_goes_with_the_come_back_result(door, phone_of):
    phone = phone_of(door["volunteer"])
    visit_id = str(uuid.uuid4())
    fields = visit(door, result="come_back", come_back_at="2026-10-03T17:00:00-04:00")
    assert phone.push(phone.op("door_visit", visit_id, fields)).json["results"][0]["status"] == "applied"
    # later the door answered: the result changes, the time stays as it was (nobody reads it past come_back)
    assert phone.push(phone.op("door_visit", visit_id, {"result": "talked"})).json["results"][0]["status"] == "applied"


def test_the_same_visit_sent_twice_is_stored_once(app, door, phone_of):
    phone = phone_of(door["volunteer"])
    op = phone.op("door_visit", str(uuid.uuid4()), visit(door))
    assert phone.push(op).json["results"][0]["status"] == "applied"
    assert phone.push(op).json["results"][0]["status"] == "duplicate"
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(SyncRecord)).scalar_one() == 1


@pytest.mark.parametrize(("overrides", "field", "code"), [
    ({"result": "gone_fishing"}, "result", "not_one_of"),
    ({"result": None}, "result", "empty"),
    ({"household_id": "12 Oak Ave"}, "household_id", "not_id"),
    ({"household_id": None}, "household_id", "empty"),
    ({"happened_at": "yesterday"}, "happened_at", "not_datetime"),
    ({"support": 6}, "support", "not_in_range"),
    ({"literature_left": "yes"}, "literature_left", "not_bool"),
    ({"issue_tags": ["potholes"]}, "issue_tags", "not_issue"),
    ({"agreed_to": ["married"]}, "agreed_to", "not_one_of"),
    ({"agreed_to": ["invited", "invited"]}, "agreed_to", "duplicate_item"),
    ({"notes": "x" * 5001}, "notes", "too_long"),
    ({"person_first_name": "x" * 101}, "person_first_name", "too_long"),
    ({"come_back_at": "2026-10-03T17:00:00-04:00"}, "come_back_at", "only_with"),  # the result is not_home
    ({"reviewed": True}, "reviewed", "unknown_field"),
])
def test_a_bad_value_is_rejected_naming_the_field(door, phone_of, overrides, field, code):
    phone = phone_of(door["volunteer"])
    [result] = phone.push(phone.op("door_visit", str(uuid.uuid4()), visit(door, **overrides))).json["results"]
    assert result["status"] == "rejected"
    assert field in result["errors"]
    assert [c["code"] for c in result["codes"][field]] == [code]


def test_a_visit_without_a_result_or_household_is_rejected_naming_both(door, phone_of):
    phone = phone_of(door["volunteer"])
    [result] = phone.push(phone.op("door_visit", str(uuid.uuid4()), {"happened_at": "2026-10-03T11:02:00Z"})
                          ).json["results"]
    assert result["status"] == "rejected"
    assert result["errors"] == {"household_id": ["Required."], "result": ["Required."]}


def test_a_new_persons_name_cannot_go_with_a_voter_from_the_file(door, phone_of):
    phone = phone_of(door["volunteer"])
    fields = visit(door, voter_id=door["voter_id"], result="talked", person_first_name="Jo")
    [result] = phone.push(phone.op("door_visit", str(uuid.uuid4()), fields)).json["results"]
    assert result["status"] == "rejected"
    assert result["errors"] == {"person_first_name": ["Only when voter_id is not given."]}
    assert result["codes"]["person_first_name"] == [{"code": "only_without", "params": {"field": "voter_id"}}]


def test_a_household_or_voter_of_another_campaign_is_no_such_household(app, door, make_campaign, phone_of):
    other_campaign = make_campaign("Another")
    with app.app_context():
        stranger = Voter(campaign_id=other_campaign, external_id="v1", first_name="Bo", last_name="Diaz",
                         house_number="12", street="Oak Avenue", zip="27601")
        db.session.add(stranger)
        db.session.flush()
        households.assign(other_campaign)
        db.session.commit()
        theirs = str(db.session.get(Household, stranger.household_id).public_id)
        their_voter = str(stranger.public_id)
    phone = phone_of(door["volunteer"])
    [by_household, by_voter, made_up] = phone.push(
        phone.op("door_visit", str(uuid.uuid4()), visit(door, household_id=theirs)),
        phone.op("door_visit", str(uuid.uuid4()), visit(door, voter_id=their_voter)),
        phone.op("door_visit", str(uuid.uuid4()), visit(door, household_id=str(uuid.uuid4()))),
    ).json["results"]
    assert by_household["errors"] == {"household_id": ["No such household in this campaign."]}
    assert by_voter["errors"] == {"voter_id": ["No such voter in this campaign."]}
    assert made_up["errors"] == {"household_id": ["No such household in this campaign."]}
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(SyncRecord)).scalar_one() == 0


def test_another_volunteer_cannot_pull_or_change_my_visits(door, make_member, phone_of):
    mine = phone_of(door["volunteer"])
    visit_id = str(uuid.uuid4())
    assert mine.push(mine.op("door_visit", visit_id, visit(door))).json["results"][0]["status"] == "applied"
    other = phone_of(make_member(door["campaign_id"], Role.VOLUNTEER))
    assert other.pull().json["changes"] == []
    [result] = other.push(other.op("door_visit", visit_id, {"result": "refused"})).json["results"]
    assert result["errors"] == {"entity_id": ["No such door_visit."]}


def test_the_read_model_follows_a_visit_through_a_change_and_a_delete(app, door, phone_of):
    from server.canvass.models import DoorVisit

    phone = phone_of(door["volunteer"])
    visit_id = str(uuid.uuid4())

    def row():
        with app.app_context():
            found = db.session.execute(select(DoorVisit).where(DoorVisit.id == uuid.UUID(visit_id))).scalar_one()
            return found.result, found.voter_id is not None, found.deleted

    phone.push(phone.op("door_visit", visit_id, visit(door)))
    assert row() == ("not_home", False, False)
    phone.push(phone.op("door_visit", visit_id, {"result": "talked"}))
    assert row() == ("talked", False, False)
    phone.push(phone.op("door_visit", visit_id, action="delete"))
    assert row() == ("talked", False, True)
    rejected = phone.push(phone.op("door_visit", str(uuid.uuid4()), visit(door, result="maybe")))
    assert rejected.json["results"][0]["status"] == "rejected"
    with app.app_context():  # a rejected op leaves no row
        assert db.session.execute(select(func.count()).select_from(DoorVisit)).scalar_one() == 1
