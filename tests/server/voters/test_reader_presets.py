"""Presets are declarations: each is checked when defined, and a new layout is one more entry, no code."""

import pytest

from server.voters import presets
from server.voters.models import VOTER_FIELDS
from server.voters.presets import FIELDS, PRESETS, Preset, squash
from server.voters.reader import open_voter_file


def test_preset_fields_are_the_voter_columns_plus_phones_emails_and_address():
    assert set(FIELDS) == {"external_id", *VOTER_FIELDS, "phones", "emails", "address"}


@pytest.mark.parametrize("preset", PRESETS.values(), ids=PRESETS)
def test_preset_is_filed_under_its_name_and_reads_an_id_and_names(preset):
    assert PRESETS[preset.name] is preset
    assert {"external_id", "first_name", "last_name"} <= set(preset.fields)


@pytest.mark.parametrize("preset", [p for p in PRESETS.values() if p.columns], ids=lambda p: p.name)
def test_headerless_preset_reads_only_columns_it_declares(preset):
    columns = {squash(column) for column in preset.columns}
    assert len(columns) == len(preset.columns)  # no two columns that would match the same name
    for name in preset.fields:
        for source in preset.sources(name):
            for part in source.split("+"):
                assert any(squash(alternative) in columns for alternative in part.split("|")), (name, part)
    assert preset.patterns, "auto needs patterns to recognise a file without a header"


@pytest.mark.parametrize(("definition", "message"), [
    ({"fields": {"external_id": "id", "shoe_size": "shoe"}}, "unknown fields"),
    ({"fields": {"first_name": "first"}}, "no external_id"),
    ({"fields": {"external_id": "id", "city": ("town", "city")}}, "only phones and emails"),
    ({"fields": {"external_id": "id"}, "birth": "date:%d.%m.%y"}, "cannot read birth"),
    ({"fields": {"external_id": "id"}, "birth": "decade"}, "cannot read birth"),
    ({"fields": {"external_id": "id"}, "columns": ("id",), "patterns": {"ID2": r"\d+"}}, "not one of its columns"),
])
def test_preset_that_cannot_work_is_refused_when_defined(definition, message):
    with pytest.raises(ValueError, match=message):
        Preset(name="xx", label="Broken", delimiter=None, header=None, **definition)


def test_new_layout_is_one_entry(tmp_path, monkeypatch):
    georgia = Preset(
        name="ga", label="Georgia voter list", delimiter="|", header=True,
        fields={"external_id": "REGISTRATION_NUMBER", "first_name": "FIRST_NAME", "last_name": "LAST_NAME",
                "address": "RESIDENCE_HOUSE_NUMBER+RESIDENCE_STREET_NAME", "city": "RESIDENCE_CITY",
                "zip": "RESIDENCE_ZIPCODE", "birth_year": "BIRTHDATE"},
        birth="year",
    )
    monkeypatch.setitem(PRESETS, "ga", georgia)
    path = tmp_path / "ga.txt"
    path.write_text("REGISTRATION_NUMBER|LAST_NAME|FIRST_NAME|RESIDENCE_HOUSE_NUMBER|RESIDENCE_STREET_NAME|"
                    "RESIDENCE_CITY|RESIDENCE_ZIPCODE|BIRTHDATE\n"
                    "08012345|SMITH|ANA|12|PEACHTREE ST|ATLANTA|30303|1980\n", encoding="utf-8")
    with open_voter_file(path, reference_year=2026) as reader:
        assert reader.preset is georgia
        (row,) = reader
    assert (row.voter["external_id"], row.voter["house_number"], row.voter["street"], row.voter["birth_year"]) \
        == ("08012345", "12", "PEACHTREE ST", 1980)


def test_squash_makes_spellings_of_a_column_equal():
    assert squash("Cell Phone") == squash("cell_phone") == squash("CELLPHONE") == squash("Cell-Phone") == "cellphone"
    assert presets.date_format_is_supported("%m/%d/%Y") and not presets.date_format_is_supported("%m/%Y")
