from marshmallow import Schema, fields, validate

from server.exports.models import ExportKind

SINCE = fields.String(validate=validate.Length(min=1, max=64), metadata={
    "description": "Only conversations (and, for VAN, door visits) changed since then: an earlier export's id of the "
                   "same kind (exact), or an ISO 8601 time with its offset."})


class VanExportQuerySchema(Schema):
    since = SINCE


class ConversationExportQuerySchema(VanExportQuerySchema):
    notes = fields.Boolean(load_default=False, metadata={"description": "Add the volunteers' notes (off: left out)."})


FILES = {"conversations.csv": ExportKind.CONVERSATIONS, "van-canvass-results.csv": ExportKind.VAN}


class TicketRequestSchema(Schema):
    file = fields.String(required=True, validate=validate.OneOf(list(FILES)))
    since = SINCE
    notes = fields.Boolean(load_default=False, metadata={"description": "conversations.csv only: add the notes."})


class TicketSchema(Schema):
    url = fields.String(metadata={"description": "GET it once, within a minute, without a token: the file, as an "
                                                 "attachment."})
    expires_at = fields.AwareDateTime()


class ExportSchema(Schema):
    id = fields.Integer()
    kind = fields.Enum(ExportKind, by_value=True)
    created_by_id = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()
    since_export_id = fields.Integer(allow_none=True)
    since_time = fields.AwareDateTime(allow_none=True)
    with_notes = fields.Boolean()
    row_count = fields.Integer(allow_none=True, metadata={"description": "Rows sent; null while it streams."})
    complete = fields.Boolean(metadata={"description": "False: the download stopped before its end."})
    finished_at = fields.AwareDateTime(allow_none=True)
