"""A door visit's answers to the campaign's own survey questions: each names one of the campaign's questions and
one of its options, only after a talk, and an error names the question by its words."""

from dataclasses import replace

from sync.decide import decide
from sync.entities import DOOR_VISIT, VOLUNTEER, Question, validate
from sync.hlc import Stamp
from sync.protocol import Action, Op, Status

HOUSEHOLD = "00000000-0000-4000-8000-0000000000aa"
TALK = {"household_id": HOUSEHOLD, "result": "talked", "happened_at": "2026-10-03T11:02:00-04:00"}
QUESTIONS = {"7": Question("Yard sign?", ("yes", "no")),
             "9": Question("Best way to vote?", ("Early", "Mail", "Election day"))}


def errors(fields, current=None, questions=QUESTIONS):
    return validate(DOOR_VISIT, fields, VOLUNTEER, issue_tags=None, current=current, questions=questions)


def test_answers_to_the_campaigns_questions_are_accepted():
    assert errors({**TALK, "answers": {"7": "yes", "9": "Mail"}}) == {}
    assert errors({"answers": {"9": "Election day"}}, current=TALK) == {}
    assert errors({"answers": {}}, current=TALK) == {}  # none answered: every question is optional


def test_an_answer_that_is_not_one_of_its_options_names_the_question():
    problem = errors({**TALK, "answers": {"7": "yes", "9": "By carrier pigeon"}})["answers"][0]
    assert problem == "“Best way to vote?”: not one of Early, Mail, Election day."
    assert problem.code == "not_an_option"
    assert problem.params == {"question": "9", "label": "Best way to vote?",
                              "choices": ["Early", "Mail", "Election day"]}


def test_a_yes_no_question_takes_only_yes_or_no():
    for bad in ("Yes", True, None, 1, ["yes"]):
        assert errors({**TALK, "answers": {"7": bad}})["answers"][0].code == "not_an_option", bad


def test_a_question_the_campaign_does_not_have_is_refused():
    problem = errors({**TALK, "answers": {"8": "yes"}})["answers"][0]
    assert (problem.code, problem.params) == ("no_such_question", {"question": "8"})
    assert errors({**TALK, "answers": {"7": "yes"}}, questions={})["answers"][0].code == "no_such_question"


def test_answers_are_a_mapping_of_bounded_size():
    assert errors({**TALK, "answers": ["yes"]})["answers"][0].code == "not_answers"
    many = {str(n): "yes" for n in range(51)}
    assert errors({**TALK, "answers": many}, questions={key: Question("Q", ("yes", "no")) for key in many}) == {
        "answers": ["More than 50 items."]}


def test_answers_come_only_with_a_talk():
    assert errors({**TALK, "result": "not_home", "answers": {"7": "yes"}}) == {
        "answers": ["Only when result is talked."]}
    assert errors({"answers": {"7": "no"}}, current={**TALK, "result": "refused"})["answers"][0].code == "only_with"


def test_decide_rejects_the_op_and_keeps_nothing():
    op = Op("11111111-1111-4111-8111-111111111111", "door_visit", "22222222-2222-4222-8222-222222222222",
            Action.UPSERT, {**TALK, "answers": {"9": "Maybe"}}, Stamp(1_700_000_000_000, 0, "a" * 16))
    decision = decide(op, role=VOLUNTEER, current=None, already=None, questions=QUESTIONS)
    assert decision.result.status is Status.REJECTED and decision.record is None
    assert list(decision.result.errors) == ["answers"]
    applied = decide(replace(op, fields={**TALK, "answers": {"9": "Mail"}}), role=VOLUNTEER, current=None,
                     already=None, questions=QUESTIONS)
    assert applied.result.status is Status.APPLIED and applied.record.values["answers"] == {"9": "Mail"}
