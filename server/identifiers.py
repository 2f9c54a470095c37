"""One normalisation for e-mails and phones, used for accounts, the voter file and (later) matching."""

import re
import threading
import unicodedata

import phonenumbers

# invisible format characters (zero-width space/joiner, BOM, direction marks) that survive copy and paste
_FORMAT_CHARS = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")
MAX_EMAIL_LENGTH = 320  # RFC 5321: 64 for the name, the @, 255 for the domain; the size of every e-mail column
# whitespace, control characters (NUL among them, which PostgreSQL text cannot hold), lone surrogates (which no
# database can encode) and the characters that only a quoted local part may hold (RFC 5322's specials other than
# . and @: "semicolon;@points.net", "Ana <ana@example.org>", "ana,bo@example.org"): never part of an address
_NOT_IN_EMAIL = re.compile(r'[\s\x00-\x1f\x7f-\x9f\ud800-\udfff()<>\[\]:;,\\"]')


class InvalidIdentifier(ValueError):
    """The value cannot be normalised; the message says why, in words a person can act on, and ``code`` with
    ``params`` say it for translation (the voter file's problems, server/voters/reasons.py)."""

    def __init__(self, message: str, code: str, **params):
        super().__init__(message)
        self.code, self.params = code, params

    @classmethod
    def email_too_long(cls) -> "InvalidIdentifier":
        return cls(f"Longer than {MAX_EMAIL_LENGTH} characters.", "email_too_long", limit=MAX_EMAIL_LENGTH)

    @classmethod
    def invalid_phone(cls, region: str) -> "InvalidIdentifier":
        return cls(f"Not a valid phone number for region {region}.", "invalid_phone", region=region)


def normalize_email(raw: str) -> str:
    """NFKC, strip format characters and whitespace, lowercase; reject what is not an address.

    Linear in the length of ``raw`` and bounded before any work: this runs on text from anyone, before sign-in.
    """
    if len(raw) > 4 * MAX_EMAIL_LENGTH:  # checked before NFKC, which can lengthen text
        raise InvalidIdentifier.email_too_long()
    value = _FORMAT_CHARS.sub("", unicodedata.normalize("NFKC", raw)).strip().lower()
    if len(value) > MAX_EMAIL_LENGTH:
        raise InvalidIdentifier.email_too_long()
    if not _is_address(value):
        raise InvalidIdentifier("Not a valid e-mail address.", "invalid_email")
    return value


def _is_address(value: str) -> bool:
    """Something, one @, then a domain with a dot inside it, and no character an address cannot hold: what the
    pattern ``[^@\\s]+@[^@\\s]+\\.[^@\\s]+`` says, without the specials, in one pass (the pattern backtracks,
    quadratically, on a domain of many dots). pwa/lib/contacts/normalize.js checks the same."""
    local, _, domain = value.partition("@")
    return bool(local) and "@" not in domain and "." in domain[1:-1] and not _NOT_IN_EMAIL.search(value)


# A fast path for what voter files are full of, a North American number written nationally ("(919) 660-1234",
# "1-919-660-1234", "+1 919 660 1234") and read in a NANP region: the same answer as
# ``_normalize_phone_with_phonenumbers``, many times sooner, because ``phonenumbers.parse`` is skipped and validity
# is remembered per first seven digits. That holds because every NANP pattern in phonenumbers' metadata decides
# within the first seven digits of a ten-digit number: tests/server/voters/test_reader_phone_fast_path.py proves it
# on the installed metadata, and compares both paths over many numbers.
_NANP_REGIONS = frozenset({"US", "CA"})
_NANP_NATIONAL = re.compile(r"\s*(?:\+?1[ .-]?)?(?:\(([2-9]\d\d)\)|([2-9]\d\d))[ .-]?(\d{3})[ .-]?(\d{4})\s*", re.ASCII)
NANP_PREFIX_DIGITS = 7
_FIRST_PREFIX = 2 * 10 ** (NANP_PREFIX_DIGITS - 1)
# one bit per prefix 2000000-9999999: checked yet, and valid; 2 MB, written under a lock so no bit is lost
_prefix_checked = bytearray(8 * 10 ** (NANP_PREFIX_DIGITS - 1) // 8)
_prefix_valid = bytearray(len(_prefix_checked))
_prefix_lock = threading.Lock()


def _nanp_is_valid(national: str) -> bool:
    """``phonenumbers.is_valid_number`` of +1 ``national`` (ten digits, the first 2-9), once per prefix."""
    n = int(national[:NANP_PREFIX_DIGITS]) - _FIRST_PREFIX
    index, bit = n >> 3, 1 << (n & 7)
    if _prefix_checked[index] & bit:
        return bool(_prefix_valid[index] & bit)
    valid = phonenumbers.is_valid_number(phonenumbers.PhoneNumber(country_code=1, national_number=int(national)))
    with _prefix_lock:
        if valid:
            _prefix_valid[index] |= bit
        _prefix_checked[index] |= bit  # after the valid bit: a reader that sees "checked" sees the answer
    return valid


def normalize_phone(raw: str, region: str) -> str:
    """E.164 for a number that ``phonenumbers`` says is valid, reading it in ``region`` if it has no +."""
    if region in _NANP_REGIONS and raw.isascii():
        match = _NANP_NATIONAL.fullmatch(raw)
        if match:
            area_in_brackets, area, exchange, line = match.groups()
            national = (area_in_brackets or area) + exchange + line
            if _nanp_is_valid(national):
                return "+1" + national
            raise InvalidIdentifier.invalid_phone(region)
    return _normalize_phone_with_phonenumbers(raw, region)


def _normalize_phone_with_phonenumbers(raw: str, region: str) -> str:
    """The reference: NFKC, format characters out, then ``phonenumbers`` parses, validates and formats."""
    text = _FORMAT_CHARS.sub("", unicodedata.normalize("NFKC", raw)).strip()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidIdentifier("Not a phone number.", "not_a_phone") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidIdentifier.invalid_phone(region)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

