"""Marshmallow fields that normalise as they validate, so a view only ever sees clean values."""

from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import phonenumbers
from marshmallow import ValidationError, fields, validate

from server.identifiers import MAX_EMAIL_LENGTH, InvalidIdentifier, normalize_email
from server.request_input import MAX_ID

LANGUAGES = ("en", "es")


class Email(fields.String):
    """An e-mail address, NFKC-normalised and lowercased."""

    def __init__(self, **kwargs):
        metadata = {"format": "email", "maxLength": MAX_EMAIL_LENGTH, **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return normalize_email(super()._deserialize(value, attr, data, **kwargs))
        except InvalidIdentifier as exc:
            raise ValidationError(str(exc)) from exc


class Name(fields.String):
    """A person's name as others will read it: surrounding whitespace is dropped before the length is checked, so
    a name of spaces is refused as empty instead of stored as one."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Length(min=1, max=100), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class Id(fields.Integer):
    """A row's id (or a small counter such as a key version): a whole number from 1 to ``MAX_ID``, which every
    id column can be compared with. Strict in a JSON body (1.0 and "1" are not ids); a query string's values are
    all text, so there it must be ``strict=False``."""

    def __init__(self, strict: bool = True, **kwargs):
        super().__init__(strict=strict, validate=validate.Range(min=1, max=MAX_ID), **kwargs)


class TimeZone(fields.String):
    """An IANA time zone name such as ``America/New_York``."""

    def _deserialize(self, value, attr, data, **kwargs):
        name = super()._deserialize(value, attr, data, **kwargs)
        try:
            if len(name) > 64:  # the longest IANA name is 32 characters; the column holds 64
                raise ValueError(name)
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: a name the file system refuses
            raise ValidationError("Not a known time zone (e.g. America/New_York).") from exc
        return name


class PhoneRegion(fields.String):
    """A two-letter region that phone numbers without a + are read in, e.g. ``US``."""

    def _deserialize(self, value, attr, data, **kwargs):
        region = super()._deserialize(value, attr, data, **kwargs).upper()
        if region not in phonenumbers.SUPPORTED_REGIONS:
            raise ValidationError("Not a phone region (two letters, e.g. US).")
        return region


class PerLanguage(fields.Dict):
    """One value per language Kin speaks, keyed by its code: ``{"en": ..., "es": ...}``; either may be missing."""

    def __init__(self, values: fields.Field, **kwargs):
        keys = fields.String(validate=validate.OneOf(LANGUAGES, error="Not a language of Kin's: en or es."))
        super().__init__(keys=keys, values=values, **kwargs)


class BulkList(fields.List):
    """A long list of small values (matching's thousands of elements and bucket numbers) checked in one pass by
    ``convert``: a field call per item cost more than the work the request asks for. Only when ``convert``
    refuses the list does each item go through ``inner``, so the errors still name every bad item."""

    def __init__(self, inner: fields.Field, convert: Callable[[list], list], **kwargs):
        super().__init__(inner, **kwargs)
        self.convert = convert

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list):
            try:
                return self.convert(value)
            except (TypeError, ValueError):
                pass
        return super()._deserialize(value, attr, data, **kwargs)
