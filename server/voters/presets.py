"""The voter-file layouts Kin reads, one declarative entry each.

A preset says where each Kin field comes from. The keys of ``fields`` are the Voter columns (``external_id``,
``first_name`` ... ``registration_status``), plus ``phones`` and ``emails`` (one or several sources each) and
``address`` (one line holding the house number and the street, which the reader splits). A source is written as:

- ``"ncid"``: one column. Column names match case-insensitively, ignoring spaces, underscores and punctuation,
  so ``"Cell Phone"``, ``"cell_phone"`` and ``"CellPhone"`` are the same column.
- ``"birth_year|age"``: the first of these columns that the file has (layouts change between years).
- ``"RegStNum+RegStFrac"``: several columns joined by a space, empty ones left out; each part may itself be
  ``"a|b"``. For a street from its parts, or a phone from its area code and number.
- a tuple, for ``phones`` and ``emails`` only: several sources, each read as a separate number or address.
  Sources the file does not have are skipped.

``birth`` says how the birth column is written: ``"year"`` (1980), ``"age"`` (an age at the reference year),
``"date:%m/%d/%Y"`` (the directives ``%Y``, ``%m`` and ``%d``), or several of these separated by ``|``, tried in
order. ``patterns`` lets ``auto`` recognise a file without a header: for each named column, a regular expression
its values match.

Adding a layout is one more entry in ``PRESETS``; ``tests/server/voters/test_reader_presets.py`` checks each one.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

# the Kin fields a preset may fill; "address" is split into house_number and street
TEXT_FIELDS = (
    "external_id", "first_name", "middle_name", "last_name", "name_suffix",
    "house_number", "street", "unit", "city", "state", "zip", "county",
    "precinct", "congressional_district", "state_senate_district", "state_house_district",
    "party", "registration_status",
)
# "priority": the campaign's own mark for voters it wants reached first (its target universe), yes or no
# "latitude" and "longitude": where the voter lives, in degrees (canvassing orders doors by them)
FIELDS = (*TEXT_FIELDS, "birth_year", "priority", "latitude", "longitude", "phones", "emails", "address")
MULTI_FIELDS = ("phones", "emails")
IGNORE = "ignore"  # --map COLUMN=ignore: read nothing from a column the preset would read

_BIRTH_KINDS = ("year", "age")
_DATE_DIRECTIVES = re.compile(r"%(.)")


@dataclass(frozen=True)
class Preset:
    name: str                      # "nc", "oh", "fl", "mi", "wa", "ny", "pa", "van", "generic"
    label: str                     # "North Carolina SBOE ncvoter"
    delimiter: str | None          # None: detect
    header: bool | None            # None: detect; False: none, unless the first row names the columns
    columns: tuple[str, ...] = ()  # for files without a header: the column names in order
    fields: Mapping[str, str | tuple[str, ...]] = field(default_factory=dict)  # Kin field -> source
    birth: str = "year"            # how the birth column is written: "year", "date:%m/%d/%Y", "age", "year|age"
    encoding: str | None = None    # None: detect (UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252)
    patterns: Mapping[str, str] = field(default_factory=dict)  # headerless files: column -> regex of its values

    def __post_init__(self):
        unknown = set(self.fields) - set(FIELDS)
        if unknown:
            raise ValueError(f"preset {self.name}: unknown fields {sorted(unknown)}")
        if "external_id" not in self.fields:
            raise ValueError(f"preset {self.name}: no external_id")
        for name, source in self.fields.items():
            if isinstance(source, tuple) and name not in MULTI_FIELDS:
                raise ValueError(f"preset {self.name}: only phones and emails take several sources ({name})")
        for kind in self.birth.split("|"):
            if kind not in _BIRTH_KINDS and not (kind.startswith("date:") and date_format_is_supported(kind[5:])):
                raise ValueError(f"preset {self.name}: cannot read birth values written as {kind!r}")
        for column in self.patterns:
            if column not in self.columns:
                raise ValueError(f"preset {self.name}: pattern for {column!r}, which is not one of its columns")

    def sources(self, name: str) -> tuple[str, ...]:
        """The sources of one field as a tuple (empty when the preset does not fill it)."""
        source = self.fields.get(name, ())
        return source if isinstance(source, tuple) else (source,)


def date_format_is_supported(fmt: str) -> bool:
    """A date format the reader can turn into a regular expression: %Y, %m and %d, each exactly once."""
    directives = _DATE_DIRECTIVES.findall(fmt)
    return sorted(directives) == ["Y", "d", "m"]


def squash(column: str) -> str:
    """How column names are compared: "Cell Phone", "cell_phone" and "CELLPHONE" are the same column."""
    return "".join(ch for ch in column.casefold() if ch.isalnum())


# Ohio's SWVF per-election columns, Pennsylvania's District and Election columns, and Florida's two layouts
# are left out of ``fields`` on purpose: Kin keeps no vote history.

_PA_COLUMNS = (
    "ID Number", "Title", "Last Name", "First Name", "Middle Name", "Suffix", "Gender", "DOB", "Registration Date",
    "Voter Status", "Status Change Date", "Party Code", "House Number", "House Number Suffix", "Street Name",
    "Apartment Number", "Address Line 2", "City", "State", "Zip", "Mail Address 1", "Mail Address 2", "Mail City",
    "Mail State", "Mail Zip", "Last Vote Date", "Precinct Code", "Precinct Split ID", "Date Last Changed",
    "Custom Data 1",
    *(f"District {n}" for n in range(1, 41)),
    *(f"Election {n} {part}" for n in range(1, 41) for part in ("Vote Method", "Party")),
    "Home Phone", "County", "Mail Country",
)

_FL_COLUMNS = (
    "County_Code", "Voter_ID", "Name_Last", "Name_Suffix", "Name_First", "Name_Middle",
    "Requested_public_records_exemption", "Residence_Address_Line_1", "Residence_Address_Line_2",
    "Residence_City", "Residence_State", "Residence_Zipcode", "Mailing_Address_Line_1", "Mailing_Address_Line_2",
    "Mailing_Address_Line_3", "Mailing_City", "Mailing_State", "Mailing_Zipcode", "Mailing_Country", "Gender",
    "Race", "Birth_Date", "Registration_Date", "Party_Affiliation", "Precinct", "Precinct_Group", "Precinct_Split",
    "Precinct_Suffix", "Voter_Status", "Congressional_District", "House_District", "Senate_District",
    "County_Commission_District", "School_Board_District", "Daytime_Area_Code", "Daytime_Phone_Number",
    "Daytime_Phone_Extension", "Email_address",
)

_NY_COLUMNS = (
    "LASTNAME", "FIRSTNAME", "MIDDLENAME", "NAMESUFFIX", "RADDNUMBER", "RHALFCODE", "RAPARTMENT", "RPREDIRECTION",
    "RSTREETNAME", "RPOSTDIRECTION", "RCITY", "RZIP5", "RZIP4", "MAILADD1", "MAILADD2", "MAILADD3", "MAILADD4",
    "DOB", "GENDER", "ENROLLMENT", "OTHERPARTY", "COUNTYCODE", "ED", "LD", "TOWNCITY", "WARD", "CD", "SD", "AD",
    "LASTVOTEDDATE", "PREVYEARVOTED", "PREVCOUNTY", "PREVADDRESS", "PREVNAME", "COUNTYVRNUMBER", "REGDATE",
    "VRSOURCE", "IDREQUIRED", "IDMET", "STATUS", "REASONCODE", "INACT_DATE", "PURGE_DATE", "SBOEID", "VoterHistory",
)

_MDY = r"(?:\d{1,2}/\d{1,2}/\d{4})?"

PRESETS: dict[str, Preset] = {preset.name: preset for preset in (
    Preset(
        name="nc", label="North Carolina SBOE ncvoter", delimiter="\t", header=True,
        fields={
            "external_id": "ncid", "first_name": "first_name", "middle_name": "middle_name",
            "last_name": "last_name", "name_suffix": "name_suffix_lbl", "address": "res_street_address",
            "city": "res_city_desc", "state": "state_cd", "zip": "zip_code", "county": "county_desc",
            "precinct": "precinct_abbrv", "congressional_district": "cong_dist_abbrv",
            "state_senate_district": "nc_senate_abbrv", "state_house_district": "nc_house_abbrv",
            # birth_year since 02/2022; before that only an age, named birth_age, or age in older files
            "birth_year": "birth_year|age_at_year_end|birth_age|age", "party": "party_cd",
            "registration_status": "voter_status_desc|status_cd", "phones": ("full_phone_number",),
        },
        birth="year|age",
    ),
    Preset(
        name="oh", label="Ohio Secretary of State SWVF", delimiter=",", header=True,
        fields={
            "external_id": "SOS_VOTERID", "first_name": "FIRST_NAME", "middle_name": "MIDDLE_NAME",
            "last_name": "LAST_NAME", "name_suffix": "SUFFIX", "address": "RESIDENTIAL_ADDRESS1",
            "unit": "RESIDENTIAL_SECONDARY_ADDR", "city": "RESIDENTIAL_CITY", "state": "RESIDENTIAL_STATE",
            "zip": "RESIDENTIAL_ZIP", "county": "COUNTY_NUMBER", "precinct": "PRECINCT_CODE",
            "congressional_district": "CONGRESSIONAL_DISTRICT", "state_senate_district": "STATE_SENATE_DISTRICT",
            "state_house_district": "STATE_REPRESENTATIVE_DISTRICT", "birth_year": "DATE_OF_BIRTH",
            "party": "PARTY_AFFILIATION", "registration_status": "VOTER_STATUS",
        },
        birth="date:%Y-%m-%d|date:%m/%d/%Y",
    ),
    Preset(
        name="fl", label="Florida voter extract", delimiter="\t", header=False, columns=_FL_COLUMNS,
        fields={
            "external_id": "Voter_ID", "first_name": "Name_First", "middle_name": "Name_Middle",
            "last_name": "Name_Last", "name_suffix": "Name_Suffix", "address": "Residence_Address_Line_1",
            "unit": "Residence_Address_Line_2", "city": "Residence_City", "state": "Residence_State",
            "zip": "Residence_Zipcode", "county": "County_Code", "precinct": "Precinct",
            "congressional_district": "Congressional_District", "state_senate_district": "Senate_District",
            "state_house_district": "House_District", "birth_year": "Birth_Date", "party": "Party_Affiliation",
            "registration_status": "Voter_Status", "phones": ("Daytime_Area_Code+Daytime_Phone_Number",),
            "emails": ("Email_address",),
        },
        birth="date:%m/%d/%Y",
        patterns={"County_Code": r"[A-Z]{3}", "Voter_ID": r"\d{6,12}", "Birth_Date": _MDY},
    ),
    Preset(
        # the Secretary of State's CSV names first, then national-voter-file's spellings of the same columns
        name="mi", label="Michigan Qualified Voter File (QVF)", delimiter=None, header=True,
        fields={
            "external_id": "VOTER_IDENTIFICATION_NUMBER|STATE_VOTER_REF", "first_name": "FIRST_NAME",
            "middle_name": "MIDDLE_NAME", "last_name": "LAST_NAME", "name_suffix": "NAME_SUFFIX",
            "house_number": "STREET_NUMBER_PREFIX|HOUSE_NUM_CHARACTER+STREET_NUMBER|RESIDENCE_STREET_NUMBER"
                            "+STREET_NUMBER_SUFFIX|HOUSE_SUFFIX",
            "street": "DIRECTION_PREFIX|PRE_DIRECTION+STREET_NAME+STREET_TYPE+DIRECTION_SUFFIX|SUFFIX_DIRECTION",
            "unit": "EXTENSION|RESIDENCE_EXTENSION", "city": "CITY", "state": "STATE_ADDR|STATE",
            "zip": "ZIP_CODE|ZIP", "county": "COUNTY_NAME|COUNTY_CODE|COUNTYCODE",
            "precinct": "PRECINCT|WARD_PRECINCT",
            "congressional_district": "US_CONGRESS_DISTRICT_CODE|CONGRESSIONAL_DIST",
            "state_senate_district": "STATE_SENATE_DISTRICT_CODE|UPPER_HOUSE_DIST",
            "state_house_district": "STATE_HOUSE_DISTRICT_CODE|LOWER_HOUSE_DIST",
            "birth_year": "YEAR_OF_BIRTH|BIRTH_YEAR",
            "registration_status": "VOTER_STATUS_TYPE_CODE|REGISTRATION_STATUS",
        },
        birth="year",
    ),
    Preset(
        # one legislative district elects both the state senator and the representatives
        name="wa", label="Washington VRDB", delimiter=None, header=True,
        fields={
            "external_id": "StateVoterID", "first_name": "FName", "middle_name": "MName", "last_name": "LName",
            "name_suffix": "NameSuffix", "house_number": "RegStNum+RegStFrac",
            "street": "RegStPreDirection+RegStName+RegStType+RegStPostDirection", "unit": "RegUnitType+RegUnitNum",
            "city": "RegCity", "state": "RegState", "zip": "RegZipCode", "county": "CountyCode",
            "precinct": "PrecinctCode", "congressional_district": "CongressionalDistrict",
            "state_senate_district": "LegislativeDistrict", "state_house_district": "LegislativeDistrict",
            "birth_year": "Birthyear|Birthdate", "registration_status": "StatusCode",
        },
        birth="year|date:%m/%d/%Y",
    ),
    Preset(
        name="ny", label="New York State Board of Elections voter file", delimiter=",", header=False,
        columns=_NY_COLUMNS,
        fields={
            "external_id": "SBOEID", "first_name": "FIRSTNAME", "middle_name": "MIDDLENAME", "last_name": "LASTNAME",
            "name_suffix": "NAMESUFFIX", "house_number": "RADDNUMBER+RHALFCODE",
            "street": "RPREDIRECTION+RSTREETNAME+RPOSTDIRECTION", "unit": "RAPARTMENT", "city": "RCITY",
            "zip": "RZIP5", "county": "COUNTYCODE", "precinct": "ED", "congressional_district": "CD",
            "state_senate_district": "SD", "state_house_district": "AD", "birth_year": "DOB",
            "party": "ENROLLMENT", "registration_status": "STATUS",
        },
        birth="date:%Y%m%d",
        patterns={"SBOEID": r"NY\d{18}", "DOB": r"(?:\d{8})?"},
    ),
    Preset(
        # District 6/7/8 hold the state house, state senate and congressional districts in most counties
        # (each county's "Zone Types" file says); --map overrides them where a county differs
        name="pa", label="Pennsylvania Full Voter Export (FVE)", delimiter="\t", header=False, columns=_PA_COLUMNS,
        fields={
            "external_id": "ID Number", "first_name": "First Name", "middle_name": "Middle Name",
            "last_name": "Last Name", "name_suffix": "Suffix", "house_number": "House Number+House Number Suffix",
            "street": "Street Name", "unit": "Apartment Number+Address Line 2", "city": "City", "state": "State",
            "zip": "Zip", "county": "County", "precinct": "Precinct Code", "congressional_district": "District 8",
            "state_senate_district": "District 7", "state_house_district": "District 6", "birth_year": "DOB",
            "party": "Party Code", "registration_status": "Voter Status", "phones": ("Home Phone",),
        },
        birth="date:%m/%d/%Y",
        patterns={"DOB": _MDY, "Registration Date": _MDY, "Gender": r"[FMUX]?"},
    ),
    Preset(
        # export files (VoteBuilder, EveryAction, the export-jobs API) and the API's own field names
        name="van", label="NGP VAN / EveryAction export (VANID)", delimiter=None, header=True,
        fields={
            "external_id": "Voter File VANID|VanID", "first_name": "FirstName", "middle_name": "MiddleName",
            "last_name": "LastName", "name_suffix": "Suffix", "address": "StreetAddress|Address|AddressLine1",
            "unit": "AddressLine2", "city": "City", "state": "State|StateOrProvince",
            "zip": "Zip5|ZipOrPostal|ZipOrPostalCode|Zip", "county": "County|CountyName",
            "precinct": "PrecinctName|Precinct", "congressional_district": "CongressionalDistrict|CD",
            "state_senate_district": "StateSenate|SD", "state_house_district": "StateHouse|HD",
            "birth_year": "DOB|DateOfBirth|Age", "party": "Party", "registration_status": "VoterStatus",
            "latitude": "Latitude|Lat", "longitude": "Longitude|Long|Lon",
            "phones": ("PreferredPhone", "CellPhone", "HomePhone", "WorkPhone", "Phone", "PhoneNumber",
                       "OptInPhone"),
            "emails": ("PreferredEmail", "Email", "PersonalEmail", "WorkEmail", "OtherEmail"),
        },
        birth="year|date:%m/%d/%Y|date:%Y-%m-%d|age",
    ),
    Preset(
        # any CSV with a header: the first alias the header has wins, so the most specific names come first
        name="generic", label="Any CSV or tab-delimited file with a header (columns matched by name)",
        delimiter=None, header=None,
        fields={
            "external_id": "external_id|voter_id|voterid|Voter File VANID|VANID|ncid|SOS_VOTERID|StateFileID"
                           "|state_voter_id|StateVoterID|state_voter_ref|VOTER_IDENTIFICATION_NUMBER|SBOEID"
                           "|registration_number|voter_registration_number|voter_reg_num|regnum|id",
            "first_name": "first_name|first|FirstName|name_first|fname|given_name|forename",
            "middle_name": "middle_name|middle|MiddleName|name_middle|mname|middle_initial",
            "last_name": "last_name|last|LastName|name_last|lname|surname|family_name",
            "name_suffix": "name_suffix|suffix|name_suffix_lbl|NameSuffix",
            "house_number": "house_number|house_num|street_number|StreetNo|address_number|RegStNum",
            "street": "street|street_name|StreetName",
            "address": "address|address1|address_1|address_line_1|AddressLine1|street_address|StreetAddress"
                       "|res_street_address|residential_address1|residence_address",
            "unit": "unit|apt|apartment|unit_number|address2|address_2|address_line_2|AddressLine2",
            "city": "city|res_city|res_city_desc|residential_city|town",
            "state": "state|state_code|state_cd|residential_state|StateOrProvince",
            "zip": "zip|zip5|zipcode|zip_code|postal_code|postcode|ZipOrPostal|ZipOrPostalCode|residential_zip",
            "county": "county|county_name|county_desc",
            "precinct": "precinct|precinct_code|precinct_name|precinct_abbrv",
            "congressional_district": "congressional_district|CongressionalDistrict|cong_dist|cd",
            "state_senate_district": "state_senate_district|StateSenate|senate_district|sd",
            "state_house_district": "state_house_district|StateHouse|house_district|hd",
            "birth_year": "birth_year|BirthYear|year_of_birth|yob|date_of_birth|DateOfBirth|birth_date|birthdate"
                          "|dob|age",
            "party": "party|party_code|party_cd|party_affiliation|enrollment",
            "registration_status": "registration_status|voter_status|status",
            "priority": "priority|target|targeted|is_target|priority_voter|universe",
            "latitude": "latitude|lat|geo_lat|res_latitude|y_coord|point_y",
            "longitude": "longitude|lon|lng|long|geo_lon|geo_lng|res_longitude|x_coord|point_x",
            "phones": ("phone", "phone_number", "cell", "cell_phone", "mobile", "mobile_phone", "home_phone",
                       "work_phone", "preferred_phone", "full_phone_number", "telephone", "tel"),
            "emails": ("email", "email_address", "e_mail", "preferred_email", "personal_email", "work_email"),
        },
        birth="year|date:%Y-%m-%d|date:%m/%d/%Y|date:%Y%m%d|age",
    ),
)}
