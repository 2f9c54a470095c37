from marshmallow import Schema, ValidationError, fields, validate

from server import fields as kin_fields
from server.campaigns.models import DepartedRecords, Role
from server.campaigns.service import join_url
from server.exports import van
from server.exports.van import VanMappingSchema
from server.matching.models import MAX_PREFIX_BITS, MIN_PREFIX_BITS
from server.surveys import service as surveys
from server.voters.presets import squash
from server.voters.schemas import VoterCardSchema


class MatchingSettings:
    """Private matching's settings (docs/privacy.md says what each one bounds)."""

    match_prefix_bits = fields.Integer(validate=validate.Range(min=MIN_PREFIX_BITS, max=MAX_PREFIX_BITS))
    match_daily_quota = fields.Integer(validate=validate.Range(min=0, max=100_000))
    match_daily_card_quota = fields.Integer(validate=validate.Range(min=0, max=10_000))


MAX_TALKING_POINTS, MAX_TALKING_POINT, MAX_TEMPLATE = 20, 500, 1000


def _names_a_column(value: str) -> None:
    if not squash(value):  # columns are matched by their letters and digits (server/voters/presets.py)
        raise ValidationError("Name the column by its header, with at least one letter or digit.")


def priority_column(**kwargs) -> fields.String:
    """The voter file's column that marks priority voters, by its header; null: the layout's own, if any."""
    return fields.String(allow_none=True, validate=[validate.Length(min=1, max=100), _names_a_column], metadata={
        "description": "The voter-file column (by its header) every import reads as priority, unless the upload "
                       "picks a column for priority or another field for it; null: the layout's own priority "
                       "column, if any."}, **kwargs)


def talking_points(**kwargs) -> fields.Dict:
    """Ideas for volunteers' own words in each language: {"en": ["..."], "es": ["..."]}."""
    points = fields.List(fields.String(validate=validate.Length(min=1, max=MAX_TALKING_POINT)),
                         validate=validate.Length(max=MAX_TALKING_POINTS))
    return kin_fields.PerLanguage(points, **kwargs)


def message_template(**kwargs) -> fields.Dict:
    """The message a volunteer starts from in each language; ``{name}`` becomes the person's first name."""
    return kin_fields.PerLanguage(fields.String(validate=validate.Length(max=MAX_TEMPLATE)), **kwargs)


class CampaignSchema(MatchingSettings, Schema):
    id = fields.Integer(dump_only=True)
    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    phone_region = kin_fields.PhoneRegion(load_default="US")
    time_zone = kin_fields.TimeZone(load_default="America/New_York")
    election_day = fields.Date(allow_none=True, load_default=None)
    issue_tags = fields.List(fields.String(validate=validate.Length(min=1, max=40)), load_default=list,
                             validate=validate.Length(max=50))
    talking_points = talking_points(load_default=dict)
    message_template = message_template(load_default=dict)
    priority_column = priority_column(load_default=None)
    note_retention_days = fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "Notes and other free text are redacted this many days after election day; null: kept."})
    departed_records = fields.Enum(DepartedRecords, by_value=True, dump_only=True, metadata={
        "description": "What a volunteer's records become if they delete their account."})
    volunteer_recruiting = fields.Boolean(dump_only=True, metadata={
        "description": "Whether volunteers' own recruit links let people join (as volunteers)."})
    van_mapping = fields.Nested(VanMappingSchema, allow_none=True, dump_only=True, metadata={
        "description": "How the VAN export names support, issues, contact types and door results; null: the defaults "
                       "(docs/exports.md)."})
    van_columns = fields.Function(lambda c: van.layout(c.van_mapping, c.issue_tags or [],
                                                       surveys.for_van(c.id)).mapping(), dump_only=True,
                                  metadata={
        "description": "The VAN export's mapping in force: van_mapping over the defaults; a null question or a "
                       "missing response or activist code is a column the export leaves out, a null door result "
                       "code leaves those visits out."})


class CampaignUpdateSchema(MatchingSettings, Schema):
    name = fields.String(validate=validate.Length(min=1, max=200))
    phone_region = kin_fields.PhoneRegion()
    time_zone = kin_fields.TimeZone()
    election_day = fields.Date(allow_none=True)
    issue_tags = fields.List(fields.String(validate=validate.Length(min=1, max=40)), validate=validate.Length(max=50))
    talking_points = talking_points()
    message_template = message_template()
    priority_column = priority_column()
    van_mapping = fields.Nested(VanMappingSchema, allow_none=True)
    volunteer_recruiting = fields.Boolean()
    note_retention_days = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=3650))
    departed_records = fields.Enum(DepartedRecords, by_value=True)


class MemberSchema(Schema):
    id = fields.Integer(dump_only=True)
    user_id = fields.Integer(dump_only=True)
    display_name = fields.String(attribute="user.display_name", dump_only=True)
    email = fields.String(attribute="user.email", dump_only=True)
    role = fields.Enum(Role, by_value=True)
    active = fields.Boolean()
    created_at = fields.AwareDateTime(dump_only=True)


class InviteCreateSchema(Schema):
    role = fields.Enum(Role, by_value=True, load_default=Role.VOLUNTEER)
    max_uses = fields.Integer(load_default=1, validate=validate.Range(min=1, max=10_000))
    days = fields.Integer(load_default=None, validate=validate.Range(min=1, max=90))


class InviteSchema(Schema):
    id = fields.Integer()
    role = fields.Enum(Role, by_value=True)
    code = fields.String()
    url = fields.Function(join_url)
    expires_at = fields.AwareDateTime()
    max_uses = fields.Integer()
    uses = fields.Integer()
    created_at = fields.AwareDateTime()
    revoked_at = fields.AwareDateTime(allow_none=True)


class RecruitLinkSchema(Schema):
    """A member's own recruit link: a join link for the volunteer role that records them as the recruiter."""

    code = fields.String()
    url = fields.Function(join_url)
    expires_at = fields.AwareDateTime()


class RecruitSchema(Schema):
    id = fields.Integer(metadata={"description": "The membership's id."})
    display_name = fields.String()
    role = fields.Enum(Role, by_value=True)
    active = fields.Boolean()
    joined_at = fields.AwareDateTime()
    recruited_by_id = fields.Integer(allow_none=True, metadata={
        "description": "The membership whose recruit link they joined through; null: an organizer's invite."})
    recruits = fields.Integer(metadata={"description": "How many joined through their recruit links."})
    invited_at_doors = fields.Integer(metadata={
        "description": "Their door visits that record inviting someone to volunteer (agreed_to holds invited)."})


class RecruitTreeSchema(Schema):
    members = fields.List(fields.Nested(RecruitSchema), metadata={
        "description": "Each member who recruited, was recruited or invited someone at a door; oldest first."})


class MemberChangeSchema(Schema):
    role = fields.Enum(Role, by_value=True)
    active = fields.Boolean()


class RelationshipCardSchema(Schema):
    """One of a volunteer's people, as organizers see them."""

    id = fields.UUID(metadata={"description": "The relationship's id (made on the volunteer's phone)."})
    added_at = fields.AwareDateTime()
    voter = fields.Nested(VoterCardSchema, allow_none=True, metadata={
        "description": "The voter's card; null when the voter is no longer in the voter file."})
