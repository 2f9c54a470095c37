"""E-mails and phones are normalised one way everywhere, so the same person always matches."""

import json
from pathlib import Path

import pytest

from server.identifiers import InvalidIdentifier, normalize_email, normalize_phone

PHONES = Path(__file__).parent.parent / "fixtures" / "phones"


def _phone_reference() -> dict[str, dict]:
    """``phonenumbers`` 9.0.43's reading of each tricky input in region US (see tests/fixtures/SOURCES.md)."""
    inputs = json.loads((PHONES / "tricky_inputs_71.json").read_text(encoding="utf-8"))
    outputs = json.loads((PHONES / "tricky_inputs_71_phonenumbers_9.0.43.json").read_text(encoding="utf-8"))
    assert len(inputs) == len(outputs)
    return dict(zip(inputs, outputs, strict=True))


PHONE_REFERENCE = _phone_reference()


@pytest.mark.parametrize("raw", [
    " Ana@Example.ORG ",
    "ANA@EXAMPLE.ORG\n",
    "\u00a0ana@example.org\u00a0",
])
def test_email_is_trimmed_and_lowercased(raw):
    assert normalize_email(raw) == "ana@example.org"


def test_email_in_full_width_letters_becomes_ascii():
    assert normalize_email("\uff21\uff4e\uff41\uff20\uff25\uff58\uff41\uff4d\uff50\uff4c\uff45.\uff4f\uff52\uff47") \
        == "ana@example.org"


@pytest.mark.parametrize("raw", [
    "\u200bana@example.org",
    "\ufeffana@example.org",
    "an\u200da@example.org\u200b",
    "\u202aana@example.org\u202c",
])
def test_email_loses_invisible_characters_pasted_with_it(raw):
    assert normalize_email(raw) == "ana@example.org"


@pytest.mark.parametrize("raw", [
    "", "   ", "ana", "ana@", "@example.org", "ana@example", "ana@@example.org", "ana maria@example.org",
    "\u200b", "semicolon;@points.net", "Ana <ana@example.org>", "ana,bo@example.org", "\"ana\"@example.org",
])
def test_email_that_is_not_an_address_is_rejected(raw):
    with pytest.raises(InvalidIdentifier, match="e-mail"):
        normalize_email(raw)


@pytest.mark.parametrize("raw", ["919-660-1234", "(919) 660-1234", "919.660.1234", "9196601234", "1 919 660 1234",
                                 "+1 919 660 1234"])
def test_us_phone_in_national_formats_becomes_e164(raw):
    assert normalize_phone(raw, "US") == "+19196601234"


def test_phone_in_full_width_digits_becomes_e164():
    assert normalize_phone("\uff19\uff11\uff19\uff0d\uff16\uff16\uff10\uff0d\uff11\uff12\uff13\uff14", "US") \
        == "+19196601234"


def test_phone_with_a_plus_ignores_the_campaign_region():
    assert normalize_phone("+44 20 7946 0958", "US") == "+442079460958"


def test_phone_without_a_plus_is_read_in_the_campaign_region():
    assert normalize_phone("020 7946 0958", "GB") == "+442079460958"
    with pytest.raises(InvalidIdentifier):
        normalize_phone("020 7946 0958", "US")


@pytest.mark.parametrize("raw", ["", "abc", "911", "456-1111", "+1 123 456 7890", "0000000000"])
def test_phone_that_is_not_a_valid_number_is_rejected(raw):
    with pytest.raises(InvalidIdentifier):
        normalize_phone(raw, "US")


@pytest.mark.parametrize("raw", [
    "(202) 456-1111",
    "  +1 202 456 1111  ",
    "011 1 202 456 1111",
    "202-456-1111 ext. 123",
    "tel:+1-202-456-1111;ext=123",
    "+1 (415) 555\u20110132",
    "\u0662\u0660\u0662\u0664\u0665\u0666\u0661\u0661\u0661\u0661",
    "202\u00a0456\u00a01111",
    "+1 202 456 1111\u200b",
    "\u202d+1 202 456 1111\u202c",
    "+44 (0)20 7946 0958",
    "011 44 20 7946 0958",
])
def test_tricky_phone_that_phonenumbers_accepts_becomes_its_e164(raw):
    reference = PHONE_REFERENCE[raw]
    assert reference["valid"]
    assert normalize_phone(raw, "US") == reference["e164"]


@pytest.mark.parametrize("raw", [
    "001 202 456 1111",
    "+001 202 456 1111",
    "+1 202 456 11112",
    "202 456 111",
    "(555) 555-5555",
    "22222",
    "07911 123456",
    "+52 1 55 1234 5678",
])
def test_tricky_phone_that_phonenumbers_rejects_is_rejected(raw):
    assert not PHONE_REFERENCE[raw]["valid"]
    with pytest.raises(InvalidIdentifier):
        normalize_phone(raw, "US")
