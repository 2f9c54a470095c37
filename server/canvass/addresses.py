"""Where a voter lives, as a key: the voter file's address fields normalised the USPS way (Publication 28), so
that "12-B North Main Street, 27601-1234" and "12B N MAIN ST, 27601" are one building, and "Apt 4", "#4" and
"Unit 4" one household in it.

Pure: no Flask, no database. The street-suffix, unit and directional tables are usaddress-scourgify's (its
Publication 28 Appendix C1 and C2 tables); only the tables are used, never its address parser, since the voter
file already splits number, street and unit into columns and a parser per row would cost a million-row import
minutes.

A building is (zip or city, street, house number); a household is a building and a unit ("" for the whole
building). Keys are plain strings, so they can be compared, indexed and stay the same across re-imports.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from scourgify.address_constants import (
    DIRECTIONAL_REPLACEMENTS,
    OCCUPANCY_TYPE_ABBREVIATIONS,
    STREET_TYPE_ABBREVIATIONS,
)

# unit designators that only say "a dwelling in this building": "APT 4", "UNIT 4", "#4" and "4" are one unit.
# Others (FL 2, LOT 2, BLDG 2, RM 2, REAR) say what the unit is, and stay in its key.
_DWELLING = {"APT", "APARTMENT", "UNIT", "#", "NO", "NUM", "NUMBER", "STE", "SUITE"}
_DESIGNATORS = {**OCCUPANCY_TYPE_ABBREVIATIONS, **{v: v for v in OCCUPANCY_TYPE_ABBREVIATIONS.values()},
                "APT": "APT", "NO": "#", "NUM": "#", "NUMBER": "#"}
_DIRECTIONS = {**DIRECTIONAL_REPLACEMENTS, **{v: v for v in DIRECTIONAL_REPLACEMENTS.values()}}

_PUNCTUATION = re.compile(r"[.,;:'\"`()]")
_SPACES = re.compile(r"\s+")
_FRACTION = re.compile(r"\s*\b(\d+)/(\d+)$")  # "12 1/2": the half is part of the number, not a second number
_NUMBER_LETTER = re.compile(r"^(\d+)\s*-?\s*([A-Z])$")  # "12-B", "12 B", "12B"
_DIGITS = re.compile(r"\d+")
_LEADING_NUMBER = re.compile(r"^(\d+(?:\s+\d+/\d+)?|[NSEW]\d+[NSEW]\d+|\d+-?[A-Z]?)\s+(.+)$")
_ZIP = re.compile(r"^(\d{5})(?:-?\d{4})?$")


class HouseNumber(NamedTuple):
    """A house number as written (normalised) and what a walk list orders by: ``sort`` holds its numbers in
    order ("W123N4567" is (123, 4567); "12 1/2" is (12, 1)); ``parity`` the side of the street (0 even, 1 odd,
    None when the number has none)."""

    text: str
    sort: tuple[int, ...]
    parity: int | None


@dataclass(frozen=True)
class Address:
    number: HouseNumber
    street: str  # "N MAIN ST"
    unit: str  # the unit's key: "4B", "FL 2", "REAR"; "" for the whole building
    unit_label: str  # as a canvasser reads it: "APT 4B"
    zip: str  # five digits, or ""
    city: str

    @property
    def building_key(self) -> str:
        return f"{self.zip or self.city}|{self.street}|{self.number.text}"

    @property
    def household_key(self) -> str:
        return f"{self.building_key}|{self.unit}"


@lru_cache(maxsize=65_536)
def _clean(value: str | None) -> str:
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", (value or "").upper())).strip()


@lru_cache(maxsize=65_536)
def house_number(value: str | None) -> HouseNumber:
    """"12 1/2", "12-B", "12B", "W123N4567" (a Wisconsin grid address), "10-12" (a range), "" (none)."""
    text = _clean(value).replace("#", "").strip()
    fraction = _FRACTION.search(text)
    whole = text[:fraction.start()] if fraction else text
    if letter := _NUMBER_LETTER.match(whole):
        whole = letter[1] + letter[2]
    whole = whole.replace(" ", "")
    text = f"{whole} {fraction[1]}/{fraction[2]}" if fraction and whole else whole
    numbers = tuple(int(n) for n in _DIGITS.findall(whole))
    if fraction:
        numbers += (1,)  # 12 1/2 comes right after 12
    # the side of the street is the last number's (W123N4567: the 4567 that runs along the street; 10-12: both)
    parity = int(_DIGITS.findall(whole)[-1]) % 2 if _DIGITS.search(whole) else None
    return HouseNumber(text, numbers, parity)


@lru_cache(maxsize=65_536)
def street_name(value: str | None) -> str:
    """USPS style: "North Main Street" -> "N MAIN ST", "Main St. North" -> "MAIN ST N", "North Avenue" stays
    "NORTH AVE" (a lone word is the name, not a direction)."""
    words = _clean(value).replace("#", " ").split()
    suffix = post = pre = None
    if len(words) >= 3 and words[-1] in _DIRECTIONS:
        post = _DIRECTIONS[words.pop()]
    if len(words) >= 2 and words[-1] in STREET_TYPE_ABBREVIATIONS:
        suffix = STREET_TYPE_ABBREVIATIONS[words.pop()]
    if len(words) >= 2 and words[0] in _DIRECTIONS:
        pre = _DIRECTIONS[words.pop(0)]
    return " ".join(word for word in (pre, *words, suffix, post) if word)


@lru_cache(maxsize=65_536)
def unit(value: str | None) -> tuple[str, str]:
    """(key, label): "Apt 4-B" -> ("4B", "APT 4B"), "#4" and "4" -> ("4", "#4"), "Floor 2" -> ("FL 2", "FL 2"),
    "Rear" -> ("REAR", "REAR"), "" -> ("", "")."""
    words = _clean(value).replace("#", " # ").split()
    if not words:
        return "", ""
    first, rest = words[0], "".join(words[1:]).replace("-", "")
    if first in _DWELLING:
        label = _DESIGNATORS.get(first, "#")
        return (rest, f"{label} {rest}" if label != "#" else f"#{rest}") if rest else ("", "")
    if designator := _DESIGNATORS.get(first):
        key = f"{designator} {rest}".strip()
        return key, key
    ident = "".join(words).replace("-", "")
    return ident, f"#{ident}"


@lru_cache(maxsize=65_536)
def zip_code(value: str | None) -> str:
    """The five-digit ZIP of "27601", "27601-1234" or "276011234"; "" for anything else."""
    match = _ZIP.match((value or "").strip())
    return match[1] if match else ""


@lru_cache(maxsize=65_536)
def _split_street(street: str | None) -> tuple[str, str, str]:
    """(house number, USPS street name, unit) of a street column that may hold all three: "12 MAIN ST APT 4"."""
    street_text, house, unit_text = _clean(street), "", ""
    if leading := _LEADING_NUMBER.match(street_text):
        house, street_text = leading[1], leading[2]
    words = street_text.split()
    for at, word in enumerate(words[1:], start=1):
        if word in _DWELLING or word.startswith("#"):
            unit_text, street_text = " ".join(words[at:]), " ".join(words[:at])
            break
    return house, street_name(street_text), unit_text


def normalise(house: str | None, street: str | None, unit_text: str | None, zip_text: str | None,
              city: str | None = "") -> Address | None:
    """A voter's address from the voter file's columns; None when there is no street to knock on. A house number
    left inside the street ("12 MAIN ST") is taken out of it, and so is a unit ("MAIN ST APT 4"). Each part is
    cached: a voter file names the same streets, numbers and units over and over."""
    house_in_street, name, unit_in_street = _split_street(street)
    if not name:
        return None
    number = house_number(house if house and house.strip() else house_in_street)
    unit_key, unit_label = unit(unit_text if unit_text and unit_text.strip() else unit_in_street)
    return Address(number, name, unit_key, unit_label, zip_code(zip_text), _clean(city))
