from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from server.canvass.turfs import take_url

NAME = fields.String(required=True, validate=validate.Length(min=1, max=100))
DAYS = fields.Integer(load_default=None, validate=validate.Range(min=1, max=365),
                      metadata={"description": "Days until the turf expires (14 when not given)."})


class StreetSchema(Schema):
    street = fields.String(required=True, validate=validate.Length(min=1, max=200))
    zip = fields.String(required=True, validate=validate.Length(max=5))
    city = fields.String(dump_only=True)
    doors = fields.Integer(dump_only=True)
    voters = fields.Integer(dump_only=True)


class PrecinctSchema(Schema):
    precinct = fields.String()
    doors = fields.Integer()
    voters = fields.Integer()


class PolygonSchema(Schema):
    polygon = fields.Dict(required=True, metadata={
        "description": "A GeoJSON Polygon or MultiPolygon geometry, [longitude, latitude] in degrees."})


class CountSchema(Schema):
    doors = fields.Integer()
    voters = fields.Integer()


def _column(items: str, description: str) -> fields.Raw:
    """A column of the map's buildings, written as it is: 40,000 items through a marshmallow field each took most
    of the answer's time."""
    return fields.Raw(required=True, metadata={"type": "array", "items": {"type": items}, "description": description})


class MapBuildingsSchema(Schema):
    """Buildings with coordinates and at least one door, as columns: the n-th building is the n-th of each."""

    longitude = _column("number", "Its longitude, to six decimals.")
    latitude = _column("number", "Its latitude, to six decimals.")
    street = _column("integer", "Its street, as its place in ``streets``.")
    doors = _column("integer", "Its households with an active voter.")
    free = _column("integer", "Of those, the doors in no live turf: free to cut.")


class MapTurfSchema(Schema):
    id = fields.Integer()
    outline = fields.Dict(allow_none=True, metadata={
        "description": "GeoJSON: the polygon the turf was cut with, else the hull of its buildings; null when none "
                       "of its doors has coordinates."})


class TurfMapSchema(Schema):
    buildings = fields.Nested(MapBuildingsSchema)
    streets = fields.List(fields.String(), metadata={"description": "The buildings' street names, each once."})
    unplaced = fields.Integer(metadata={"description": "Doors whose building has no coordinates: not on the map."})
    turfs = fields.List(fields.Nested(MapTurfSchema), metadata={"description": "Every live turf's outline."})


class TurfCutSchema(Schema):
    """One turf: exactly one of a precinct, streets or a polygon."""

    class Meta:
        unknown = RAISE

    name = NAME
    days = DAYS
    precinct = fields.String(validate=validate.Length(min=1, max=50))
    streets = fields.List(fields.Nested(StreetSchema), validate=validate.Length(min=1, max=500))
    polygon = fields.Dict(metadata={"description": "A GeoJSON Polygon or MultiPolygon geometry."})

    @validates_schema
    def one_area(self, data, **_kwargs):
        given = [name for name in ("precinct", "streets", "polygon") if name in data]
        if len(given) != 1:
            raise ValidationError("Give exactly one of precinct, streets or polygon.", "_schema")


class UniverseSchema(Schema):
    priority = fields.Boolean(load_default=False, metadata={"description": "Only doors with a priority voter."})
    not_contacted = fields.Boolean(load_default=False, metadata={
        "description": "Only voters no one has talked to yet (no conversation, no door where someone talked)."})
    precinct = fields.String(load_default=None, validate=validate.Length(min=1, max=50))


class TurfAutoSchema(Schema):
    name = NAME
    days = DAYS
    count = fields.Integer(required=True, validate=validate.Range(min=1, max=500))
    universe = fields.Nested(UniverseSchema, load_default=dict)


class TurfProgressSchema(Schema):
    knocked = fields.Integer(metadata={"description": "Doors with at least one visit since the turf was cut."})
    contacts = fields.Integer(metadata={"description": "Doors where someone talked."})
    contact_rate = fields.Float(allow_none=True, metadata={"description": "Contacts over doors knocked."})


class TurfSchema(Schema):
    """A turf as its list shows it. ``take_url`` and ``take_token`` only for organizers."""

    id = fields.Integer(attribute="turf.id")
    name = fields.String(attribute="turf.name")
    cut = fields.String(attribute="turf.cut")
    area = fields.Dict(attribute="turf.area")
    doors = fields.Integer(attribute="turf.doors")
    voters = fields.Integer(attribute="turf.voters")
    holder_id = fields.Integer(attribute="turf.holder_id", allow_none=True)
    holder_name = fields.String(allow_none=True)
    held_since = fields.AwareDateTime(attribute="turf.held_since", allow_none=True)
    taken = fields.Boolean(attribute="turf.taken")
    expires_at = fields.AwareDateTime(attribute="turf.expires_at")
    expired = fields.Boolean()
    created_at = fields.AwareDateTime(attribute="turf.created_at")
    progress = fields.Nested(TurfProgressSchema)
    take_url = fields.Method("_take_url", allow_none=True)

    def _take_url(self, row):
        return take_url(row["turf"]) if row.get("organizer") else None


class CutResultSchema(Schema):
    turfs = fields.List(fields.Nested(TurfSchema))
    left_out = fields.Integer(metadata={"description": "Doors of the area left out: already in a live turf."})
    balance = fields.Float(allow_none=True, metadata={
        "description": "An automatic cut's largest turf's doors over its smallest's."})


class TurfListQuerySchema(Schema):
    expired = fields.Boolean(load_default=False, metadata={"description": "Include expired turfs."})


class TurfChangeSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(validate=validate.Length(min=1, max=100))
    holder_id = fields.Integer(allow_none=True, metadata={"description": "A membership id; null frees the turf."})
    days = fields.Integer(validate=validate.Range(min=1, max=365),
                          metadata={"description": "Expire this many days from now."})


class TakeSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=64))


class WalkVoterSchema(Schema):
    id = fields.String()
    first_name = fields.String()
    last_initial = fields.String()
    age = fields.Integer(allow_none=True)
    city = fields.String()
    priority = fields.Boolean()
    refused = fields.List(fields.String(), metadata={
        "description": "The channels the voter asked not to be contacted by (text, call, email, door): with door, "
                       "do not knock for them. Phones learn later changes by sync (contact_preference)."})


class WalkDoorSchema(Schema):
    household_id = fields.String(metadata={"description": "The household's public id, which door visits name."})
    house_number = fields.String()
    street = fields.String()
    unit = fields.String(metadata={"description": "As a canvasser reads it: \"APT 4B\"; empty for a house."})
    zip = fields.String()
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    voters = fields.List(fields.Nested(WalkVoterSchema))
    do_not_knock = fields.Boolean(metadata={
        "description": "Every voter of the household asked not to be contacted at the door: do not knock."})


class SurveyQuestionSchema(Schema):
    id = fields.String(metadata={"description": "What a visit's answers name the question by."})
    label = fields.String(metadata={"description": "The words a volunteer reads at the door."})
    kind = fields.String(metadata={"description": "yes_no or choice."})
    options = fields.List(fields.String(), metadata={"description": "The answers it takes (yes and no for yes/no)."})


class QuestionsSchema(Schema):
    results = fields.List(fields.String(), metadata={"description": "The door results a visit may record."})
    support = fields.Dict(metadata={"description": "The support scale: 1 strong support ... 5 strong oppose."})
    issues = fields.List(fields.String())
    talking_points = fields.Dict(metadata={"description": "Ideas per language: {\"en\": [...], \"es\": [...]}."})
    survey = fields.List(fields.Nested(SurveyQuestionSchema), metadata={
        "description": "The campaign's own questions, in order, each optional to answer after a talk."})


class WalkListSchema(Schema):
    turf_id = fields.Integer()
    name = fields.String()
    expires_at = fields.AwareDateTime()
    version = fields.String(metadata={"description": "Changes whenever anything in this answer changes (the ETag)."})
    doors = fields.List(fields.Nested(WalkDoorSchema))
    questions = fields.Nested(QuestionsSchema)


class AddressSchema(Schema):
    house_number = fields.String()
    street = fields.String()
    unit = fields.String()
    zip = fields.String()


class CorrectionSchema(Schema):
    """A door visit that says the voter file's address is wrong."""

    id = fields.UUID(metadata={"description": "The door visit's id."})
    happened_at = fields.AwareDateTime()
    result = fields.String(metadata={"description": "wrong_address, or talked with the address corrected."})
    volunteer = fields.String(metadata={"description": "Who knocked."})
    voter = fields.String(allow_none=True, metadata={"description": "First name and last initial; null: the door."})
    turf = fields.String(allow_none=True, metadata={"description": "The turf the door was last cut into."})
    in_file = fields.Nested(AddressSchema, metadata={"description": "The address as the voter file has it."})
    found = fields.Nested(AddressSchema, metadata={"description": "As the volunteer found it (\"\": not given)."})


class CanvasserQuerySchema(Schema):
    days = fields.Integer(load_default=14, validate=validate.Range(min=1, max=365),
                          metadata={"description": "Door visits of the last this many days (14 when not given)."})


class CanvasserSchema(Schema):
    """One volunteer's doors, and the signals that their results need a word with them."""

    volunteer_id = fields.Integer()
    name = fields.String()
    doors = fields.Integer(metadata={"description": "Doors (households) knocked."})
    visits = fields.Integer(metadata={"description": "Visits logged (a door may have one per voter)."})
    contacts = fields.Integer(metadata={"description": "Doors where someone talked."})
    contact_rate = fields.Float()
    doors_per_hour = fields.Float(allow_none=True, metadata={
        "description": "New doors per hour of walking (pauses over 30 minutes are breaks); null before two doors."})
    first_at = fields.DateTime()
    last_at = fields.DateTime()
    signals = fields.List(fields.String(validate=validate.OneOf(["fast", "all_contacts"])), metadata={
        "description": "fast: over 3 times the campaign's median doors per hour, on 10 doors or more (with 3 "
                       "canvassers of 10 doors to compare); all_contacts: someone talked at every door, 20 or more."})
