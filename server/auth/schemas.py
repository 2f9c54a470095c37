from marshmallow import Schema, fields, validate

from server import fields as kin_fields
from server.auth.models import ResetState
from server.campaigns.models import DepartedRecords, Role

MAX_PASSWORD = 256
PASSWORD = (validate.Length(min=8, error="Use at least 8 characters."),  # each limit says itself
            validate.Length(max=MAX_PASSWORD, error=f"Use at most {MAX_PASSWORD} characters."))


class LoginSchema(Schema):
    email = kin_fields.Email(required=True)
    password = fields.String(required=True, validate=validate.Length(max=MAX_PASSWORD))


class JoinSchema(Schema):
    code = fields.String(required=True, validate=validate.Length(min=1, max=64))
    email = kin_fields.Email(required=True)
    password = fields.String(required=True, validate=PASSWORD)
    display_name = kin_fields.Name(required=True)
    language = fields.String(load_default="en", validate=validate.OneOf(kin_fields.LANGUAGES))


class UserSchema(Schema):
    id = fields.Integer()
    email = fields.String()
    display_name = fields.String()
    language = fields.String()


class UserUpdateSchema(Schema):
    display_name = kin_fields.Name()
    language = fields.String(validate=validate.OneOf(kin_fields.LANGUAGES))


class CampaignNameSchema(Schema):
    id = fields.Integer()
    name = fields.String()


class CampaignSummarySchema(CampaignNameSchema):
    """What a volunteer's phone needs of each campaign, offline too."""

    time_zone = fields.String()
    election_day = fields.Date(allow_none=True)
    phone_region = fields.String(metadata={"description": "Where numbers without a country code are read."})
    issue_tags = fields.List(fields.String())
    talking_points = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), metadata={
        "description": "Ideas for volunteers, not scripts, per language: {\"en\": [...], \"es\": [...]}."})
    message_template = fields.Dict(keys=fields.String(), values=fields.String(), metadata={
        "description": "The message a volunteer starts from, per language, until they keep their own; {name} is "
                       "the person's first name."})
    note_retention_days = fields.Integer(allow_none=True, metadata={
        "description": "Notes and other free text are redacted this many days after election day; null: kept."})
    notes_redacted_on = fields.Date(allow_none=True, metadata={
        "description": "The day notes are redacted (election day + note_retention_days); null: not planned."})
    departed_records = fields.Enum(DepartedRecords, by_value=True, metadata={
        "description": "What a volunteer's records become if they delete their account: anonymise or delete."})


class MembershipSchema(Schema):
    campaign = fields.Nested(CampaignSummarySchema)
    role = fields.Enum(Role, by_value=True)
    active = fields.Boolean()


class MeSchema(Schema):
    user = fields.Nested(UserSchema)
    memberships = fields.List(fields.Nested(MembershipSchema))


class SessionSchema(MeSchema):
    access_token = fields.String()


class AccessTokenSchema(Schema):
    access_token = fields.String()


class InvitePreviewSchema(Schema):
    campaign = fields.Nested(CampaignNameSchema)
    role = fields.Enum(Role, by_value=True)
    expires_at = fields.AwareDateTime()


class ResetLinkSchema(Schema):
    """A new reset link, shown once: its token exists nowhere else (the server keeps a hash)."""

    url = fields.String(metadata={"description": "PUBLIC_URL/reset/<token>: what the organizer passes on."})
    token = fields.String()
    expires_at = fields.AwareDateTime()


class ResetRequestSchema(Schema):
    email = kin_fields.Email(required=True)


class ResetRequestedSchema(Schema):
    message = fields.String()
    expires_in_hours = fields.Integer(metadata={"description": "How long the e-mailed link works."})


class ResetByEmailSchema(Schema):
    by_email = fields.Boolean(metadata={"description": "Whether this server can e-mail a reset link; when it "
                                                        "cannot, an organizer makes one."})
    expires_in_hours = fields.Integer()


class ResetStateSchema(Schema):
    state = fields.Enum(ResetState, by_value=True, metadata={
        "description": "valid; used; replaced (a newer link was made for the account); expired."})
    display_name = fields.String(allow_none=True, metadata={
        "description": "The account's display name, to greet the person, while the link is valid; else null."})
    expires_at = fields.AwareDateTime()


class ResetSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=100))
    password = fields.String(required=True, validate=PASSWORD)
