"""The review API's inputs and answers."""

from marshmallow import Schema, fields, validate

from server.request_input import MAX_ID
from sync.entities import CHANNELS

MAX_PAGE = 200
MAX_BULK = 500


class ReviewFilterSchema(Schema):
    # a query string holds text, so not the strict Id of a JSON body
    volunteer = fields.Integer(validate=validate.Range(min=1, max=MAX_ID),
                               metadata={"description": "Only this volunteer's conversations (their user id)."})
    from_ = fields.Date(data_key="from", metadata={"description": "On or after this day, in the campaign's time zone."})
    to = fields.Date(metadata={"description": "On or before this day, in the campaign's time zone."})
    support = fields.List(fields.Integer(strict=False, validate=validate.Range(min=1, max=5)),
                          validate=validate.Length(max=5),
                          metadata={"description": "One or several support levels: support=1&support=2."})
    issue = fields.String(validate=validate.Length(min=1, max=40))
    reviewed = fields.Boolean()
    flagged = fields.Boolean(metadata={"description": "Flagged (or not) for follow-up by staff."})
    cursor = fields.String(validate=validate.Length(max=200),
                           metadata={"description": "The cursor of the page before; none for the first page."})
    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGE))


class ReviewSchema(Schema):
    reviewed = fields.Boolean()
    review_reply = fields.String(validate=validate.Length(max=2000))
    flagged_for_follow_up = fields.Boolean()


class BulkReviewSchema(Schema):
    ids = fields.List(fields.UUID(), required=True, validate=validate.Length(min=1, max=MAX_BULK))
    reviewed = fields.Boolean(required=True)


class ConversationVoterSchema(Schema):
    """Who was talked to, from the voter file (organizers see the file)."""

    id = fields.UUID(metadata={"description": "The voter's public id."})
    external_id = fields.String(metadata={"description": "The id in the state file or VAN (VANID)."})
    first_name = fields.String()
    last_name = fields.String()
    city = fields.String()
    age = fields.Integer(allow_none=True)
    priority = fields.Boolean()
    refused = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), metadata={
        "description": "The channels they asked not to be contacted by: every one when not at all, none when they "
                       "asked nothing (GET/PUT .../voters/{id}/contact-preference changes it)."})


class PersonSchema(Schema):
    id = fields.Integer(metadata={"description": "The user id."})
    display_name = fields.String()


class ConversationSchema(Schema):
    id = fields.UUID()
    relationship_id = fields.UUID(allow_none=True)
    voter = fields.Nested(ConversationVoterSchema, allow_none=True)
    volunteer = fields.Nested(PersonSchema)
    happened_at = fields.AwareDateTime()
    channel = fields.String()
    support = fields.Integer(allow_none=True, metadata={"description": "1 strong support … 5 strong oppose."})
    issues = fields.List(fields.String())
    registered = fields.Boolean(allow_none=True)
    vote_method = fields.String(allow_none=True)
    vote_on = fields.Date(allow_none=True)
    follow_up_on = fields.Date(allow_none=True)
    notes = fields.String()
    reviewed = fields.Boolean()
    review_reply = fields.String()
    flagged_for_follow_up = fields.Boolean()
    reviewed_at = fields.AwareDateTime(allow_none=True)
    reviewed_by = fields.Nested(PersonSchema, allow_none=True)
    updated_at = fields.AwareDateTime()


class ConversationPageSchema(Schema):
    conversations = fields.List(fields.Nested(ConversationSchema), required=True)
    cursor = fields.String(allow_none=True, required=True,
                           metadata={"description": "Send it back as ?cursor= for the next page; null at the end."})
    more = fields.Boolean(required=True)


class BulkReviewResultSchema(Schema):
    conversations = fields.List(fields.Nested(ConversationSchema), required=True,
                                metadata={"description": "The conversations as they are now, in the order sent."})
