from marshmallow import Schema, fields, validate

from sync.entities import CHANNELS, PREFERENCE_FROM

_FLAGS = {
    "no_contact": "Not to be contacted at all, by any channel.",
    **{f"no_{channel}": f"Not to be contacted by {channel}." for channel in CHANNELS},
}


class ContactPreferenceChangeSchema(Schema):
    """What the voter asked; every flag false clears it."""

    class Meta:
        ordered = True

    no_contact = fields.Boolean(required=True, metadata={"description": _FLAGS["no_contact"]})
    no_text = fields.Boolean(required=True, metadata={"description": _FLAGS["no_text"]})
    no_call = fields.Boolean(required=True, metadata={"description": _FLAGS["no_call"]})
    no_email = fields.Boolean(required=True, metadata={"description": _FLAGS["no_email"]})
    no_door = fields.Boolean(required=True, metadata={"description": _FLAGS["no_door"]})


class ContactPreferenceSchema(ContactPreferenceChangeSchema):
    voter_id = fields.UUID(required=True)
    refused = fields.List(fields.String(validate=validate.OneOf(CHANNELS)), required=True,
                          metadata={"description": "The channels refused: every one with no_contact."})
    recorded_from = fields.String(allow_none=True, validate=validate.OneOf(PREFERENCE_FROM),
                                  metadata={"description": "Where it was last changed: door, person page, console."})
    recorded_at = fields.DateTime(allow_none=True)
    recorded_by_id = fields.Integer(allow_none=True, metadata={"description": "The member who changed it last."})
