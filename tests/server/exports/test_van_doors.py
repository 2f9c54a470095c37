"""Door visits in the VAN canvass-results export: one row per visit to a voter from the file, with the result code
the campaign mapped for its door result, the survey answer and activist codes of a talk, exactly once across
incremental exports, and never another campaign's."""

import csv
import io
import uuid

import pytest
from sqlalchemy import select

from server.audit.models import AuditEvent
from server.canvass import households
from server.canvass.models import Household
from server.extensions import db
from server.voters.models import Voter
from sync.entities import DOOR_RESULTS

HEADER = ["VANID", "ContactType", "Result", "DateCanvassed", "CanvassedBy", "Support", "housing", "schools",
          "transit", "DoNotContact", "DoNotCall", "DoNotText", "DoNotEmail", "DoNotWalk"]
DEFAULT_CODES = {"talked": "Canvassed", "not_home": "Not Home", "refused": "Refused", "come_back": "Come Back",
                 "moved": "Moved", "inaccessible": "Inaccessible", "wrong_address": "Wrong Address",
                 "deceased": "Deceased"}


@pytest.fixture
def street(app):
    """Voters at their own doors on Oak Avenue, grouped into households: {"voter": public id, "door": household
    public id} for each external id asked for."""

    def make(campaign_id, *external_ids) -> dict[str, dict]:
        with app.app_context():
            voters = [Voter(campaign_id=campaign_id, external_id=external_id, first_name="Ana", last_name="Lopez",
                            house_number=str(number), street="Oak Avenue", zip="27601")
                      for number, external_id in enumerate(external_ids, start=1)]
            db.session.add_all(voters)
            db.session.flush()
            households.assign(campaign_id)
            db.session.commit()
            return {v.external_id: {"voter": str(v.public_id),
                                    "door": str(db.session.get(Household, v.household_id).public_id)}
                    for v in voters}

    return make


@pytest.fixture
def knock(phone_of):
    """A volunteer logs a door visit from their phone; returns its id."""

    def make(member, door, voter=None, result="not_home", visit_id=None, **fields) -> str:
        visit_id = visit_id or str(uuid.uuid4())
        values = {"household_id": door, "result": result, "happened_at": "2026-10-03T21:30:00-04:00", **fields}
        if voter:
            values["voter_id"] = voter
        phone = phone_of(member)
        answer = phone.push(phone.op("door_visit", visit_id, values))
        assert answer.json["results"][0]["status"] == "applied", answer.json
        return visit_id

    return make


@pytest.fixture
def van_export(client, auth_headers, team):
    """The VAN export as the team's organizer: (response, header, rows as dicts)."""

    def get(**query):
        answer = client.get(f"/api/campaigns/{team['campaign_id']}/exports/van-canvass-results.csv",
                            query_string=query, headers=auth_headers(team["organizer"].user_id))
        assert answer.status_code == 200, answer.get_data(as_text=True)
        header, *rows = csv.reader(io.StringIO(answer.get_data(as_text=True), newline=""))
        return answer, header, [dict(zip(header, row, strict=True)) for row in rows]

    return get


def test_each_door_result_becomes_a_walk_with_its_van_result_code(team, street, knock, van_export):
    doors = street(team["campaign_id"], *(f"10{n}" for n in range(len(DOOR_RESULTS))))
    for door, result in zip(doors.values(), DOOR_RESULTS, strict=True):
        fields = {"support": 1, "issue_tags": ["housing", "transit"]} if result == "talked" else {}
        knock(team["volunteer"], door["door"], door["voter"], result, **fields)
    answer, header, rows = van_export()
    assert header == HEADER and answer.headers["X-Kin-Omitted"] == ""
    assert {row["VANID"]: row["Result"] for row in rows} == {
        f"10{n}": DEFAULT_CODES[result] for n, result in enumerate(DOOR_RESULTS)}
    assert {(row["ContactType"], row["DateCanvassed"], row["CanvassedBy"]) for row in rows} == {
        ("Walk", "10/03/2026", "Vera Volunteer")}
    talked = next(row for row in rows if row["Result"] == "Canvassed")
    assert [talked[name] for name in HEADER[5:]] == ["Strong Support", "housing", "", "transit", *[""] * 5]
    assert all(not any(row[name] for name in HEADER[5:]) for row in rows if row is not talked)


def test_only_a_talk_answers_the_survey_question(team, street, knock, van_export):
    door = street(team["campaign_id"], "200")["200"]
    knock(team["volunteer"], door["door"], door["voter"], "refused", issue_tags=["schools"])
    _, _, [row] = van_export()
    assert (row["Result"], row["Support"], row["schools"]) == ("Refused", "", "")


def test_a_remapped_result_code_is_used_and_an_unmapped_one_left_out_and_said(client, auth_headers, team, street,
                                                                                knock, van_export):
    doors = street(team["campaign_id"], "301", "302", "303")
    knock(team["volunteer"], doors["301"]["door"], doors["301"]["voter"], "not_home")
    knock(team["volunteer"], doors["302"]["door"], doors["302"]["voter"], "come_back")
    knock(team["volunteer"], doors["303"]["door"], doors["303"]["voter"], "moved")
    mapping = {"door_results": {"not_home": "Not Home - Lit Drop", "come_back": None}}
    answer = client.patch(f"/api/campaigns/{team['campaign_id']}", json={"van_mapping": mapping},
                          headers=auth_headers(team["owner"].user_id))
    assert answer.status_code == 200
    assert answer.json["van_columns"]["door_results"] == {**DEFAULT_CODES, **mapping["door_results"]}
    response, _, rows = van_export()
    assert {row["VANID"]: row["Result"] for row in rows} == {"301": "Not Home - Lit Drop", "303": "Moved"}
    assert response.headers["X-Kin-Omitted"] == "door result come_back (no result code mapped)"


def test_someone_met_who_is_not_in_the_file_is_left_out_and_counted(app, team, street, knock, van_export):
    door = street(team["campaign_id"], "400")["400"]
    knock(team["volunteer"], door["door"], door["voter"], "talked", support=3)
    knock(team["volunteer"], door["door"], None, "talked", person_first_name="Sam", person_phone="555-0100")
    knock(team["volunteer"], door["door"], None, "refused", person_last_name="Okafor")
    response, _, rows = van_export()
    assert [row["VANID"] for row in rows] == ["400"]
    assert response.headers["X-Kin-Omitted"] == "2 door visits with someone not in the voter file"
    assert "Sam" not in response.get_data(as_text=True) and "555" not in response.headers["X-Kin-Omitted"]


def test_a_whole_household_not_home_is_a_row_for_each_of_its_voters(app, team, street, knock, van_export):
    """One tap for everyone behind the door; VAN counts the attempt per person, as MiniVAN records it. A voter the
    latest file no longer lists is not sent, nor anyone at another door."""
    doors = street(team["campaign_id"], "700", "710")
    with app.app_context():
        first = db.session.execute(select(Voter).where(Voter.external_id == "700")).scalar_one()
        housemates = [Voter(campaign_id=team["campaign_id"], external_id=external_id, first_name="Luis",
                            last_name="Lopez", house_number=first.house_number, street=first.street, zip=first.zip,
                            active=external_id != "703")
                      for external_id in ("701", "702", "703")]
        db.session.add_all(housemates)
        db.session.flush()
        households.assign(team["campaign_id"])
        db.session.commit()
        assert {v.household_id for v in housemates} == {first.household_id}
    knock(team["volunteer"], doors["700"]["door"], None, "not_home", literature_left=True)
    knock(team["volunteer"], doors["710"]["door"], doors["710"]["voter"], "refused")
    response, _, rows = van_export()
    assert sorted((row["VANID"], row["ContactType"], row["Result"], row["DateCanvassed"]) for row in rows) == [
        ("700", "Walk", "Not Home", "10/03/2026"), ("701", "Walk", "Not Home", "10/03/2026"),
        ("702", "Walk", "Not Home", "10/03/2026"), ("710", "Walk", "Refused", "10/03/2026")]
    assert response.headers["X-Kin-Omitted"] == ""
    _, _, again = van_export(since=response.headers["X-Kin-Export-Id"])
    assert again == []  # sent once


def test_conversations_and_door_visits_both_come_and_each_once(team, voter, log, street, knock, van_export):
    talked_to = voter(team["campaign_id"], external_id="500")
    log(team["volunteer"], talked_to, channel="call", support=2)
    door = street(team["campaign_id"], "501")["501"]
    knock(team["volunteer"], door["door"], door["voter"], "talked", support=2)
    _, _, rows = van_export()
    assert sorted((row["VANID"], row["ContactType"], row["Result"], row["Support"]) for row in rows) == [
        ("500", "Phone", "Canvassed", "Lean Support"), ("501", "Walk", "Canvassed", "Lean Support")]


def test_since_an_export_gives_each_visit_once(team, street, knock, phone_of, van_export):
    doors = street(team["campaign_id"], "601", "602", "603")
    changed = knock(team["volunteer"], doors["601"]["door"], doors["601"]["voter"], "come_back")
    knock(team["volunteer"], doors["602"]["door"], doors["602"]["voter"], "not_home")
    first, _, rows = van_export()
    assert sorted(row["VANID"] for row in rows) == ["601", "602"]
    phone = phone_of(team["volunteer"])
    phone.push(phone.op("door_visit", changed, {"result": "talked", "support": 1}))  # knocked again later
    knock(team["volunteer"], doors["603"]["door"], doors["603"]["voter"], "refused")
    second, _, rows = van_export(since=first.headers["X-Kin-Export-Id"])
    assert sorted((row["VANID"], row["Result"], row["Support"]) for row in rows) == [
        ("601", "Canvassed", "Strong Support"), ("603", "Refused", "")]
    third, _, rows = van_export(since=second.headers["X-Kin-Export-Id"])
    assert rows == [] and third.headers["X-Kin-Omitted"] == ""


def test_a_deleted_visit_is_not_exported(team, street, knock, phone_of, van_export):
    door = street(team["campaign_id"], "700")["700"]
    gone = knock(team["volunteer"], door["door"], door["voter"], "refused")
    phone = phone_of(team["volunteer"])
    phone.push(phone.op("door_visit", gone, action="delete"))
    assert van_export()[2] == []


def test_another_campaigns_visits_never_appear(make_campaign, make_member, team, street, knock, van_export):
    other_campaign = make_campaign(issue_tags=["housing"])
    theirs = street(other_campaign, "800", "801")
    other_volunteer = make_member(other_campaign)
    knock(other_volunteer, theirs["800"]["door"], theirs["800"]["voter"], "talked", support=1)
    knock(other_volunteer, theirs["801"]["door"], None, "not_home")
    ours = street(team["campaign_id"], "802")["802"]
    knock(team["volunteer"], ours["door"], ours["voter"], "moved")
    response, _, rows = van_export()
    assert [row["VANID"] for row in rows] == ["802"] and response.headers["X-Kin-Omitted"] == ""


@pytest.mark.parametrize("door_results", [{"knocked_twice": "Knocked"}, {"moved": ""}, {"moved": "M" * 101},
                                          {"moved": 7}])
def test_a_bad_door_result_mapping_is_refused_naming_the_field(client, auth_headers, team, door_results):
    answer = client.patch(f"/api/campaigns/{team['campaign_id']}", json={"van_mapping": {
        "door_results": door_results}}, headers=auth_headers(team["owner"].user_id))
    assert answer.status_code == 422 and "door_results" in answer.json["errors"]["json"]["van_mapping"]


def test_a_door_results_change_is_audited(client, auth_headers, team, app):
    answer = client.patch(f"/api/campaigns/{team['campaign_id']}", json={"van_mapping": {
        "door_results": {"moved": "Moved Away"}}}, headers=auth_headers(team["owner"].user_id))
    assert answer.status_code == 200
    with app.app_context():
        event = db.session.execute(select(AuditEvent).where(AuditEvent.campaign_id == team["campaign_id"])
                                   .order_by(AuditEvent.id.desc())).scalars().first()
        assert (event.action, event.actor_id, event.details) == (
            "campaign.updated", team["owner"].user_id, {"fields": ["van_mapping"]})


def test_a_long_export_reads_every_batch_of_visits_once(team, street, knock, van_export, monkeypatch):
    from server.exports import service

    doors = street(team["campaign_id"], *(f"90{n}" for n in range(7)))
    for door in doors.values():
        knock(team["volunteer"], door["door"], door["voter"], "refused")
    monkeypatch.setattr(service, "BATCH", 2)
    _, _, rows = van_export()
    assert sorted(row["VANID"] for row in rows) == sorted(doors)
