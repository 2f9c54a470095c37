"""The server turns a phone or e-mail into the same OPRF input as the phone does (pwa/lib/contacts/normalize.js runs
the same cases), and a stored voter identifier into the input of the raw value it came from."""

import csv
import json
from pathlib import Path

import pytest

from server.identifiers import InvalidIdentifier
from server.matching.inputs import email_input, identifier_input, phone_input
from server.voters.batches import Batch, read_batches
from server.voters.models import IdentifierKind

FIXTURES = Path(__file__).parent.parent.parent / "fixtures"
CASES = json.loads((FIXTURES / "matching" / "normalization.json").read_text(encoding="ascii"))
VOTER_FILES = FIXTURES / "voterfiles"


def input_of(kind: str, raw: str, region: str | None) -> str | None:
    """The input, or None where the JS module gives null."""
    try:
        return phone_input(raw, region) if kind == "phone" else email_input(raw)
    except InvalidIdentifier:
        return None


@pytest.mark.parametrize("case", CASES, ids=[f"{i}-{c['kind']}-{ascii(c['raw'])[1:-1][:40]}"
                                             for i, c in enumerate(CASES)])
def test_gives_the_input_the_shared_fixture_expects(case):
    assert input_of(case["kind"], case["raw"], case["region"]) == case["expected"], case.get("note")


def test_fixture_covers_phones_and_emails_valid_and_not():
    kinds = {(c["kind"], c["expected"] is None) for c in CASES}
    assert kinds == {("phone", True), ("phone", False), ("email", True), ("email", False)}
    assert {c["region"] for c in CASES if c["kind"] == "phone"} >= {"US", "CA", "MX", "GB", "DE", "IN"}


def test_invalid_phone_raises_invalid_identifier_with_a_reason():
    with pytest.raises(InvalidIdentifier, match="phone number"):
        phone_input("1-800-FLOWERS", "US")
    with pytest.raises(InvalidIdentifier, match="region US"):
        phone_input("(555) 555-5555", "US")


@pytest.mark.parametrize("region", ["XX", "us", "", "001"])
def test_unknown_region_is_the_callers_mistake_not_an_invalid_phone(region):
    with pytest.raises(ValueError, match="Unknown region") as raised:
        phone_input("+1 202 456 1111", region)
    assert not isinstance(raised.value, InvalidIdentifier)


@pytest.mark.parametrize(("kind", "value", "expected"), [
    ("phone", "+12025550143", "tel:+12025550143"),
    (IdentifierKind.PHONE, "+442079460958", "tel:+442079460958"),
    ("email", "ana@example.org", "mailto:ana@example.org"),
    (IdentifierKind.EMAIL, "jos\u00e9@example.com", "mailto:jos\u00e9@example.com"),
])
def test_identifier_input_prefixes_the_stored_value(kind, value, expected):
    assert identifier_input(kind, value) == expected


def test_identifier_input_refuses_an_unknown_kind():
    with pytest.raises(ValueError, match="Unknown identifier kind"):
        identifier_input("fax", "+12025550143")


def _sample_values() -> tuple[list[str], list[str]]:
    """Raw phones and e-mails as the VAN and NC voter-file samples write them."""
    phones, emails = [], []
    with (VOTER_FILES / "van_export_canvass_file_sample_spoke.csv").open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            phones += [row[c] for c in ("HomePhone", "CellPhone", "WorkPhone", "Phone", "OptInPhone") if row[c]]
            emails += [row["Email"]] if row["Email"] else []
    with (VOTER_FILES / "synthetic_nc_ncvoter_layout_shuffled_columns.tsv").open(encoding="utf-8", newline="") as f:
        phones += [row["full_phone_number"] for row in csv.DictReader(f, delimiter="\t")
                   if row["full_phone_number"].strip()]
    return phones, emails


def _stored_identifiers(tmp_path, phones: list[str], emails: list[str]) -> dict[tuple[int, str], str]:
    """Import one voter per value, as the importer reads a file: {(index, kind): the value staged for it}."""
    path = tmp_path / "voters.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write("voter_id,first_name,last_name,phone,email\n")
        for i in range(max(len(phones), len(emails))):
            f.write(f"{i},Ana,Li,{phones[i] if i < len(phones) else ''},{emails[i] if i < len(emails) else ''}\n")
    stored = {}
    for batch in read_batches(str(path), preset="generic", overrides={}, region="US", reference_year=2026):
        if isinstance(batch, Batch):
            stored.update({(int(external_id), kind): value for _line, external_id, kind, value in batch.identifiers})
    return stored


def test_identifier_input_of_what_the_importer_stores_is_the_input_of_the_raw_value(tmp_path):
    sample_phones, sample_emails = _sample_values()
    # and the fixture's own values that a CSV cell holds as they are (no quotes, commas, controls or line breaks)
    fits = [c for c in CASES
            if c["region"] in ("US", None) and c["raw"].isprintable() and not set(c["raw"]) & set('",')]
    phones = sample_phones + [c["raw"] for c in fits if c["kind"] == "phone"]
    emails = sample_emails + [c["raw"] for c in fits if c["kind"] == "email"]
    stored = _stored_identifiers(tmp_path, phones, emails)

    compared = 0
    for kind, raws in (("phone", phones), ("email", emails)):
        for i, raw in enumerate(raws):
            expected = input_of(kind, raw, "US")
            # our rules skip some values that the importer keeps (vanity numbers), never the reverse
            if expected is not None:
                assert identifier_input(kind, stored.get((i, kind), "")) == expected, raw
                compared += 1
    assert compared > 80
    # and no rule of ours skips a number or address that a voter file's own formats hold
    for kind, raws in (("phone", sample_phones), ("email", sample_emails)):
        assert all(input_of(kind, raw, "US") for i, raw in enumerate(raws) if (i, kind) in stored)
