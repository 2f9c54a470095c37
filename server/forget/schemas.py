from marshmallow import Schema, fields, validate

from server.forget.models import REASONS


class ForgetSchema(Schema):
    reason = fields.String(required=True, validate=validate.OneOf(REASONS), metadata={
        "description": "Why: the person asked, they died, a legal order, or another reason (never free text)."})


class ForgottenSchema(Schema):
    records = fields.Integer(metadata={"description": "Synced records purged (relationships, conversations, visits)."})
    problems = fields.Integer(metadata={"description": "Voter-file import problems that quoted the person, deleted."})
