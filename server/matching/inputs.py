"""The OPRF input for a phone or an e-mail: ``tel:+12025550143`` or ``mailto:ana@example.org``.

pwa/lib/contacts/normalize.js does the same on the phone, and both must give the same bytes for the same contact, or
a friend in the voter file is never found. tests/fixtures/matching/normalization.json holds the cases both sides run.

E-mails are ``server.identifiers.normalize_email`` as it is. Phones get a few rules of ours before
``server.identifiers.normalize_phone`` (``phonenumbers``) reads them, because ``phonenumbers`` and libphonenumber-js
read some raw text differently; each rule hands both libraries only text that they read alike:

- NFKC, invisible format characters out, and every decimal digit (Devanagari, Arabic-Indic ...) made ASCII:
  libphonenumber-js reads only some scripts' digits.
- A leading ``tel:`` is dropped. A number with a ``phone-context`` (RFC 3966) is a local number read in a context we
  do not model: rejected.
- An extension or dialling tail is cut off at the first ``ext``, ``x``, ``#``, ``,`` (pause) or ``;`` (wait or URI
  parameter): the main number is what a voter file lists, and ``phonenumbers``' E.164 drops extensions anyway.
- What is left may hold only digits, spaces, the punctuation people write in numbers (- . ( ) / [ ] and dashes) and
  one + before the digits, not followed by a 0 (only ``phonenumbers`` reads "++1 ...", "+00 64 ..." and "1~202").
- So letters are rejected. A vanity number ("1-800-FLOWERS", which only ``phonenumbers`` converts) is a business,
  never a voter's own number; a label typed into the number ("202 456 1111 (home)", which only libphonenumber-js
  skips over) is rare, as address books keep labels apart. Skipping both costs a volunteer almost nothing.
- In a region of country code 1, a number written with three leading 1s and no + ("111 202 456 1111", a typo) is
  rejected: ``phonenumbers`` drops all three 1s, libphonenumber-js drops two and finds the rest invalid.
- Characters whose NFKC, lowercase or digit value the two runtimes disagree on are rejected in phones and e-mails:
  they were all unassigned in Python 3.11's Unicode 14.0 and are known to Node 20's Unicode 17.0 (Outlined digits
  U+1CCF0 become ASCII under Node's NFKC, Kawi digits are digits to Node only ...).

The voter-file importer keeps calling ``normalize_phone`` on raw values (which also converts vanity letters); what it
stores becomes the same input through ``identifier_input``.
"""

import re
import unicodedata

import phonenumbers

from server.identifiers import InvalidIdentifier, normalize_email, normalize_phone

__all__ = ["InvalidIdentifier", "email_input", "identifier_input", "phone_input"]

_FORMAT_CHARS = re.compile(r"[\u00ad\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")  # as server/identifiers.py
# decimal digits, letters with a lowercase and compatibility characters that Unicode 15.0-17.0 added; same in the JS
_UNICODE_TOO_NEW = re.compile(
    "[\ua7cb\ua7cc\ua7ce\ua7d2\ua7d4\ua7da\ua7dc\ua7f1\u1c89"
    "\U00010d40-\U00010d49\U00010d50-\U00010d65\U000116d0-\U000116e3\U00011bf0-\U00011bf9\U00011de0-\U00011de9"
    "\U00011f50-\U00011f59\U00016130-\U00016139\U00016d70-\U00016d79\U00016ea0-\U00016eb8\U0001ccd6-\U0001ccf9"
    "\U0001e030-\U0001e06d\U0001e4f0-\U0001e4f9\U0001e5f1-\U0001e5fa]"
)
_TEL_URI = re.compile(r"tel:", re.IGNORECASE)
_PHONE_CONTEXT = re.compile(r";phone-context=", re.IGNORECASE)
_TAIL = re.compile(r"ext|[x#,;]", re.IGNORECASE)  # "ext" first: "ext. 12" is cut before its "x"
# ASCII digits, spaces, the punctuation both libraries skip inside a number (- . ( ) / [ ] and dashes), and at most
# one +, before the digits and not followed by a 0 ("++1 ...", "+00 64 ..." and "~" they read differently)
_PUNCTUATION = r" \-.()/\[\]\u2010-\u2015\u2212\u30fc"
_MAIN_NUMBER = re.compile(rf"[{_PUNCTUATION}]*(?:\+[{_PUNCTUATION}]*[1-9])?[0-9{_PUNCTUATION}]*")
_NANP_ONES = re.compile(rf"(?:[{_PUNCTUATION}]*1){{3}}")  # "1 1 1 202 ...", no +
_PREFIXES = {"phone": "tel:", "email": "mailto:"}


def phone_input(raw: str, region: str) -> str:
    """``tel:`` and the E.164 form of a number valid in ``phonenumbers``, read in ``region`` if it has no +.

    :raise InvalidIdentifier: when the text is not a number both sides would read as the same valid number.
    :raise ValueError: when ``region`` is not a region code such as "US" (a caller's mistake, not the contact's).
    """
    if region not in phonenumbers.SUPPORTED_REGIONS:
        raise ValueError(f"Unknown region {region!r}.")
    return "tel:" + normalize_phone(_main_number(raw, region), region)


def email_input(raw: str) -> str:
    """``mailto:`` and the address as accounts and the voter file keep it. :raise InvalidIdentifier:"""
    if _UNICODE_TOO_NEW.search(raw):
        raise InvalidIdentifier("Not a valid e-mail address.", "invalid_email")
    return "mailto:" + normalize_email(raw)


def identifier_input(kind, value: str) -> str:
    """The input for a stored voter identifier: its ``kind`` ("phone" or "email", or the ``IdentifierKind``) and its
    ``value``, already normalised (E.164, or a lowercased address)."""
    try:
        return _PREFIXES[getattr(kind, "value", kind)] + value
    except KeyError:
        raise ValueError(f"Unknown identifier kind {kind!r}.") from None


def _main_number(raw: str, region: str) -> str:
    """The number part of ``raw`` in ASCII digits, or :raise InvalidIdentifier: (see the module docstring)."""
    if _UNICODE_TOO_NEW.search(raw):
        raise InvalidIdentifier("Not a phone number.", "not_a_phone")
    text = _FORMAT_CHARS.sub("", unicodedata.normalize("NFKC", raw))
    if not text.isascii():
        text = "".join(str(unicodedata.decimal(c)) if c.isdecimal() else c for c in text)
    text = text.strip()
    if _PHONE_CONTEXT.search(text):
        raise InvalidIdentifier("Not a phone number.", "not_a_phone")
    if _TEL_URI.match(text):
        text = text[4:]
    tail = _TAIL.search(text)
    if tail:
        text = text[:tail.start()]
    text = text.strip()
    if not text or not _MAIN_NUMBER.fullmatch(text):
        raise InvalidIdentifier("Not a phone number.", "not_a_phone")
    if _NANP_ONES.match(text) and phonenumbers.country_code_for_region(region) == 1:
        raise InvalidIdentifier.invalid_phone(region)
    return text
