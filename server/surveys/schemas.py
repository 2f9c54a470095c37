from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

KINDS = ("yes_no", "choice")
LABEL = validate.Length(min=1, max=120)
OPTION = fields.String(validate=validate.Length(min=1, max=60))
OPTIONS = validate.Length(min=2, max=8)


def _distinct(options):
    if options is not None and len({o.strip().casefold() for o in options}) < len(options):
        raise ValidationError("Lists an option twice.", "options")


class QuestionSchema(Schema):
    id = fields.Integer(dump_only=True)
    label = fields.String(metadata={"description": "The words a volunteer reads at the door."})
    kind = fields.String(metadata={"description": "yes_no, or choice (one of its options)."})
    options = fields.List(fields.String(), metadata={"description": "A choice's answers; [] for yes/no."})
    position = fields.Integer()
    retired = fields.Boolean(metadata={"description": "Hidden from new walk lists, kept for its answers."})
    answered = fields.Dict(keys=fields.String(), values=fields.Integer(), metadata={
        "description": "How many live door visits gave each answer."})


class QuestionCreateSchema(Schema):
    class Meta:
        unknown = RAISE

    label = fields.String(required=True, validate=LABEL)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    options = fields.List(OPTION, load_default=None, validate=OPTIONS,
                          metadata={"description": "2-8 answers for a choice; none for yes/no."})

    @validates_schema
    def _options_fit_kind(self, data, **_kwargs):
        if data.get("kind") == "choice" and not data.get("options"):
            raise ValidationError("A choice needs 2 to 8 options.", "options")
        if data.get("kind") == "yes_no" and data.get("options"):
            raise ValidationError("A yes/no question has no options of its own.", "options")
        _distinct(data.get("options"))


class QuestionChangeSchema(Schema):
    class Meta:
        unknown = RAISE

    label = fields.String(validate=LABEL)
    options = fields.List(OPTION, validate=OPTIONS, metadata={
        "description": "A choice's answers; only while no visit has answered it (retire it and ask anew)."})
    retired = fields.Boolean()
    position = fields.Integer(validate=validate.Range(min=0, max=1000), metadata={
        "description": "Where it goes among the campaign's questions (0: first); the others move along."})

    @validates_schema
    def _some_change(self, data, **_kwargs):
        if not data:
            raise ValidationError("Give at least one of label, options, retired or position.", "_schema")
        _distinct(data.get("options"))
