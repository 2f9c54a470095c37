"""Defining, changing, ordering and retiring survey questions (audited), and the campaign's questions as the sync
push and the walk list need them."""

from flask_smorest import abort
from sqlalchemy import func, select

from server.audit.models import record
from server.campaigns.models import Campaign, Membership
from server.extensions import db
from server.surveys.models import DoorAnswer, SurveyQuestion
from sync.entities import Question

MAX_ACTIVE = 20  # more than a door conversation holds


def questions_of(campaign_id: int) -> list[SurveyQuestion]:
    """The campaign's questions: active ones in order, then retired ones."""
    return list(db.session.execute(select(SurveyQuestion).where(SurveyQuestion.campaign_id == campaign_id)
                                   .order_by(SurveyQuestion.retired, SurveyQuestion.position,
                                             SurveyQuestion.id)).scalars())


def answered(campaign_id: int) -> dict[int, dict[str, int]]:
    """{question id: {answer: live visits that gave it}}."""
    counts: dict[int, dict[str, int]] = {}
    for question_id, answer, count in db.session.execute(
            select(DoorAnswer.question_id, DoorAnswer.answer, func.count())
            .where(DoorAnswer.campaign_id == campaign_id).group_by(DoorAnswer.question_id, DoorAnswer.answer)):
        counts.setdefault(question_id, {})[answer] = count
    return counts


def for_sync(campaign_id: int) -> dict[str, Question]:
    """Every question a visit may answer (retired ones too: a phone may have taken its turf before), by id."""
    return {str(q.id): Question(q.label, q.answers) for q in questions_of(campaign_id)}


def for_walk_list(campaign: Campaign) -> list[dict]:
    """The active questions, in order, as the phone shows them."""
    return [{"id": str(q.id), "label": q.label, "kind": q.kind, "options": list(q.answers)}
            for q in questions_of(campaign.id) if not q.retired]


def _has_answers(question: SurveyQuestion) -> bool:
    return db.session.execute(select(DoorAnswer.visit_id).where(
        DoorAnswer.campaign_id == question.campaign_id, DoorAnswer.question_id == question.id).limit(1)).first() \
        is not None


def _active(campaign_id: int) -> list[SurveyQuestion]:
    return [q for q in questions_of(campaign_id) if not q.retired]


def create(campaign: Campaign, actor: Membership, data: dict) -> SurveyQuestion:
    """A new question, last in the order."""
    active = _active(campaign.id)
    if len(active) >= MAX_ACTIVE:
        abort(409, message=f"At most {MAX_ACTIVE} questions at a time: retire one first.")
    question = SurveyQuestion(campaign_id=campaign.id, label=data["label"].strip(), kind=data["kind"],
                              options=[o.strip() for o in data.get("options") or ()],
                              position=max((q.position for q in active), default=-1) + 1)
    db.session.add(question)
    db.session.flush()
    record(campaign.id, actor.user_id, "survey_question.created", "survey_question", question.id, kind=question.kind)
    return question


def change(question: SurveyQuestion, actor: Membership, data: dict) -> None:
    """Change a question's words, options, place or retirement; one audit event naming what changed.

    :raise 409: new options for a question visits have answered (their answers would lose their meaning), or
        bringing back a question past the limit.
    """
    changed = []
    if "label" in data and data["label"].strip() != question.label:
        question.label = data["label"].strip()
        changed.append("label")
    if "options" in data:
        options = [o.strip() for o in data["options"]]
        if question.kind != "choice":
            abort(422, message="A yes/no question has no options of its own.",
                  errors={"json": {"options": ["A yes/no question has no options of its own."]}})
        if options != question.options:
            if _has_answers(question):
                abort(409, message="Visits have answered this question: retire it and ask a new one instead.")
            question.options = options
            changed.append("options")
    if "retired" in data and data["retired"] != question.retired:
        if not data["retired"] and len(_active(question.campaign_id)) >= MAX_ACTIVE:
            abort(409, message=f"At most {MAX_ACTIVE} questions at a time: retire one first.")
        question.retired = data["retired"]
        question.position = max((q.position for q in _active(question.campaign_id)), default=-1) + 1
        changed.append("retired")
    if "position" in data and not question.retired:
        order = [q for q in _active(question.campaign_id) if q.id != question.id]
        order.insert(min(data["position"], len(order)), question)
        if any(q.position != i for i, q in enumerate(order)):
            for i, q in enumerate(order):
                q.position = i
            changed.append("position")
    if changed:
        record(question.campaign_id, actor.user_id, "survey_question.changed", "survey_question", question.id,
               fields=changed)


def delete(question: SurveyQuestion, actor: Membership) -> None:
    """Delete a question no visit has answered.

    :raise 409: when one has: its answers are kept, so retire it instead.
    """
    if _has_answers(question):
        abort(409, message="Visits have answered this question: retire it instead, which keeps their answers.")
    record(question.campaign_id, actor.user_id, "survey_question.deleted", "survey_question", question.id)
    db.session.delete(question)


def for_van(campaign_id: int) -> list[tuple[str, str, tuple[str, ...]]]:
    """Every question (retired ones still have answers to send), as the VAN export's layout takes them."""
    return [(str(q.id), q.label, q.answers) for q in questions_of(campaign_id)]


def mapping_errors(campaign_id: int, mapped: dict) -> dict:
    """What is wrong with a VAN mapping's ``survey_questions``: a question that is not the campaign's, or a
    response for an answer its question does not have. Empty when all is well."""
    questions = {key: answers for key, _, answers in for_van(campaign_id)}
    errors = {}
    for key, mapping in mapped.items():
        if key not in questions:
            errors[key] = ["Not one of the campaign's questions."]
        elif unknown := sorted(set(mapping.get("responses") or ()) - set(questions[key])):
            errors[key] = {"responses": {answer: ["Not one of the question's answers."] for answer in unknown}}
    return errors
