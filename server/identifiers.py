"""One normalisation for e-mails and phones, used for accounts, the voter file and (later) matching."""

import re
import unicodedata

import phonenumbers

# invisible format characters (zero-width space/joiner, BOM, direction marks) that survive copy and paste
_FORMAT_CHARS = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class InvalidIdentifier(ValueError):
    """The value cannot be normalised; the message says why, in words a person can act on."""


def normalize_email(raw: str) -> str:
    """NFKC, strip format characters and whitespace, lowercase; reject what is not an address."""
    value = _FORMAT_CHARS.sub("", unicodedata.normalize("NFKC", raw)).strip().lower()
    if not _EMAIL.match(value):
        raise InvalidIdentifier("Not a valid e-mail address.")
    return value


def normalize_phone(raw: str, region: str) -> str:
    """E.164 for a number that ``phonenumbers`` says is valid, reading it in ``region`` if it has no +."""
    text = _FORMAT_CHARS.sub("", unicodedata.normalize("NFKC", raw)).strip()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidIdentifier("Not a phone number.") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentifier(f"Not a valid phone number for region {region}.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
