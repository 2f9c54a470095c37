"""The dashboard's filters and its one answer."""

from marshmallow import Schema, fields, validate

from server.request_input import MAX_ID

SORTS = ("name", "relationships", "conversations", "last_active_at", "contact_rate", "follow_ups_overdue")
MAX_ROWS = 200


class DashboardFilterSchema(Schema):
    # a query string holds text, so not the strict Id of a JSON body
    from_ = fields.Date(data_key="from", metadata={"description": "From this day, in the campaign's time zone."})
    to = fields.Date(metadata={"description": "To this day (included), in the campaign's time zone; today if none."})
    volunteer = fields.Integer(validate=validate.Range(min=1, max=MAX_ID),
                               metadata={"description": "Only this member's work (their user id)."})
    priority = fields.Boolean(load_default=False, metadata={"description": "Only the campaign's priority voters."})
    sort = fields.String(load_default="conversations", validate=validate.OneOf(SORTS),
                         metadata={"description": "The volunteers table's order."})
    desc = fields.Boolean(load_default=True, metadata={"description": "Largest (or latest, or Z) first."})
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_ID),
                            metadata={"description": "Volunteers rows to skip (pages of the table)."})
    limit = fields.Integer(load_default=100, validate=validate.Range(min=1, max=MAX_ROWS),
                           metadata={"description": "Volunteers rows to send."})


class TileSchema(Schema):
    value = fields.Integer(required=True)
    change = fields.Integer(required=True, metadata={"description": "Over the last 7 days of the range."})


class RateTileSchema(Schema):
    value = fields.Float(allow_none=True, required=True, metadata={"description": "Null without a door knocked."})
    change = fields.Float(allow_none=True, required=True, metadata={"description": "The rate in the last 7 days."})


class TilesSchema(Schema):
    volunteers_joined = fields.Nested(TileSchema, required=True)
    volunteers_active = fields.Nested(TileSchema, required=True)
    relationships = fields.Nested(TileSchema, required=True)
    contacted = fields.Nested(TileSchema, required=True)
    supporters = fields.Nested(TileSchema, required=True)
    vote_plans = fields.Nested(TileSchema, required=True)
    follow_ups_overdue = fields.Nested(TileSchema, required=True)
    doors_knocked = fields.Nested(TileSchema, required=True)
    door_contacts = fields.Nested(TileSchema, required=True)
    door_contact_rate = fields.Nested(RateTileSchema, required=True)


class StepSchema(Schema):
    key = fields.String(required=True)
    value = fields.Integer(required=True)


class SeriesSchema(Schema):
    days = fields.List(fields.Date(), required=True)
    conversations = fields.Dict(keys=fields.String(), values=fields.List(fields.Integer()), required=True,
                                metadata={"description": "Per channel, one count per day."})
    relationships = fields.List(fields.Integer(), required=True)
    door_visits = fields.List(fields.Integer(), required=True)


class VolunteerRowSchema(Schema):
    id = fields.Integer(required=True, metadata={"description": "The user id (the review list's ?volunteer=)."})
    display_name = fields.String(required=True)
    relationships = fields.Integer(required=True)
    conversations = fields.Integer(required=True)
    contacted_relationships = fields.Integer(required=True)
    contact_rate = fields.Float(allow_none=True, required=True,
                                metadata={"description": "Contacted relationships / relationships, but those whose "
                                          "voter asked not to be contacted at all before they were reached; null "
                                          "with none."})
    last_active_at = fields.AwareDateTime(allow_none=True, required=True)
    follow_ups_overdue = fields.Integer(required=True)


class VolunteersSchema(Schema):
    total = fields.Integer(required=True, metadata={"description": "Rows in the whole table."})
    offset = fields.Integer(required=True)
    rows = fields.List(fields.Nested(VolunteerRowSchema), required=True)


class SupportSchema(Schema):
    level = fields.Integer(required=True)
    voters = fields.Integer(required=True)


class IssueSchema(Schema):
    issue = fields.String(required=True)
    conversations = fields.Integer(required=True)


class DoorResultSchema(Schema):
    result = fields.String(required=True)
    visits = fields.Integer(required=True)
    change = fields.Integer(required=True, metadata={"description": "Over the last 7 days of the range."})


class DashboardSchema(Schema):
    today = fields.Date(required=True)
    from_ = fields.Date(data_key="from", allow_none=True, required=True)
    to = fields.Date(required=True)
    tiles = fields.Nested(TilesSchema, required=True)
    funnel = fields.List(fields.Nested(StepSchema), required=True)
    series = fields.Nested(SeriesSchema, required=True)
    volunteers = fields.Nested(VolunteersSchema, required=True)
    support = fields.List(fields.Nested(SupportSchema), required=True)
    issues = fields.List(fields.Nested(IssueSchema), required=True)
    door_results = fields.List(fields.Nested(DoorResultSchema), required=True)
