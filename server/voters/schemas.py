from marshmallow import Schema, ValidationError, fields, validate, validates

from server.columns import utcnow
from server.voters.models import VOTER_FIELDS, ImportStatus
from server.voters.presets import IGNORE, PRESETS

REASON_CODE = "The reason as a stable code (server/voters/reasons.py), for saying it in another language."
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
    no_header = fields.Boolean(load_default=False, metadata={
        "description": "The first row is a voter, not column names: columns are named by number ('3=external_id')."})

    @validates("map")
    def _pairs(self, value, **_kwargs):
        errors = {}
        for index, pair in enumerate(value):
            column, sep, field = pair.partition("=")
            if not sep or not column.strip():
                errors[index] = ["Write it as 'source column=field'."]
            elif field.strip() not in (*MAPPABLE, IGNORE):
                errors[index] = [f"Unknown field {field.strip()!r}; one of: {', '.join(MAPPABLE)}, or {IGNORE}."]
        if errors:
            raise ValidationError(errors)


class VoterFileUploadSchema(VoterFileOptionsSchema):
    """A voter file and how to read it, as one multipart form."""

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class VoterFilePreviewSchema(VoterFileOptionsSchema):
    """The first bytes of a voter file (the browser sends a slice), and how to read it."""

    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                               "description": "The file's first bytes (256 KB are enough)."})
    file_size = fields.Integer(validate=validate.Range(min=0), metadata={
        "description": "The whole file's size in bytes: when larger than what was sent, the last line sent is "
                       "taken as cut short."})


def column_map(pairs: list[str]) -> dict[str, str]:
    return {column.strip(): field.strip() for column, _, field in (pair.partition("=") for pair in pairs)}


class ProblemSchema(Schema):
    line = fields.Integer()
    column = fields.String(allow_none=True)
    reason = fields.String(metadata={"description": "In English."})
    code = fields.String(allow_none=True, metadata={"description": REASON_CODE})
    params = fields.Dict(keys=fields.String(), allow_none=True, dump_default=None,
                         metadata={"description": "The values the reason names, by the code's parameter names."})
    rejected = fields.Boolean()


def _rows_per_second(job) -> float | None:
    if not job.started_at or not job.rows_read:
        return None
    seconds = ((job.finished_at or utcnow()) - job.started_at).total_seconds()
    return round(job.rows_read / max(seconds, 0.001), 1)


def _seconds_left(job) -> int | None:
    """From the share of bytes read so far; None before there is a rate, or once reading is done."""
    if job.status is not ImportStatus.RUNNING or not job.started_at or not job.bytes_read or not job.bytes_total:
        return None
    if job.read_at or job.bytes_read >= job.bytes_total:
        return None
    seconds = (utcnow() - job.started_at).total_seconds()
    return round(seconds * (job.bytes_total - job.bytes_read) / job.bytes_read)


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
    voters_skipped = fields.Integer(metadata={"description": "Rows of people the campaign forgot, left out."})
    message = fields.String()
    no_header = fields.Boolean()
    unused_columns = fields.List(fields.String(), allow_none=True,
                                 metadata={"description": "The file's columns the layout does not read."})
    priority_column = fields.String(allow_none=True, metadata={
        "description": "The campaign's priority column (its settings), when this import read priority from it."})
    would_deactivate = fields.Integer(allow_none=True, metadata={
        "description": "Set when the import stopped because it would mark more than half of the active voters "
                       "inactive: how many; upload again with allow_shrink to go on."})
    active_before = fields.Integer(allow_none=True, metadata={"description": "The active voters it counted then."})
    created_by = fields.Function(lambda job: job.created_by.display_name if job.created_by else None,
                                 allow_none=True, metadata={"type": "string", "description": "Who uploaded it."})
    read_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "When the whole file had been read; it is being checked and applied from then on."})
    rows_per_second = fields.Function(_rows_per_second, allow_none=True, metadata={"type": "number"})
    seconds_left = fields.Function(_seconds_left, allow_none=True, metadata={
        "type": "integer", "description": "Until the file is read, from the share read so far."})
    created_at = fields.AwareDateTime()
    started_at = fields.AwareDateTime(allow_none=True)
    finished_at = fields.AwareDateTime(allow_none=True)


class VoterImportDetailSchema(VoterImportSchema):
    matching_ready = fields.Integer(metadata={
        "description": "Percent of the campaign's matching tags built (100: all); voters are searchable before."})
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
    "latitude": fields.Float(allow_none=True),
    "longitude": fields.Float(allow_none=True),
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


class PreviewColumnSchema(Schema):
    position = fields.Integer(metadata={"description": "From 1: what --map takes for a file without a header."})
    name = fields.String(metadata={"description": "The header's name, the preset's, or 'Column N'."})
    read_as = fields.List(fields.String(), data_key="fields", attribute="fields",
                          metadata={"description": "The fields read from it; empty: not used."})
    samples = fields.List(fields.String())


class RowProblemSchema(Schema):
    column = fields.String(allow_none=True)
    reason = fields.String(metadata={"description": "In English."})
    code = fields.String(metadata={"description": REASON_CODE})
    params = fields.Dict(keys=fields.String(), metadata={"description": "The values the reason names."})


class PreviewRowSchema(Schema):
    line = fields.Integer()
    rejected = fields.Boolean()
    cells = fields.List(fields.String())
    values = fields.Dict(keys=fields.String(), metadata={"description": "Field -> the value it would import."})
    phones = fields.List(fields.String())
    emails = fields.List(fields.String())
    problems = fields.List(fields.Nested(RowProblemSchema))


class VoterFilePreviewResultSchema(Schema):
    format = fields.String(allow_none=True, metadata={"description": "The preset chosen or detected; null when "
                                                                     "the file cannot be read yet (see problem)."})
    format_label = fields.String(allow_none=True)
    no_header = fields.Boolean()
    problem = fields.String(allow_none=True, metadata={"description": "What keeps the file from being read."})
    columns = fields.List(fields.Nested(PreviewColumnSchema))
    unused = fields.List(fields.String(), metadata={"description": "The columns no field reads."})
    rows = fields.List(fields.Nested(PreviewRowSchema))
    priority_column = fields.String(allow_none=True, metadata={
        "description": "The campaign's priority column (its settings), when this file's priority is read from it."})
    warnings = fields.List(fields.Nested(RowProblemSchema), metadata={
        "description": "About the file as a whole: the campaign's priority column missing from it, say."})
