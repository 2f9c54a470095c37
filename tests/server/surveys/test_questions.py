"""Survey questions through the API: organizers define, change, order and retire them (audited); a volunteer's
phone gets the active ones with a walk list, and a push's answers are checked against the campaign's own
questions; the console counts the answers and the VAN export carries them. On SQLite and PostgreSQL."""

import csv
import io
import uuid

import pytest
from sqlalchemy import select

from server.audit.models import AuditEvent
from server.campaigns.models import Role
from server.canvass import households
from server.canvass.models import Household, Turf, TurfHousehold
from server.columns import utcnow
from server.extensions import db
from server.voters.models import Voter
from tests.server.sync.conftest import Phone

WHEN = "2026-10-03T21:30:00-04:00"


@pytest.fixture
def camp(app, client, make_campaign, make_member, auth_headers):
    """Two campaigns, each with a voter at a door in a turf its volunteer holds; organizer, owner and volunteer
    of the first, an organizer of the second."""

    def door_of(campaign_id, holder):
        with app.app_context():
            voter = Voter(campaign_id=campaign_id, external_id=f"V{campaign_id}", first_name="Ana", last_name="Lopez",
                          house_number="1", street="Oak Avenue", zip="27601")
            db.session.add(voter)
            db.session.flush()
            households.assign(campaign_id)
            db.session.refresh(voter)  # assign() sets its household in SQL
            turf = Turf(campaign_id=campaign_id, name="Oak", cut="precinct", area={}, doors=1, voters=1,
                        holder_id=holder.id, expires_at=utcnow().replace(year=utcnow().year + 1))
            db.session.add(turf)
            db.session.flush()
            db.session.add(TurfHousehold(turf_id=turf.id, household_id=voter.household_id, campaign_id=campaign_id))
            db.session.commit()
            return turf.id, str(voter.public_id), str(db.session.get(Household, voter.household_id).public_id)

    class Camp:
        id = make_campaign(time_zone="America/New_York")
        other = make_campaign(name="Other")
        volunteer = make_member(id, Role.VOLUNTEER)
        org = auth_headers(make_member(id, Role.ORGANIZER).user_id)
        owner = auth_headers(make_member(id, Role.OWNER).user_id)
        vol = auth_headers(volunteer.user_id)
        other_org = auth_headers(make_member(other, Role.ORGANIZER).user_id)
        url = f"/api/campaigns/{id}/questions"
        turf_id, voter, door = door_of(id, volunteer)

        def ask(self, in_other=False, **body):
            answer = client.post(f"/api/campaigns/{self.other}/questions" if in_other else self.url, json=body,
                                 headers=self.other_org if in_other else self.org)
            assert answer.status_code == 201, answer.json
            return answer.json

        def talk(self, answers, result="talked", visit_id=None):
            phone = Phone(client, self.vol, self.id)
            fields = {"household_id": self.door, "voter_id": self.voter, "result": result, "happened_at": WHEN,
                      "support": 2 if result == "talked" else None, "answers": answers}
            return phone.push(phone.op("door_visit", visit_id or str(uuid.uuid4()), fields)).json["results"][0]

    return Camp()


def test_organizers_define_yes_no_and_choice_questions_in_order(client, camp):
    sign = camp.ask(label="Yard sign?", kind="yes_no")
    vote = camp.ask(label="How will you vote?", kind="choice", options=["Early", "Mail", "Election day"])
    assert (sign["options"], sign["position"], sign["retired"], sign["answered"]) == ([], 0, False, {})
    assert (vote["options"], vote["position"]) == (["Early", "Mail", "Election day"], 1)
    listed = client.get(camp.url, headers=camp.org).json
    assert [q["label"] for q in listed] == ["Yard sign?", "How will you vote?"]


@pytest.mark.parametrize(("body", "field"), [
    ({"kind": "yes_no"}, "label"),
    ({"label": "", "kind": "yes_no"}, "label"),
    ({"label": "x" * 121, "kind": "yes_no"}, "label"),
    ({"label": "Q", "kind": "scale"}, "kind"),
    ({"label": "Q", "kind": "choice"}, "options"),
    ({"label": "Q", "kind": "choice", "options": ["Only one"]}, "options"),
    ({"label": "Q", "kind": "choice", "options": [str(n) for n in range(9)]}, "options"),
    ({"label": "Q", "kind": "choice", "options": ["Mail", "mail "]}, "options"),
    ({"label": "Q", "kind": "choice", "options": ["Mail", ""]}, "options"),
    ({"label": "Q", "kind": "yes_no", "options": ["Yes", "No"]}, "options"),
])
def test_a_bad_question_is_refused_naming_the_field(client, camp, body, field):
    answer = client.post(camp.url, json=body, headers=camp.org)
    assert answer.status_code == 422
    assert field in answer.json["errors"]["json"]


def test_volunteers_cannot_see_or_define_questions_and_another_campaign_cannot_touch_them(client, camp):
    question = camp.ask(label="Yard sign?", kind="yes_no")
    assert client.get(camp.url, headers=camp.vol).status_code == 403
    assert client.post(camp.url, json={"label": "Q", "kind": "yes_no"}, headers=camp.vol).status_code == 403
    other_url = f"/api/campaigns/{camp.other}/questions"
    assert client.get(other_url, headers=camp.other_org).json == []
    # the other campaign's organizer names this campaign's question through their own campaign: no such question
    assert client.patch(f"{other_url}/{question['id']}", json={"retired": True},
                        headers=camp.other_org).status_code == 404
    assert client.delete(f"{other_url}/{question['id']}", headers=camp.other_org).status_code == 404
    assert client.get(camp.url, headers=camp.org).json[0]["retired"] is False


def test_every_change_is_audited_naming_what_changed_never_the_words(app, client, camp):
    question = camp.ask(label="Yard sign?", kind="yes_no")
    client.patch(f"{camp.url}/{question['id']}", json={"label": "A yard sign?", "retired": True}, headers=camp.org)
    client.delete(f"{camp.url}/{question['id']}", headers=camp.owner)
    with app.app_context():
        events = db.session.execute(select(AuditEvent.action, AuditEvent.details).where(
            AuditEvent.campaign_id == camp.id, AuditEvent.target_type == "survey_question")
            .order_by(AuditEvent.id)).all()
    assert [(action, details) for action, details in events] == [
        ("survey_question.created", {"kind": "yes_no"}),
        ("survey_question.changed", {"fields": ["label", "retired"]}),
        ("survey_question.deleted", {})]


def test_moving_a_question_moves_the_others_along(client, camp):
    ids = [camp.ask(label=label, kind="yes_no")["id"] for label in ("A?", "B?", "C?")]
    client.patch(f"{camp.url}/{ids[2]}", json={"position": 0}, headers=camp.org)
    assert [q["label"] for q in client.get(camp.url, headers=camp.org).json] == ["C?", "A?", "B?"]


def test_the_walk_list_carries_the_active_questions_only(client, camp):
    sign = camp.ask(label="Yard sign?", kind="yes_no")
    camp.ask(label="How will you vote?", kind="choice", options=["Early", "Mail"])
    walk_list = f"/api/campaigns/{camp.id}/turfs/{camp.turf_id}/walk-list"
    before = client.get(walk_list, headers=camp.vol)
    assert before.json["questions"]["survey"] == [
        {"id": str(sign["id"]), "label": "Yard sign?", "kind": "yes_no", "options": ["yes", "no"]},
        {"id": str(sign["id"] + 1), "label": "How will you vote?", "kind": "choice", "options": ["Early", "Mail"]}]
    client.patch(f"{camp.url}/{sign['id']}", json={"retired": True}, headers=camp.org)
    after = client.get(walk_list, headers={**camp.vol, "If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200  # the phone hears the list changed
    assert [q["label"] for q in after.json["questions"]["survey"]] == ["How will you vote?"]


def test_a_pushed_answer_is_checked_against_the_campaigns_questions(client, camp):
    sign = camp.ask(label="Yard sign?", kind="yes_no")
    vote = camp.ask(label="How will you vote?", kind="choice", options=["Early", "Mail"])
    foreign = camp.ask(in_other=True, label="Volunteer?", kind="yes_no")
    refused = camp.talk({str(vote["id"]): "By pigeon"})
    assert refused["status"] == "rejected"
    assert refused["errors"] == {"answers": ["“How will you vote?”: not one of Early, Mail."]}
    assert refused["codes"]["answers"][0]["code"] == "not_an_option"
    # another campaign's question id is no question here
    refused = camp.talk({str(foreign["id"]): "yes"})
    assert refused["status"] == "rejected" and refused["codes"]["answers"][0]["code"] == "no_such_question"
    assert camp.talk({str(sign["id"]): "yes", str(vote["id"]): "Mail"})["status"] == "applied"
    assert camp.talk({str(sign["id"]): "yes"}, result="refused")["status"] == "rejected"  # only after a talk
    answered = {q["label"]: q["answered"] for q in client.get(camp.url, headers=camp.org).json}
    assert answered == {"Yard sign?": {"yes": 1}, "How will you vote?": {"Mail": 1}}


def test_changing_or_deleting_an_answered_question_is_refused_but_retiring_keeps_its_answers(client, camp):
    vote = camp.ask(label="How will you vote?", kind="choice", options=["Early", "Mail"])
    unanswered = camp.ask(label="Yard sign?", kind="yes_no")
    assert camp.talk({str(vote["id"]): "Early"})["status"] == "applied"
    url = f"{camp.url}/{vote['id']}"
    assert client.patch(url, json={"options": ["Early", "By mail"]}, headers=camp.org).status_code == 409
    assert client.delete(url, headers=camp.org).status_code == 409
    assert client.patch(url, json={"label": "Your plan to vote?"}, headers=camp.org).status_code == 200
    retired = client.patch(url, json={"retired": True}, headers=camp.org).json
    assert (retired["retired"], retired["answered"]) == (True, {"Early": 1})
    assert client.delete(f"{camp.url}/{unanswered['id']}", headers=camp.org).status_code == 204
    # a phone that took its turf before the question was retired may still answer it
    assert camp.talk({str(vote["id"]): "Mail"})["status"] == "applied"


def test_a_visit_that_is_no_longer_a_talk_stops_counting_its_answers(client, camp):
    sign = camp.ask(label="Yard sign?", kind="yes_no")
    visit = str(uuid.uuid4())
    camp.talk({str(sign["id"]): "no"}, visit_id=visit)
    phone = Phone(client, camp.vol, camp.id)
    assert phone.push(phone.op("door_visit", visit, {"result": "refused", "support": None})).json[
        "results"][0]["status"] == "applied"
    assert client.get(camp.url, headers=camp.org).json[0]["answered"] == {}
    assert client.delete(f"{camp.url}/{sign['id']}", headers=camp.org).status_code == 204


def van_rows(client, camp):
    answer = client.get(f"/api/campaigns/{camp.id}/exports/van-canvass-results.csv", headers=camp.org)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    header, *rows = csv.reader(io.StringIO(answer.get_data(as_text=True), newline=""))
    return answer.headers["X-Kin-Omitted"], header, [dict(zip(header, row, strict=True)) for row in rows]


def test_the_van_export_carries_mapped_answers_and_says_which_questions_it_leaves_out(client, camp):
    sign = camp.ask(label="Yard sign?", kind="yes_no")
    vote = camp.ask(label="How will you vote?", kind="choice", options=["Early", "Mail"])
    camp.talk({str(sign["id"]): "yes", str(vote["id"]): "Mail"})
    omitted, header, _ = van_rows(client, camp)
    assert "question \"Yard sign?\" (no survey question mapped)" in omitted
    assert "Yard sign?" not in header
    mapping = {"survey_questions": {str(sign["id"]): {"question": "Yard Sign", "responses": {"yes": "Yes"}}}}
    assert client.patch(f"/api/campaigns/{camp.id}", json={"van_mapping": mapping},
                        headers=camp.owner).status_code == 200
    omitted, header, [row] = van_rows(client, camp)
    assert header[5:7] == ["Support", "Yard Sign"]
    assert row["Yard Sign"] == "Yes" and row["Result"] == "Canvassed"
    assert "question \"Yard sign?\" answer \"no\" (no response mapped)" in omitted
    assert "question \"How will you vote?\" (no survey question mapped)" in omitted


def test_the_header_of_what_is_left_out_is_ascii_whatever_a_question_is_written_in(client, camp):
    camp.ask(label="¿Votarás? “Sí” 🗳", kind="yes_no")
    omitted, _, _ = van_rows(client, camp)
    assert omitted.isascii()  # gunicorn answers 500 for a header it cannot send as Latin-1
    assert '\\u201cS\\xed\\u201d \\U0001f5f3' in omitted


@pytest.mark.parametrize(("mapping", "where"), [
    ({"999999": {"question": "Yard Sign"}}, ["999999"]),
    ({"<sign>": {"question": "Yard Sign", "responses": {"maybe": "Maybe"}}}, ["<sign>", "responses", "maybe"]),
])
def test_a_van_mapping_names_only_the_campaigns_questions_and_their_answers(client, camp, mapping, where):
    sign = camp.ask(label="Yard sign?", kind="yes_no")
    foreign = camp.ask(in_other=True, label="Volunteer?", kind="yes_no")
    mapping = {key.replace("<sign>", str(sign["id"])).replace("999999", str(foreign["id"])): value
               for key, value in mapping.items()}
    answer = client.patch(f"/api/campaigns/{camp.id}", json={"van_mapping": {"survey_questions": mapping}},
                          headers=camp.owner)
    assert answer.status_code == 422
    errors = answer.json["errors"]["json"]["van_mapping"]["survey_questions"]
    for key in where:
        errors = errors[key.replace("<sign>", str(sign["id"])).replace("999999", str(foreign["id"]))]
    assert errors


def test_organizers_cannot_change_the_van_mapping(client, camp):
    mapping = {"survey_questions": {}}
    assert client.patch(f"/api/campaigns/{camp.id}", json={"van_mapping": mapping}, headers=camp.org).status_code == 403
