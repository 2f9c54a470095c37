"""Forgetting a person: every trace gone from every table on both databases, their volunteer's phone told to drop
its copy, and the suppression list keeping them from coming back through an import, a push or matching."""

import uuid

import pytest
from sqlalchemy import MetaData, Text, cast, exists, func, or_, select

from server.audit.models import AuditEvent
from server.campaigns.models import Campaign, Membership, Role
from server.canvass.models import Household
from server.dashboard.models import DashboardDay
from server.extensions import db
from server.forget.models import Suppression
from server.matching.models import MatchTag
from server.preferences.models import ContactPreference
from server.surveys.models import SurveyQuestion
from server.voters.models import Voter, VoterIdentifier, VoterImport, staged_identifier
from tests.server.sync.conftest import Phone

HEADER = ["voter_id", "first_name", "last_name", "address", "city", "zip", "birth_year", "phone", "email"]
PERSON = ["FGT1", "Zebulon", "Quillfeather", "88 Wrenfield Ln", "Durham", "27701", "1984", "(919) 682-4417",
          "Zeb.Quill@Example.org"]
NEIGHBOUR = ["FGT2", "Ada", "Lovejoy", "88 Wrenfield Ln", "Durham", "27701", "1961", "(919) 682-9911", ""]
# a broken copy of the person's row (the e-mail shifted into the birth-year cell): rejected, its problem quotes it
BROKEN = ["FGT9", "Zeb", "Q", "88 Wrenfield Ln", "Durham", "27701", "Zeb.Quill@Example.org", "", ""]
OTHERS = [[f"OTH{n}", "Pat", f"Other{n}", f"{n} Elm St", "Durham", "27701", "1970", "", ""] for n in range(5)]
# every way the person's details could sit in a column: as imported and as kept, and the notes' own words
TRACES = ("zebulon", "quillfeather", "zeb.quill@example.org", "+19196824417", "(919) 682-4417", "919.682.4417",
          "9196824417", "682-4417", "fgt1", "quillwort", "zanzibarine", "brambleworth", "plorpington", "quibbleknot",
          "wrenfield lane rear")


@pytest.fixture
def world(app, runner, voter_file, import_file, client, auth_headers):
    """The demo campaign, then a voter file with the person and a neighbour (its matching tags built), and
    everything a campaign writes about someone: a relationship, conversations with notes (one lost to a later
    edit, so it is in the history), an organizer's reply, door visits with answers and an address correction,
    the person met at the door again as someone new, and a row still staged by an import."""
    assert runner.invoke(args=["kin", "demo", "--voters", "30"]).exit_code == 0
    with app.app_context():
        campaign = db.session.execute(select(Campaign)).scalar_one()
        campaign_id = campaign.id
        by_role = select(Membership.user_id).order_by(Membership.id)
        organizer_id = db.session.execute(by_role.where(Membership.role == Role.ORGANIZER)).scalars().first()
        volunteer_id, other_id = db.session.execute(by_role.where(Membership.role == Role.VOLUNTEER)).scalars()
        question = SurveyQuestion(campaign_id=campaign_id, label="Will you vote early?", kind="yes_no")
        db.session.add(question)
        db.session.commit()
        question_id = str(question.id)
    imported = import_file(voter_file([PERSON, NEIGHBOUR, BROKEN, *OTHERS], header=HEADER), campaign_id,
                           "--allow-shrink")
    assert imported.exit_code == 0, imported.output
    with app.app_context():
        person = db.session.execute(select(Voter).where(Voter.external_id == "FGT1")).scalar_one()
        voter_id, household_id = str(person.public_id), str(db.session.get(Household, person.household_id).public_id)
        assert db.session.execute(select(func.count()).select_from(MatchTag).join(
            VoterIdentifier, VoterIdentifier.id == MatchTag.identifier_id).where(
            VoterIdentifier.voter_id == person.id)).scalar_one() == 2  # matching would offer them
        db.session.execute(staged_identifier.insert().values(
            import_id=db.session.execute(select(VoterImport.id)).scalar_one(), line=2, external_id="FGT1",
            kind="phone", value="+19196824417"))
        db.session.commit()

    phone = Phone(client, auth_headers(volunteer_id), campaign_id)
    relationship, talk, direct = (str(uuid.uuid4()) for _ in range(3))
    visit, met = str(uuid.uuid4()), str(uuid.uuid4())
    door = {"household_id": household_id, "happened_at": "2026-10-03T11:02:00-04:00", "result": "talked"}
    ops = [
        phone.op("relationship", relationship, {"voter_id": voter_id, "source": "match", "kind": "friend",
                                                "notes": "Met at the quillwort festival"}),
        phone.op("conversation", talk, {"relationship_id": relationship, "channel": "call",
                                        "happened_at": "2026-10-01T18:30:00-04:00", "support": 2,
                                        "notes": "Worried about the zanzibarine bus line"}),
        phone.op("conversation", direct, {"voter_id": voter_id, "channel": "text",
                                          "happened_at": "2026-10-02T18:30:00-04:00", "notes": "Brambleworth next"}),
        phone.op("door_visit", visit, {**door, "voter_id": voter_id, "notes": "quibbleknot on the porch",
                                       "answers": {question_id: "yes"}, "corrected_street": "Wrenfield Lane Rear"}),
        phone.op("door_visit", met, {**door, "person_first_name": "Zebulon", "person_last_name": "Quillfeather",
                                     "person_phone": "919.682.4417", "person_email": "ZEB.QUILL@example.org"}),
        phone.op("contact_preference", voter_id, {"voter_id": voter_id, "no_text": True, "recorded_from": "door",
                                                  "recorded_at": "2026-10-03T11:03:00-04:00"}),
    ]
    # an edit made earlier than the one above reaches the server later: its words lose, into the history
    late = phone.op("conversation", direct, {"notes": "Brambleworth said they moved"}, at_ms=1)
    results = phone.push(*ops, late).json["results"]
    assert [r["status"] for r in results] == ["applied"] * 6 + ["conflict"], results
    reply = client.patch(f"/api/campaigns/{campaign_id}/conversations/{talk}", headers=auth_headers(organizer_id),
                         json={"review_reply": "Thanks, ask about plorpington"})
    assert reply.status_code == 200, reply.json
    return {"campaign_id": campaign_id, "voter_id": voter_id, "phone": phone, "organizer_id": organizer_id,
            "records": {relationship, talk, direct, visit, met, voter_id}, "volunteer_id": volunteer_id,
            "other_id": other_id, "relationship": relationship}


def traces(app) -> dict[str, list[str]]:
    """Every column of every table, as the database has it (reflected, so nothing the models forget is missed),
    cast to text (JSON, numbers, bytes too) and lowercased, that holds one of the person's traces."""
    found = {}
    with app.app_context():
        schema = MetaData()
        schema.reflect(bind=db.engine)
        for table in schema.sorted_tables:
            for column in table.columns:
                value = func.lower(cast(column, Text))
                hits = db.session.execute(select(value).where(
                    or_(*(value.contains(trace, autoescape=True) for trace in TRACES)))).scalars().all()
                if hits:
                    found[f"{table.name}.{column.name}"] = hits
    return found


def forget(client, auth_headers, world, reason="asked"):
    return client.post(f"/api/campaigns/{world['campaign_id']}/voters/{world['voter_id']}/forget",
                       headers=auth_headers(world["organizer_id"]), json={"reason": reason})


def test_forgetting_leaves_no_trace_of_them_in_any_column_of_any_table(app, client, auth_headers, world):
    before = traces(app)
    assert {"voter.first_name", "voter_identifier.value", "sync_record.values", "sync_history.losing_value",
            "conversation.notes", "conversation.review_reply", "door_visit.corrected_street",
            "voter_import_problem.reason", "staged_identifier.value"} <= set(before), before  # the test can fail
    with app.app_context():
        days = sorted(tuple(row) for row in db.session.execute(select(DashboardDay.__table__)).all())
    response = forget(client, auth_headers, world)
    assert response.status_code == 200, response.json
    assert response.json == {"records": 6, "problems": 1}
    assert traces(app) == {}
    with app.app_context():
        # the dashboard's day counts stay; the audit line says what was done and names nobody
        assert sorted(tuple(row) for row in db.session.execute(select(DashboardDay.__table__)).all()) == days
        event = db.session.execute(select(AuditEvent).where(AuditEvent.action == "voter.forgotten")).scalar_one()
        assert event.actor_id == world["organizer_id"] and event.target_type == "suppression"
        assert event.details == {"reason": "asked", "records": 6, "problems": 1}
        assert db.session.execute(select(func.count()).select_from(ContactPreference)).scalar_one() == 0
        assert db.session.execute(select(func.count()).select_from(Suppression)).scalar_one() == 4
        assert db.session.execute(select(func.count()).select_from(MatchTag).join(
            VoterIdentifier, VoterIdentifier.id == MatchTag.identifier_id).join(Voter)
                                  .where(Voter.external_id == "FGT2")).scalar_one() == 1  # the neighbour's stay
        # and no tag is left of their phone or e-mail, which no join would show
        assert db.session.execute(select(func.count()).select_from(MatchTag).where(
            ~exists().where(VoterIdentifier.id == MatchTag.identifier_id))).scalar_one() == 0


def test_their_volunteer_pulls_tombstones_that_say_forget_them_and_no_card(client, auth_headers, world):
    cursor = world["phone"].pull().json["cursor"]
    assert forget(client, auth_headers, world).status_code == 200
    page = world["phone"].pull(cursor=cursor).json
    assert {c["entity_id"] for c in page["changes"]} == world["records"]
    assert all(c["deleted"] and c["forgotten"] and c["fields"] == {} and c["stamps"] == {} for c in page["changes"])
    assert page["voters"] == {}
    # their public id is left only as the id of what they asked about being contacted, now a forgotten tombstone
    # every phone pulls (a phone that held it drops it); no field and no card names them
    again = world["phone"].pull().json
    assert [c["entity"] for c in again["changes"] if world["voter_id"] in str(c)] == ["contact_preference"]
    assert world["voter_id"] not in str(again["voters"])


def test_nothing_about_them_can_be_pushed_again(app, client, auth_headers, world):
    phone = world["phone"]
    relationship = world["relationship"]
    assert forget(client, auth_headers, world).status_code == 200
    with app.app_context():
        household = db.session.execute(select(Household.public_id)).scalars().first()
    stranger = Phone(client, auth_headers(world["other_id"]), world["campaign_id"])
    results = stranger.push(
        stranger.op("relationship", str(uuid.uuid4()), {"voter_id": world["voter_id"], "source": "search"}),
        stranger.op("door_visit", str(uuid.uuid4()), {
            "household_id": str(household), "happened_at": "2026-10-04T11:00:00-04:00", "result": "talked",
            "person_first_name": "Z", "person_phone": "919 682 4417", "person_email": "zeb.quill@EXAMPLE.org"}),
    ).json["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    codes = [{name: [problem["code"] for problem in problems] for name, problems in r["codes"].items()}
             for r in results]
    assert codes == [{"voter_id": ["suppressed"]}, {"person_phone": ["suppressed"], "person_email": ["suppressed"]}]
    assert "Zebulon" not in str(results) and "Quillfeather" not in str(results)
    # their own volunteer's edit of a forgotten record, still in the phone's outbox, does not bring it back
    [edit] = [r for r in phone.push(*(phone.op(entity, entity_id, {"notes": "again"}) for entity, entity_id in [
        ("relationship", relationship)])).json["results"]]
    assert edit["status"] == "rejected" and edit["codes"] == {"entity_id": [{"code": "suppressed"}]}


def test_a_reimport_skips_them_and_says_how_many_without_naming_them(
        app, client, auth_headers, world, voter_file, import_file):
    assert forget(client, auth_headers, world).status_code == 200
    result = import_file(voter_file([PERSON, NEIGHBOUR, *OTHERS], header=HEADER), world["campaign_id"])
    assert result.exit_code == 0, result.output
    assert "Rows of people the campaign forgot, left out: 1." in result.output
    assert "FGT1" not in result.output and "Zebulon" not in result.output
    with app.app_context():
        assert db.session.execute(select(Voter.external_id).where(Voter.external_id.in_(["FGT1", "FGT2"]))
                                  ).scalars().all() == ["FGT2"]
        job = db.session.execute(select(VoterImport).order_by(VoterImport.id.desc())).scalars().first()
        assert (job.voters_skipped, job.voters_updated, job.voters_added) == (1, 6, 0)
    assert traces(app) == {}


def test_the_cli_forgets_the_same_way(app, runner, world):
    result = runner.invoke(args=["kin", "voters", "forget", world["voter_id"], "--campaign",
                                 str(world["campaign_id"]), "--reason", "legal"])
    assert result.exit_code == 0, result.output
    assert "6 synced records purged" in result.output
    assert traces(app) == {}
    again = runner.invoke(args=["kin", "voters", "forget", world["voter_id"], "--campaign", str(world["campaign_id"])])
    assert again.exit_code == 2 and "No voter" in again.output


def test_a_volunteer_cannot_forget_anyone(client, auth_headers, world):
    response = client.post(f"/api/campaigns/{world['campaign_id']}/voters/{world['voter_id']}/forget",
                           headers=auth_headers(world["volunteer_id"]), json={"reason": "asked"})
    assert response.status_code == 403
    response = forget(client, auth_headers, world, reason="because I said so")
    assert response.status_code == 422 and "reason" in response.json["errors"]["json"]
