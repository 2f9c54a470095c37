from marshmallow import Schema, ValidationError, fields, validate, validates

from server.voters.models import VOTER_FIELDS, ImportStatus
from server.voters.presets import PRESETS

MAPPABLE = ("external_id", *VOTER_FIELDS, "phones", "emails", "address")  # address: house number + street


class VoterFileOptionsSchema(Schema):
    format = fields.String(load_default="auto", validate=validate.OneOf(("auto", *PRESETS)),
                           metadata={"description": "A preset name, or auto to detect it."})
    map = fields.List(fields.String(validate=validate.Length(max=300)), load_default=list,
                      validate=validate.Length(max=100),
                      metadata={"description": "Overrides, each 'source column=field'."})
    allow_shrink = fields.Boolean(load_default=False, metadata={
        "description": "Confirm a file that marks more than half of the active voters inactive; without it, such "
                       "an import stops and keeps the voter file as it was."})

    @validates("map")
    def _pairs(self, value, **_kwargs):
        errors = {}
        for index, pair in enumerate(value):
            column, sep, field = pair.partition("=")
            if not sep or not column.strip():
                errors[index] = ["Write it as 'source column=field'."]
            elif field.strip() not in MAPPABLE:
                errors[index] = [f"Unknown field {field.strip()!r}; one of: {', '.join(MAPPABLE)}."]
        if errors:
            raise ValidationError(errors)


class VoterFileUploadSchema(VoterFileOptionsSchema):
    """A voter file and how to read it, as one multipart form."""

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


def column_map(pairs: list[str]) -> dict[str, str]:
    return {column.strip(): field.strip() for column, _, field in (pair.partition("=") for pair in pairs)}


class ProblemSchema(Schema):
    line = fields.Integer()
    column = fields.String(allow_none=True)
    reason = fields.String()
    rejected = fields.Boolean()


class VoterImportSchema(Schema):
    id = fields.Integer()
    status = fields.Enum(ImportStatus, by_value=True)
    filename = fields.String()
    requested_format = fields.String()
    format = fields.String(allow_none=True)
    column_map = fields.Dict()
    allow_shrink = fields.Boolean()
    bytes_total = fields.Integer(allow_none=True)
    bytes_read = fields.Integer()
    rows_read = fields.Integer()
    rows_rejected = fields.Integer()
    rows_with_warnings = fields.Integer()
    voters_added = fields.Integer()
    voters_updated = fields.Integer()
    voters_deactivated = fields.Integer()
    message = fields.String()
    created_at = fields.AwareDateTime()
    started_at = fields.AwareDateTime(allow_none=True)
    finished_at = fields.AwareDateTime(allow_none=True)


class VoterImportDetailSchema(VoterImportSchema):
    problems = fields.List(fields.Nested(ProblemSchema), metadata={"description": "The first 100; all as CSV."})


class VoterSearchArgsSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=2, max=100))
    city = fields.String(validate=validate.Length(max=100))
    zip = fields.String(validate=validate.Length(max=10))
    age = fields.Integer(validate=validate.Range(min=16, max=120))
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=50))


class VoterCardSchema(Schema):
    """The least a volunteer needs to recognise a friend."""

    id = fields.UUID()
    first_name = fields.String()
    last_initial = fields.String()
    age = fields.Integer(allow_none=True)
    city = fields.String()
    priority = fields.Boolean(metadata={"description": "The campaign wants this voter reached first."})


# the full record, for organizers: every voter-file field, built from the one list of them
VoterSchema = Schema.from_dict({
    "id": fields.UUID(attribute="public_id"),
    "external_id": fields.String(),
    **{name: fields.String() for name in VOTER_FIELDS},
    "birth_year": fields.Integer(allow_none=True),
    "priority": fields.Boolean(metadata={"description": "The campaign wants this voter reached first."}),
    "active": fields.Boolean(),
    "updated_at": fields.AwareDateTime(),
    "phones": fields.List(fields.String()),
    "emails": fields.List(fields.String()),
}, name="Voter")


class VoterListArgsSchema(Schema):
    name = fields.String(validate=validate.Length(max=100))
    city = fields.String(validate=validate.Length(max=100))
    zip = fields.String(validate=validate.Length(max=10))
    precinct = fields.String(validate=validate.Length(max=50))
    active = fields.Boolean()
