"""Marshmallow fields that normalise as they validate, so a view only ever sees clean values."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from marshmallow import ValidationError, fields

from server.identifiers import InvalidIdentifier, normalize_email

LANGUAGES = ("en", "es")


class Email(fields.String):
    """An e-mail address, NFKC-normalised and lowercased."""

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return normalize_email(super()._deserialize(value, attr, data, **kwargs))
        except InvalidIdentifier as exc:
            raise ValidationError(str(exc)) from exc


class TimeZone(fields.String):
    """An IANA time zone name such as ``America/New_York``."""

    def _deserialize(self, value, attr, data, **kwargs):
        name = super()._deserialize(value, attr, data, **kwargs)
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValidationError("Not a known time zone (e.g. America/New_York).") from exc
        return name


class PhoneRegion(fields.String):
    """A two-letter region that phone numbers without a + are read in, e.g. ``US``."""

    def _deserialize(self, value, attr, data, **kwargs):
        region = super()._deserialize(value, attr, data, **kwargs).upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValidationError("Not a phone region (two letters, e.g. US).")
        return region
