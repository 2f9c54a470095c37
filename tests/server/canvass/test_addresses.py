"""Household keys: the same door written two ways is one door, and two doors are never one."""

import pytest

from server.canvass.addresses import house_number, normalise, street_name, unit, zip_code


@pytest.mark.parametrize(("written", "usps"), [
    ("North Main Street", "N MAIN ST"),
    ("n. main st.", "N MAIN ST"),
    ("Main Street North", "MAIN ST N"),
    ("Martin Luther King Jr Boulevard", "MARTIN LUTHER KING JR BLVD"),
    ("Southwest Oak Avenue", "SW OAK AVE"),
    ("North Avenue", "NORTH AVE"),  # a lone word is the street's name, not a direction
    ("West Street", "WEST ST"),
    ("Broadway", "BROADWAY"),
    ("Saint James Place", "SAINT JAMES PL"),
    ("Elm   Ct", "ELM CT"),
    ("Avenue A", "AVENUE A"),  # the suffix is the last word only
])
def test_street_names_follow_publication_28(written, usps):
    assert street_name(written) == usps


@pytest.mark.parametrize(("written", "text", "sort", "parity"), [
    ("12", "12", (12,), 0),
    ("13", "13", (13,), 1),
    ("12 1/2", "12 1/2", (12, 1), 0),
    ("12-B", "12B", (12,), 0),
    ("12 b", "12B", (12,), 0),
    ("12B", "12B", (12,), 0),
    ("W123N4567", "W123N4567", (123, 4567), 1),
    ("w123 n4567", "W123N4567", (123, 4567), 1),
    ("10-12", "10-12", (10, 12), 0),
    ("#7", "7", (7,), 1),
    ("", "", (), None),
    (None, "", (), None),
])
def test_house_numbers_keep_what_tells_doors_apart(written, text, sort, parity):
    assert house_number(written) == (text, sort, parity)


def test_a_half_number_sorts_right_after_its_whole():
    numbers = ["13", "12 1/2", "12", "14"]
    assert sorted(numbers, key=lambda n: house_number(n).sort) == ["12", "12 1/2", "13", "14"]


@pytest.mark.parametrize(("written", "key", "label"), [
    ("APT 4", "4", "APT 4"),
    ("Apartment 4", "4", "APT 4"),
    ("#4", "4", "#4"),
    ("# 4", "4", "#4"),
    ("4", "4", "#4"),
    ("Unit 4B", "4B", "UNIT 4B"),
    ("apt 4-b", "4B", "APT 4B"),
    ("Suite 200", "200", "STE 200"),
    ("Floor 2", "FL 2", "FL 2"),
    ("Lot 7", "LOT 7", "LOT 7"),
    ("Rear", "REAR", "REAR"),
    ("", "", ""),
    ("APT", "", ""),
])
def test_units_written_any_way_have_one_key(written, key, label):
    assert unit(written) == (key, label)


@pytest.mark.parametrize(("written", "five"), [
    ("27601", "27601"), ("27601-1234", "27601"), ("276011234", "27601"), (" 27601 ", "27601"), ("2760", ""),
    ("", ""), (None, ""), ("ABCDE", ""),
])
def test_zip_plus_four_is_the_same_zip(written, five):
    assert zip_code(written) == five


def test_the_same_building_written_two_ways_is_one_building():
    a = normalise("12-B", "North Main Street", "Apt 4", "27601-1234", "Raleigh")
    b = normalise("12B", "N. MAIN ST", "#4", "27601", "RALEIGH")
    assert a.building_key == b.building_key == "27601|N MAIN ST|12B"
    assert a.household_key == b.household_key == "27601|N MAIN ST|12B|4"


def test_apartments_are_households_of_one_building():
    first, second, whole = (normalise("40", "Oak Ave", u, "27601") for u in ("APT 1", "APT 2", ""))
    assert first.building_key == second.building_key == whole.building_key
    assert len({first.household_key, second.household_key, whole.household_key}) == 3


def test_neighbours_are_different_buildings():
    keys = {normalise(n, "Oak Ave", "", "27601").building_key for n in ("12", "12 1/2", "12B", "13", "14")}
    assert len(keys) == 5


def test_the_same_street_in_another_zip_is_another_building():
    assert (normalise("12", "Main St", "", "27601").building_key
            != normalise("12", "Main St", "", "27603").building_key)


def test_without_a_zip_the_city_tells_streets_apart():
    assert normalise("12", "Main St", "", "", "Cary").building_key == "CARY|MAIN ST|12"


def test_a_missing_number_keeps_the_street_and_unit():
    address = normalise("", "Rural Route Road", "Rear", "27601")
    assert address.number == ("", (), None)
    assert address.household_key == "27601|RURAL ROUTE RD||REAR"


def test_no_street_is_no_address():
    assert normalise("12", "", "", "27601") is None
    assert normalise("", "  ", "APT 4", "27601") is None


def test_a_number_and_unit_left_inside_the_street_are_taken_out():
    address = normalise("", "12 1/2 Main Street Apt 3", "", "27601")
    assert (address.number.text, address.street, address.unit) == ("12 1/2", "MAIN ST", "3")
    assert normalise("", "W123N4567 Goldendale Rd", "", "53022").number.text == "W123N4567"


def test_a_unit_column_wins_over_one_left_in_the_street():
    assert normalise("5", "Main St #9", "APT 2", "27601").unit == "2"
