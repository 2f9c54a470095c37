from flask.views import MethodView

from server.blueprint import Blueprint
from server.campaigns.models import Role
from server.extensions import db
from server.scoping import current_campaign, current_membership, requires_role
from server.surveys import service
from server.surveys.models import SurveyQuestion
from server.surveys.schemas import QuestionChangeSchema, QuestionCreateSchema, QuestionSchema

blp = Blueprint("questions", __name__, url_prefix="/api/campaigns/<int:campaign_id>/questions",
                description="The campaign's survey questions for the door, and how visits answered them.")


def _shown(questions: list[SurveyQuestion]) -> list[SurveyQuestion]:
    counts = service.answered(current_campaign().id)
    for question in questions:
        question.answered = counts.get(question.id, {})
    return questions


@blp.route("")
class Questions(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.response(200, QuestionSchema(many=True))
    def get(self):
        """The campaign's questions, active ones in the order volunteers see them, then retired ones; each with
        how many visits gave each answer. (Volunteers get the active ones with a turf's walk list.)"""
        return _shown(service.questions_of(current_campaign().id))

    @requires_role(Role.ORGANIZER)
    @blp.arguments(QuestionCreateSchema)
    @blp.response(201, QuestionSchema)
    @blp.errors(409)
    @blp.links(201, ChangeQuestion=("patch", "/{question_id}", {"question_id": "$response.body#/id"}))
    def post(self, data):
        """Add a question, last in the order; writes an audit event."""
        question = service.create(current_campaign(), current_membership(), data)
        db.session.commit()
        return _shown([question])[0]


@blp.route("/<int:question_id>")
class QuestionById(MethodView):
    @requires_role(Role.ORGANIZER)
    @blp.arguments(QuestionChangeSchema)
    @blp.response(200, QuestionSchema)
    @blp.errors(409)
    def patch(self, data, question_id):
        """Change a question's words, its options (while unanswered), its place, or retire it; audited."""
        question = SurveyQuestion.get_in_campaign(question_id, current_campaign())
        service.change(question, current_membership(), data)
        db.session.commit()
        return _shown([question])[0]

    @requires_role(Role.ORGANIZER)
    @blp.response(204)
    @blp.errors(409)
    def delete(self, question_id):
        """Delete a question no visit has answered (one that has is retired instead); audited."""
        service.delete(SurveyQuestion.get_in_campaign(question_id, current_campaign()), current_membership())
        db.session.commit()
