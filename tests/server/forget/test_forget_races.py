"""A push racing a forget of the person it is about, on PostgreSQL (SQLite's single writer puts one after the
other): the voter's row is where they meet, so whichever commits first, nothing the push wrote about the person
survives the forget."""

import uuid

import pytest
from sqlalchemy import Text, cast, func, select

from server.campaigns.models import Role
from server.canvass.models import Building, Household
from server.conversations.models import Conversation
from server.extensions import db
from server.sync_api.models import SyncHistory, SyncRecord
from server.voters.models import IdentifierKind, Voter, VoterIdentifier
from tests.server.sync.conftest import Phone, conversation_fields, make_voter  # noqa: F401 (a fixture)
from tests.server.sync.races import WAIT, Pause, Request, waits_on_a_lock

WORDS = "gorseberry"  # in the notes of what the racing push writes, and nowhere else


@pytest.fixture
def scene(app, make_campaign, make_member, make_voter, auth_headers):  # noqa: F811 (the fixture above)
    """A volunteer's phone, a voter nothing is written about yet, and an organizer who can forget them."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite has a single writer: a forget and a push never overlap there")
    campaign_id = make_campaign()
    volunteer, organizer = make_member(campaign_id, Role.VOLUNTEER), make_member(campaign_id, Role.ORGANIZER)
    voter_id = make_voter(campaign_id)
    forget_url = f"/api/campaigns/{campaign_id}/voters/{voter_id}/forget"
    return {"phone": Phone(app.test_client(), auth_headers(volunteer.user_id), campaign_id), "voter_id": voter_id,
            "forget": lambda: app.test_client().post(forget_url, json={"reason": "asked"},
                                                     headers=auth_headers(organizer.user_id))}


def knows(scene) -> str:
    """The volunteer's relationship with the voter, pushed and committed before the race."""
    phone, relationship = scene["phone"], str(uuid.uuid4())
    known = phone.push(phone.op("relationship", relationship, {"voter_id": scene["voter_id"], "source": "search"}))
    assert [r["status"] for r in known.json["results"]] == ["applied"]
    return relationship


# what the racing push writes about the person: a conversation naming them, one through the volunteer's relationship
# with them (which names no voter itself), and a new relationship with them
RACING = {
    "conversation naming the voter": lambda s: ("conversation", {"voter_id": s["voter_id"]}),
    "conversation through their relationship": lambda s: ("conversation", {"relationship_id": knows(s)}),
    "new relationship": lambda s: ("relationship", {"voter_id": s["voter_id"], "source": "search"}),
}


def racing_op(scene, kind) -> dict:
    entity, names = RACING[kind](scene)
    fields = ({**conversation_fields(voter_id=None), **names} if entity == "conversation" else names)
    return scene["phone"].op(entity, str(uuid.uuid4()), {**fields, "notes": f"Asked about the {WORDS} allotment"})


def written_about_them(app) -> list:
    """Every value, history row or conversation that still holds the racing push's words."""
    with app.app_context():
        return [*db.session.execute(select(SyncRecord.entity).where(
                    cast(SyncRecord.values, Text).contains(WORDS))).scalars(),
                *db.session.execute(select(SyncHistory.field).where(
                    cast(SyncHistory.losing_value, Text).contains(WORDS))).scalars(),
                *db.session.execute(select(Conversation.id).where(Conversation.notes.contains(WORDS))).scalars()]


@pytest.mark.parametrize("kind", RACING)
def test_a_push_that_comes_after_a_forget_is_rejected_and_leaves_nothing(app, scene, kind):
    op = racing_op(scene, kind)
    with Pause(app, "before_cursor_execute", lambda sql: sql.startswith("DELETE FROM voter ")) as forget_holds:
        forget = forget_holds.thread = Request(scene["forget"])
        forget.start()
        assert forget_holds.reached.wait(WAIT), "the forget never deleted the voter"
        push = Request(lambda: scene["phone"].push(op))
        push.start()
        assert waits_on_a_lock(app, push), "the push did not wait for the forget to commit"
        forget_holds.released.set()
        assert forget.answer().status_code == 200
    [result] = push.answer().json["results"]
    assert result["status"] == "rejected", result  # it stays on the phone and is shown to the volunteer
    assert {problem["code"] for problems in result["codes"].values() for problem in problems} <= {
        "suppressed", "no_such"}
    assert written_about_them(app) == []


def forget_while_the_push_holds(app, scene, op, when: str, statement: str):
    """Push ``op`` and hold it at ``statement`` (``when``: before or after it runs); start the forget and see it
    wait for the push; release the push, which must apply the op; then the forget's answer."""
    with Pause(app, when, lambda sql: sql.startswith(statement)) as push_holds:
        push = push_holds.thread = Request(lambda: scene["phone"].push(op))
        push.start()
        assert push_holds.reached.wait(WAIT), f"the push never reached {statement}"
        forget = Request(scene["forget"])
        forget.start()
        assert waits_on_a_lock(app, forget), "the forget did not wait for the push to commit"
        push_holds.released.set()
        assert [r["status"] for r in push.answer().json["results"]] == ["applied"]
    return forget.answer()


@pytest.mark.parametrize("kind", RACING)
def test_a_forget_that_comes_after_a_push_removes_what_it_wrote(app, scene, kind):
    op = racing_op(scene, kind)
    with app.app_context():
        before = db.session.execute(select(func.count()).select_from(SyncRecord)).scalar_one()
    # held once it has read everything it decides by, the voter among it, just before it writes
    forgotten = forget_while_the_push_holds(app, scene, op, "before_cursor_execute", "INSERT INTO sync_record ")
    assert forgotten.status_code == 200 and forgotten.json["records"] == before + 1  # and the push's record
    assert written_about_them(app) == []


def test_two_organizers_forgetting_one_person_at_once_get_forgotten_and_not_found(app, scene):
    with Pause(app, "before_cursor_execute", lambda sql: sql.startswith("DELETE FROM voter ")) as first_holds:
        first = first_holds.thread = Request(scene["forget"])
        first.start()
        assert first_holds.reached.wait(WAIT), "the first forget never deleted the voter"
        second = Request(scene["forget"])
        second.start()
        assert waits_on_a_lock(app, second), "the second forget did not wait for the first"
        first_holds.released.set()
        assert first.answer().status_code == 200
    assert second.answer().status_code == 404


PHONE = "+19195550187"  # the voter's phone, which a canvasser hears from someone met at the door


@pytest.fixture
def met(app, scene):
    """The scene's voter with a phone on file, and a door visit op naming a person met at a door only by that
    phone: no voter row for a forget and the push to meet on."""
    with app.app_context():
        voter = db.session.execute(select(Voter).where(Voter.public_id == uuid.UUID(scene["voter_id"]))).scalar_one()
        db.session.add(VoterIdentifier(campaign_id=voter.campaign_id, voter_id=voter.id, kind=IdentifierKind.PHONE,
                                       value=PHONE))
        building = Building(campaign_id=voter.campaign_id, key="1 MILL ST", street="MILL ST", house_number="1")
        db.session.add(building)
        db.session.flush()
        household = Household(campaign_id=voter.campaign_id, building_id=building.id)
        db.session.add(household)
        db.session.commit()
        household_id = str(household.public_id)
    # a knock before, naming nobody: the campaign's change counter exists, as on any campaign past its first push
    phone, door = scene["phone"], {"household_id": household_id, "happened_at": "2026-10-03T11:02:00-04:00"}
    knock = phone.push(phone.op("door_visit", str(uuid.uuid4()), {**door, "result": "not_home"}))
    assert [r["status"] for r in knock.json["results"]] == ["applied"]
    return phone.op("door_visit", str(uuid.uuid4()), {**door, "result": "talked", "person_first_name": "Wren",
                                                      "person_phone": "(919) 555-0187",
                                                      "notes": f"Asked about the {WORDS} allotment"})


def test_a_door_visit_naming_them_by_phone_after_a_forget_is_rejected(app, scene, met):
    # the push has read the suppression list (nobody on it yet) and waits to write; the forget runs whole and commits
    with Pause(app, "before_cursor_execute", lambda sql: sql.startswith("INSERT INTO sync_record ")) as push_holds:
        push = push_holds.thread = Request(lambda: scene["phone"].push(met))
        push.start()
        assert push_holds.reached.wait(WAIT), "the push never wrote"
        assert scene["forget"]().status_code == 200
    [result] = push.answer().json["results"]
    assert result["status"] == "rejected" and "suppressed" in str(result["codes"]["person_phone"]), result
    assert written_about_them(app) == []


def test_a_forget_while_a_door_visit_naming_them_by_phone_commits_removes_it(app, scene, met):
    # the push holds the counter; the forget lists the person's records before the push commits, then waits for it
    forgotten = forget_while_the_push_holds(app, scene, met, "after_cursor_execute",
                                            "UPDATE sync_counter SET last_seq=(")
    assert forgotten.status_code == 200 and forgotten.json["records"] == 1, forgotten.json
    assert written_about_them(app) == []
