"""The voter-file reader: every corpus sample reads with its preset and with auto, and each bad row says where.

Pure tests: no app, no database. The samples are in tests/fixtures/voterfiles (see tests/fixtures/SOURCES.md).
"""

import io
from pathlib import Path

import pytest

from server.voters.models import VOTER_FIELDS
from server.voters.reader import RowError, VoterFileError, describe_presets, open_voter_file

FIXTURES = Path(__file__).parent.parent.parent / "fixtures" / "voterfiles"
YEAR = 2026

# file, its preset, rows read
SAMPLES = [
    ("synthetic_nc_ncvoter_layout_shuffled_columns.tsv", "nc", 100),
    ("synthetic_oh_swvf_layout_with_election_columns.csv", "oh", 100),
    ("synthetic_fl_voter_extract_layout_no_header.txt", "fl", 100),
    ("synthetic_mi_qvf_layout.csv", "mi", 100),
    ("synthetic_wa_vrdb_layout_300rows.tsv", "wa", 300),
    ("synthetic_ny_voter_layout_no_header.csv", "ny", 100),
    ("synthetic_pa_full_voter_export_layout_no_header.tsv", "pa", 100),
    ("van_export_canvass_file_sample_spoke.csv", "van", 20),
]


def read(source, **options):
    options.setdefault("reference_year", YEAR)
    with open_voter_file(source, **options) as reader:
        return list(reader)


def voter(**fields):
    """A voter dict as the reader gives it: every column, "" (None for birth_year, latitude and longitude, False
    for priority) unless given."""
    return {"external_id": fields.pop("external_id"), **{name: "" for name in VOTER_FIELDS}, "birth_year": None,
            "priority": False, "latitude": None, "longitude": None, **fields}


def by_line(rows):
    return {row.line: row for row in rows}


def write(tmp_path, content, name="voters.csv"):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_bytes(content.encode("utf-8"))
    else:
        path.write_bytes(content)
    return path


# -- the corpus samples ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "preset", "count"), SAMPLES)
def test_sample_reads_the_same_with_its_preset_and_with_auto(name, preset, count):
    with open_voter_file(FIXTURES / name, reference_year=YEAR) as detected:
        assert detected.preset.name == preset
        auto_rows = list(detected)
    named_rows = read(FIXTURES / name, preset=preset)
    assert named_rows == auto_rows
    assert len(named_rows) == count
    assert [row for row in named_rows if row.voter is None] == []


@pytest.mark.parametrize(("name", "preset", "count"), SAMPLES)
def test_sample_progress_reaches_the_file_size(name, preset, count):
    with open_voter_file(FIXTURES / name, reference_year=YEAR) as reader:
        assert reader.total_bytes == (FIXTURES / name).stat().st_size
        list(reader)
        assert reader.bytes_read == reader.total_bytes


EXPECTED = {
    "synthetic_nc_ncvoter_layout_shuffled_columns.tsv": {
        # birth_age 46 in 2026; phone written 631.204.2350
        18: (voter(external_id="SX188325", first_name="AMANDA", middle_name="JESSICA", last_name="ROSS",
                   name_suffix="DVM", house_number="20739", street="JACKSON UNDERPASS APT. 048",
                   city="WEST STEPHENBURY", state="NC", zip="43737", county="MEYERFORT", precinct="1/7",
                   congressional_district="6", state_senate_district="51", state_house_district="95",
                   birth_year=1980, party="LIB", registration_status="ACTIVE"), ("+16312042350",), ()),
        # phone with an extension: 12087888246x255
        37: (voter(external_id="SP418155", first_name="SUSAN", last_name="WARREN", house_number="958",
                   street="JOSE MOUNTAINS SUITE 014", city="ABIGAILMOUTH", state="NC", zip="21709",
                   county="CONNIEBOROUGH", precinct="CAR", congressional_district="7", state_senate_district="86",
                   state_house_district="23", birth_year=1992, party="REP", registration_status="INACTIVE"),
             ("+12087888246",), ()),
    },
    "synthetic_oh_swvf_layout_with_election_columns.csv": {
        2: (voter(external_id="OH0000241161", first_name="AMANDA", middle_name="GLENN", last_name="MILLER",
                  house_number="40689", street="BEASLEY PASSAGE", unit="SUITE 704", city="SOUTH KELSEYVILLE",
                  state="OH", zip="48498", county="84", precinct="30-XDY", congressional_district="84",
                  state_senate_district="47", state_house_district="46", birth_year=2008, party="C",
                  registration_status="ACTIVE"), (), ()),
        3: (voter(external_id="OH0000606490", first_name="ASHLEY", last_name="CLARK", house_number="564",
                  street="REYES FIELDS SUITE 217", city="MARTINTOWN", state="OH", zip="04460", county="55",
                  precinct="17-MFE", congressional_district="97", state_senate_district="46",
                  state_house_district="96", birth_year=1989, party="S", registration_status="INACTIVE"), (), ()),
    },
    "synthetic_fl_voter_extract_layout_no_header.txt": {
        3: (voter(external_id="0630003238", first_name="SARA", middle_name="ERIN", last_name="MORALES",
                  house_number="938", street="WENDY EXTENSIONS SUITE 177", unit="APT. 152", city="PORT JAMESVILLE",
                  zip="27767", county="OKE", precinct="11", congressional_district="24", state_senate_district="15",
                  state_house_district="111", birth_year=1985, party="ECO", registration_status="INA"), (), ()),
        # the phone from Daytime_Area_Code 730 and Daytime_Phone_Number 3148117; no birth date
        31: (voter(external_id="5659343807", first_name="XAVIER", middle_name="TYLER", last_name="CLINE",
                   house_number="49423", street="COX TUNNEL", unit="SUITE 862", city="PATRICKLAND", zip="85745",
                   county="OKE", precinct="41", congressional_district="26", state_senate_district="98",
                   state_house_district="65", party="CPF", registration_status="INA"), ("+17303148117",), ()),
        60: (voter(external_id="0689885037", first_name="ALEXANDRA", last_name="FITZPATRICK", name_suffix="JR.",
                   house_number="1287", street="BELL COMMON APT. 024", city="SOUTH STEPHANIEMOUTH", zip="12538",
                   county="ABC", precinct="51", congressional_district="22", state_senate_district="46",
                   state_house_district="109", registration_status="INA"),
             ("+18326103563",), ("angelarandall@gray.biz",)),
    },
    "synthetic_mi_qvf_layout.csv": {
        3: (voter(external_id="8456642911202", first_name="DERRICK", last_name="MCCONNELL", name_suffix="Jr.",
                  house_number="6819", street="CRYSTAL RIDGE EXPRESSWAY E", city="JOHNSONSHIRE", state="FM",
                  zip="84281", county="99", precinct="0693", congressional_district="12", state_senate_district="10",
                  state_house_district="70", birth_year=1984, registration_status="CH"), (), ()),
        # no street number, only the suffix 1/3; a pre- and a post-direction
        4: (voter(external_id="1295501079382", first_name="CAROLINE", middle_name="ASHLEY", last_name="SMALL",
                  name_suffix="MD", house_number="1/3", street="N GARY GATEWAY ALLEY E", city="EDDIECHESTER",
                  state="SD", zip="71932", county="53", precinct="6092", congressional_district="15",
                  state_senate_district="44", state_house_district="79", birth_year=1978, registration_status="R"),
            (), ()),
    },
    "synthetic_wa_vrdb_layout_300rows.tsv": {
        3: (voter(external_id="WA0002", first_name="Anne", middle_name="Laura", last_name="Bowman", name_suffix="III",
                  house_number="8762", street="Jana Street", unit="Apt 56", city="Las Vegas", state="WA",
                  zip="89160", county="AS", precinct="61", congressional_district="17", state_senate_district="15",
                  state_house_district="15", birth_year=1951, registration_status="A"), (), ()),
        301: (voter(external_id="WA000300", first_name="Diana", middle_name="Ann", last_name="Marshall",
                    house_number="65838", street="Manufacturers Drive W", city="Memphis", state="WA", zip="38109",
                    county="CR", precinct="57", congressional_district="13", state_senate_district="16",
                    state_house_district="16", birth_year=1950, registration_status="I"), (), ()),
    },
    "synthetic_ny_voter_layout_no_header.csv": {
        1: (voter(external_id="NY000000000516239749", first_name="Christopher", middle_name="Taylor",
                  last_name="White", name_suffix="DVM", house_number="5500", street="N Julie Greens", city="Cobbmouth",
                  zip="36651", county="43", precinct="19", congressional_district="23", state_senate_district="71",
                  state_house_district="85", birth_year=2000, party="WEP", registration_status="17"), (), ()),
        # a half house number, an apartment, and both directions
        2: (voter(external_id="NY000000000593137216", first_name="Adam", last_name="Williams",
                  house_number="322 1/2", street="S Ashley Lodge W", unit="377", city="Tammyborough", zip="23504",
                  county="68", precinct="20", congressional_district="10", state_senate_district="6",
                  state_house_district="13", birth_year=2016, party="SCC", registration_status="P"), (), ()),
    },
    "synthetic_pa_full_voter_export_layout_no_header.tsv": {
        # no first name, only a middle one; the Home Phone 244.810.1048x79171 is not a real area code
        2: (voter(external_id="702977", middle_name="AMY", last_name="MOSS", name_suffix="Jr.", house_number="87766",
                  street="DAVIS POINTS", city="CHRISTOPHERBURGH", state="UT", zip="81620", county="EAST ABIGAIL",
                  precinct="122959", congressional_district="15677413", state_senate_district="CO-41259",
                  state_house_district="CO60526", birth_year=1981, registration_status="A"), (), ()),
        10: (voter(external_id="853544", last_name="TURNER", house_number="7942", street="MACK SQUARE",
                   city="WEST PETER", state="MI", county="DAVIDTOWN", precinct="594885",
                   congressional_district="SN86247", state_senate_district="SN50009", state_house_district="SAN-87896",
                   birth_year=1987, party="IND", registration_status="I"), ("+19477017473",), ()),
    },
    "van_export_canvass_file_sample_spoke.csv": {
        # CellPhone, HomePhone and Phone: three numbers, cell first
        7: (voter(external_id="6678759", first_name="Zachary", last_name="Chapman", house_number="1229",
                  street="Dubud Cir", city="Gujufbik", state="MA", county="Suffolk", congressional_district="001",
                  state_senate_district="002", state_house_district="004", party="O"),
            ("+17705005813", "+15305919876", "+18657877929"), ()),
        # UTF-8 in a name
        8: (voter(external_id="6687736", first_name="Phoebe", last_name="König", house_number="1660",
                  street="Tiwa Pike", city="Owucudji", state="MD", county="Suffolk", congressional_district="001",
                  state_senate_district="002", state_house_district="004", party="D"), ("+17659277705",), ()),
    },
}


@pytest.mark.parametrize(("name", "line"), [(name, line) for name, rows in EXPECTED.items() for line in rows])
def test_sample_row_has_the_values_in_the_file(name, line):
    row = by_line(read(FIXTURES / name))[line]
    assert (row.voter, row.phones, row.emails) == EXPECTED[name][line]


def test_votebuilder_export_is_recognised_as_van(tmp_path):
    # the column names VoteBuilder export files use (listed in the corpus notes), tab-delimited as VAN exports are
    header = ["Voter File VANID", "LastName", "FirstName", "MiddleName", "Suffix", "Address", "City", "State", "Zip5",
              "Zip4", "Home Phone", "Cell Phone", "Preferred Phone", "PreferredEmail", "Age", "Sex", "Party",
              "PrecinctName"]
    row = ["100234", "Muñoz", "Ana", "M", "", "12 Main St Apt 3", "Durham", "NC", "27701", "1234", "919-660-1234",
           "(984) 215-0000", "919-660-1234", "Ana@Example.org", "46", "F", "D", "DUR-05"]
    path = write(tmp_path, "\t".join(header) + "\r\n" + "\t".join(row) + "\r\n", name="export.txt")
    with open_voter_file(path, reference_year=YEAR) as reader:
        assert (reader.preset.name, reader.delimiter) == ("van", "\t")
        (parsed,) = reader
    assert parsed.voter == voter(external_id="100234", first_name="Ana", middle_name="M", last_name="Muñoz",
                                 house_number="12", street="Main St Apt 3", city="Durham", state="NC", zip="27701",
                                 precinct="DUR-05", birth_year=1980, party="D")
    assert parsed.phones == ("+19196601234", "+19842150000")
    assert parsed.emails == ("ana@example.org",)


def test_plain_csv_with_common_names_is_read_with_the_generic_aliases(tmp_path):
    path = write(tmp_path, "voter_id,first_name,last_name,city,zip,birth_year,phone,email\n"
                           "17,Ana,Li,Cary,27513,1980,919.660.1234,ana@example.org\n")
    with open_voter_file(path, reference_year=YEAR) as reader:
        assert reader.preset.name == "generic"
        (row,) = reader
    assert row.voter == voter(external_id="17", first_name="Ana", last_name="Li", city="Cary", zip="27513",
                              birth_year=1980)
    assert (row.phones, row.emails) == (("+19196601234",), ("ana@example.org",))


def test_sample_phone_that_is_not_valid_is_a_warning_on_its_column():
    row = by_line(read(FIXTURES / "synthetic_pa_full_voter_export_layout_no_header.tsv"))[2]
    assert row.voter is not None
    assert row.problems == (RowError(2, "Home Phone", "Not a valid phone number for region US."),)


def test_describe_presets_names_every_layout():
    assert [name for name, _ in describe_presets()] == ["nc", "oh", "fl", "mi", "wa", "ny", "pa", "van", "generic"]
    assert dict(describe_presets())["nc"] == "North Carolina SBOE ncvoter"


# -- delimiters, encodings, line endings ----------------------------------------------------------------------------

@pytest.mark.parametrize("delimiter", [",", "\t", "|", ";"])
def test_delimiter_is_detected(tmp_path, delimiter):
    lines = [["voter_id", "first_name", "last_name", "city"], ["1", "Ana", "Muñoz", "Durham, NC"],
             ["2", "Bo", "Li", "Cary"]]
    path = write(tmp_path, "".join(delimiter.join(f'"{cell}"' if "," in cell and delimiter == "," else cell
                                                  for cell in line) + "\n" for line in lines))
    with open_voter_file(path, reference_year=YEAR) as reader:
        assert (reader.preset.name, reader.delimiter) == ("generic", delimiter)
        rows = list(reader)
    assert [(row.voter["external_id"], row.voter["city"]) for row in rows] == [("1", "Durham, NC"), ("2", "Cary")]


def test_latin1_file_is_read_as_windows_1252(tmp_path):
    path = write(tmp_path, "voter_id,first_name,last_name\n1,José,Muñoz\n2,Zoë,O’Brien\n".encode("cp1252"))
    with open_voter_file(path, reference_year=YEAR) as reader:
        assert reader.encoding == "cp1252"
        rows = list(reader)
    assert [row.voter["last_name"] for row in rows] == ["Muñoz", "O’Brien"]
    assert rows[0].voter["first_name"] == "José"


def test_utf8_bom_is_not_part_of_the_first_column_name(tmp_path):
    path = write(tmp_path, "\ufeffvoter_id,first_name,last_name\r\n1,Ana,Muñoz\r\n")
    with open_voter_file(path, reference_year=YEAR) as reader:
        assert reader.encoding == "utf-8-sig"
        assert reader.header == ["voter_id", "first_name", "last_name"]
        (row,) = reader
    assert row.voter["external_id"] == "1" and row.voter["last_name"] == "Muñoz"


def test_utf16_with_bom_from_excel_unicode_text_is_read(tmp_path):
    path = write(tmp_path, "voter_id\tfirst_name\tlast_name\r\n1\tAna\tMuñoz\r\n".encode("utf-16"))
    (row,) = read(path)
    assert (row.line, row.voter["last_name"]) == (2, "Muñoz")


def test_latin1_byte_after_an_ascii_sample_is_read_as_windows_1252(tmp_path):
    rows = "".join(f"{n},Ana,Smith\n" for n in range(1, 30_000))  # longer than the sample the encoding is told from
    path = write(tmp_path, ("voter_id,first_name,last_name\n" + rows + "30000,José,Muñoz\n").encode("cp1252"))
    with open_voter_file(path, reference_year=YEAR) as reader:
        assert reader.encoding == "utf-8"
        last = list(reader)[-1]
    assert (last.line, last.voter["first_name"], last.voter["last_name"]) == (30_001, "José", "Muñoz")


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_line_endings_give_the_same_rows_and_line_numbers(tmp_path, newline):
    text = newline.join(["voter_id,first_name,last_name", "1,Ana,Li", "", "2,Bo,Wu", "3,Cy,Xu"]) + newline
    rows = read(write(tmp_path, text))
    assert [(row.line, row.voter["external_id"]) for row in rows] == [(2, "1"), (4, "2"), (5, "3")]


def test_embedded_newline_in_a_quoted_field_keeps_later_line_numbers(tmp_path):
    text = ('voter_id,first_name,last_name,address\r\n'
            '1,Ana,Li,"12 Main St\r\nApt 4"\r\n'
            '2,Bo,Wu,"9 Elm St\n\nBack door"\n'
            '3,,,1 Oak St\n')
    rows = read(write(tmp_path, text))
    assert [row.line for row in rows] == [2, 4, 7]
    assert rows[0].voter["street"] == "Main St Apt 4" and rows[0].voter["house_number"] == "12"
    assert rows[2].problems == (RowError(7, "last_name", "Neither a first nor a last name; the row was skipped."),)


def test_reads_a_binary_stream_that_cannot_seek(tmp_path):
    class Pipe(io.RawIOBase):
        def __init__(self, data):
            self._data = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, buffer):
            return self._data.readinto(buffer)

    data = b"voter_id,first_name,last_name\n1,Ana,Li\n"
    stream = Pipe(data)
    with open_voter_file(stream, reference_year=YEAR) as reader:
        assert reader.total_bytes is None
        (row,) = reader
        assert reader.bytes_read == len(data)
    assert row.voter["external_id"] == "1"
    assert not stream.closed  # the caller's stream stays the caller's


def test_reads_a_file_object_from_where_it_stands():
    stream = io.BytesIO(b"voter_id,first_name,last_name\n1,Ana,Li\n")
    with open_voter_file(stream, reference_year=YEAR) as reader:
        assert reader.total_bytes == 39
        assert [row.voter["first_name"] for row in reader] == ["Ana"]


# -- whole-file problems --------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("content", "message"), [
    (b"", "empty"),
    (b"  \r\n\r\n", "empty"),
    (b"PK\x03\x04\x14\x00\x06\x00", "Excel workbook"),
    (b"voter_id,first\x00name\n", "not a text file"),
])
def test_file_that_is_not_a_voter_file_is_refused(tmp_path, content, message):
    with pytest.raises(VoterFileError, match=message):
        open_voter_file(write(tmp_path, content), reference_year=YEAR)


def test_unknown_preset_is_refused_by_name(tmp_path):
    with pytest.raises(VoterFileError, match="'ohio'.*auto, nc, oh"):
        open_voter_file(write(tmp_path, "voter_id,first,last\n1,A,B\n"), preset="ohio", reference_year=YEAR)


def test_file_without_a_voter_id_column_names_what_was_tried(tmp_path):
    with pytest.raises(VoterFileError, match="tried nc, oh, fl, mi, wa, ny, pa, van and the generic column names.*"
                                             "--map COLUMN=external_id"):
        open_voter_file(write(tmp_path, "first_name,last_name,city\nAna,Li,Cary\n"), reference_year=YEAR)


def test_file_without_a_name_column_is_refused(tmp_path):
    with pytest.raises(VoterFileError, match="No first or last name column"):
        open_voter_file(write(tmp_path, "voter_id,full_name,city\n1,Ana Li,Cary\n"), reference_year=YEAR)


def test_headerless_file_that_fits_no_preset_says_so(tmp_path):
    with pytest.raises(VoterFileError, match=r"fl \(38 columns\), ny \(45 columns\), pa \(153 columns\)"):
        open_voter_file(write(tmp_path, "1,Ana,Li\n2,Bo,Wu\n"), reference_year=YEAR)


def test_chosen_preset_without_its_id_column_is_refused(tmp_path):
    with pytest.raises(VoterFileError, match="No voter id column \\(SOS_VOTERID\\)"):
        open_voter_file(write(tmp_path, "voter_id,first_name,last_name\n1,A,B\n"), preset="oh", reference_year=YEAR)


def test_generic_without_a_header_is_refused(tmp_path):
    with pytest.raises(VoterFileError, match="needs a header row"):
        open_voter_file(write(tmp_path, "1,Ana,Li\n"), preset="generic", reference_year=YEAR)


# -- --map overrides ------------------------------------------------------------------------------------------------

def test_map_reads_a_column_as_a_field(tmp_path):
    path = write(tmp_path, "voter_id,first_name,last_name,town,mobile,phone\n1,Ana,Li,Cary,919-660-1234,"
                           "(919) 660-5678\n")
    (row,) = read(path, overrides={"town": "city", "Mobile": "phones"})
    assert row.voter["city"] == "Cary"
    assert row.phones == ("+19196605678", "+19196601234")  # the preset's phone first, then the mapped one


def test_map_names_the_id_column_that_auto_could_not_find(tmp_path):
    path = write(tmp_path, "Kennung,first_name,last_name\nX-1,Ana,Li\n")
    with open_voter_file(path, overrides={"Kennung": "external_id"}, reference_year=YEAR) as reader:
        assert reader.preset.name == "generic"
        (row,) = reader
    assert row.voter["external_id"] == "X-1"


def test_map_replaces_a_preset_column():
    nc = FIXTURES / "synthetic_nc_ncvoter_layout_shuffled_columns.tsv"
    rows = read(nc, overrides={"voter_reg_num": "external_id"})
    assert by_line(rows)[2].voter["external_id"] == "71556617"


def test_map_of_a_birth_column_reads_years_dates_and_ages(tmp_path):
    rows = read(FIXTURES / "synthetic_nc_ncvoter_layout_shuffled_columns.tsv", overrides={"registr_dt": "birth_year"})
    assert by_line(rows)[2].voter["birth_year"] == 1977  # registr_dt 02/26/1977, although ncvoter has no dates


def test_map_of_a_column_the_file_lacks_is_refused_by_name(tmp_path):
    path = write(tmp_path, "voter_id,first_name,last_name\n1,Ana,Li\n")
    with pytest.raises(VoterFileError, match="No column 'cell' in the file.*voter_id, first_name, last_name"):
        open_voter_file(path, overrides={"cell": "phones"}, reference_year=YEAR)


def test_map_to_an_unknown_field_is_refused_by_name(tmp_path):
    path = write(tmp_path, "voter_id,first_name,last_name\n1,Ana,Li\n")
    with pytest.raises(VoterFileError, match="'shoe_size'"):
        open_voter_file(path, overrides={"last_name": "shoe_size"}, reference_year=YEAR)


def test_map_works_by_preset_column_name_on_a_headerless_file():
    rows = read(FIXTURES / "synthetic_ny_voter_layout_no_header.csv", overrides={"TOWNCITY": "city"})
    assert by_line(rows)[1].voter["city"] == "Annfort"


# -- rows: rejected, kept with warnings -----------------------------------------------------------------------------

def test_bad_rows_are_rejected_with_line_column_and_reason_and_the_rest_imports(tmp_path):
    text = ("voter_id,first_name,last_name,birth_date,phone\n"
            "1,Ana,Li,1980-02-01,\n"
            ",Bo,Wu,1970,\n"
            "3,,,1970,\n"
            "4,Cy,Xu,31 Feb 1999,\n"
            "5,Di,Yu,1980-02-30,\n"
            "6,Ed,Ng,,\n")
    rows = read(write(tmp_path, text))
    assert [row.line for row in rows if row.voter is not None] == [2, 7]
    assert [problem for row in rows for problem in row.problems] == [
        RowError(3, "voter_id", "No voter id; the row was skipped."),
        RowError(4, "last_name", "Neither a first nor a last name; the row was skipped."),
        RowError(5, "birth_date", "Cannot read the birth date '31 Feb 1999': expected a year like 1980 or a date "
                                  "like 1980-01-31 or a date like 01/31/1980 or a date like 19800131 or an age."),
        RowError(6, "birth_date", "Cannot read the birth date '1980-02-30': expected a year like 1980 or a date "
                                  "like 1980-01-31 or a date like 01/31/1980 or a date like 19800131 or an age."),
    ]
    assert all(row.phones == row.emails == () for row in rows if row.voter is None)


def test_row_with_the_wrong_number_of_columns_is_rejected_in_a_headerless_file(tmp_path):
    lines = (FIXTURES / "synthetic_ny_voter_layout_no_header.csv").read_bytes().splitlines(keepends=True)
    path = write(tmp_path, b"".join(lines[:2] + [b"Smith,Jo,,,1,,,,Main St\r\n"] + lines[2:5]))
    rows = read(path, preset="ny")
    assert [row.line for row in rows if row.voter is not None] == [1, 2, 4, 5, 6]
    assert by_line(rows)[3].problems == (RowError(3, None, "Expected 45 columns, found 9."),)


def test_row_with_values_beyond_the_header_is_rejected_and_short_rows_are_padded(tmp_path):
    text = "voter_id,first_name,last_name,city\n1,Ana,Li\n2,Bo,Wu,Cary,,\n3,Cy,Xu,Apex,Raleigh\n"
    rows = read(write(tmp_path, text))
    assert [(row.line, row.voter and row.voter["city"]) for row in rows] == [(2, ""), (3, "Cary"), (4, None)]
    assert rows[2].problems == (RowError(4, None, "Expected 4 columns, found 5."),)


def test_unclosed_quote_is_pointed_out(tmp_path):
    text = 'voter_id,first_name,last_name\n1,"Ana,Li\n2,Bo,Wu\n3,Cy,Xu"\n4,Di,Yu\n'
    rows = read(write(tmp_path, text))
    assert rows[0].problems == (RowError(2, None, "Expected 3 columns, found 2. The row runs over lines 2-4: "
                                                  "check for an unclosed quote."),)
    assert [(row.line, row.voter["external_id"]) for row in rows[1:]] == [(5, "4")]


def test_unclosed_quote_that_swallows_the_file_stops_at_the_field_limit_and_reading_goes_on(tmp_path):
    text = 'voter_id,first_name,last_name\n1,"Ana,Li\n' + "".join(f"{n},Bo,Wu\n" for n in range(2, 20_001))
    rows = read(write(tmp_path, text))
    (problem,) = rows[0].problems
    assert (problem.line, problem.column) == (2, None)
    assert problem.reason.startswith("Cannot read lines 2-") and "unclosed quote" in problem.reason
    resumed = rows[1]
    assert resumed.line == int(resumed.voter["external_id"]) + 1  # line numbers still right after it
    assert rows[-1].line == 20_001


def test_invalid_phone_and_email_are_warnings_and_the_row_is_kept(tmp_path):
    text = ("voter_id,first_name,last_name,phone,cell,email,work_email\n"
            "1,Ana,Li,919-555-01,(919) 660-1234,ana@example,ANA@Example.org \n")
    (row,) = read(write(tmp_path, text))
    assert row.voter["external_id"] == "1"
    assert row.phones == ("+19196601234",)
    assert row.emails == ("ana@example.org",)
    assert row.problems == (RowError(2, "phone", "Not a valid phone number for region US."),
                            RowError(2, "email", "Not a valid e-mail address."))


def test_phones_and_emails_are_deduplicated_in_order(tmp_path):
    text = ("voter_id,first_name,last_name,cell,home_phone,phone,email,personal_email\n"
            "1,Ana,Li,+1 919 660 1234,9196601234,(984) 215-0000,Ana@Example.org,ana@example.org\n")
    (row,) = read(write(tmp_path, text))
    assert row.phones == ("+19842150000", "+19196601234")
    assert row.emails == ("ana@example.org",)


def test_phones_are_read_in_the_campaign_region(tmp_path):
    text = "voter_id,first_name,last_name,phone\n1,Ana,Li,020 7946 0958\n2,Bo,Wu,+1 919 660 1234\n"
    rows = read(write(tmp_path, text), region="GB")
    assert [row.phones for row in rows] == [("+442079460958",), ("+19196601234",)]


def test_names_and_addresses_are_trimmed_and_whitespace_collapsed(tmp_path):
    text = "voter_id,first_name,last_name,address,city\n 7 ,  Ana\u00a0 Maria ,\tLi ,  12   Main\tSt , Cary  \n"
    (row,) = read(write(tmp_path, text))
    assert row.voter == voter(external_id="7", first_name="Ana Maria", last_name="Li", house_number="12",
                              street="Main St", city="Cary")


@pytest.mark.parametrize(("address", "house_number", "street"), [
    ("12 Main St", "12", "Main St"),
    ("12A Main St", "12A", "Main St"),
    ("12-14 Main St", "12-14", "Main St"),
    ("322 1/2 Ashley Lodge", "322 1/2", "Ashley Lodge"),
    ("1ST AVE", "", "1ST AVE"),
    ("PO BOX 12", "", "PO BOX 12"),
    ("12", "", "12"),
])
def test_address_line_is_split_into_house_number_and_street(tmp_path, address, house_number, street):
    (row,) = read(write(tmp_path, f"voter_id,first_name,last_name,address\n1,Ana,Li,{address}\n"))
    assert (row.voter["house_number"], row.voter["street"]) == (house_number, street)


@pytest.mark.parametrize(("birth", "year"), [
    ("1980", 1980), ("1980-02-01", 1980), ("2/1/1980", 1980), ("02/01/1980", 1980), ("19800201", 1980),
    ("1980-02-01 00:00:00", 1980), ("46", 1980), ("", None), ("  ", None),
])
def test_birth_year_from_a_year_a_date_or_an_age(tmp_path, birth, year):
    (row,) = read(write(tmp_path, f"voter_id,first_name,last_name,dob\n1,Ana,Li,{birth}\n"))
    assert row.voter["birth_year"] == year and row.problems == ()


def test_age_is_counted_from_the_reference_year():
    rows = read(FIXTURES / "synthetic_nc_ncvoter_layout_shuffled_columns.tsv", reference_year=2030)
    assert by_line(rows)[18].voter["birth_year"] == 2030 - 46


def test_implausible_birth_year_is_left_empty_with_a_warning(tmp_path):
    (row,) = read(write(tmp_path, "voter_id,first_name,last_name,birth_year\n1,Ana,Li,1776\n"))
    assert row.voter["birth_year"] is None
    assert row.problems == (RowError(2, "birth_year", "Birth year 1776 is not plausible; left empty."),)


def test_value_longer_than_its_column_is_cut_with_a_warning(tmp_path):
    (row,) = read(write(tmp_path, f"voter_id,first_name,last_name,state\n1,Ana,{'L' * 120},Ohio\n"))
    assert row.voter["last_name"] == "L" * 100 and row.voter["state"] == "Oh"
    assert row.problems == (RowError(2, "last_name", "Longer than 100 characters; cut to fit."),
                            RowError(2, "state", "Longer than 2 characters; cut to fit."))


def test_voter_id_longer_than_its_column_rejects_the_row(tmp_path):
    (row,) = read(write(tmp_path, f"voter_id,first_name,last_name\n{'9' * 65},Ana,Li\n"))
    assert row.voter is None
    assert row.problems == (RowError(2, "voter_id", "The voter id is longer than 64 characters."),)


def test_blank_rows_are_skipped_silently(tmp_path):
    rows = read(write(tmp_path, "voter_id,first_name,last_name\n\n,,\n , , \n1,Ana,Li\n"))
    assert [(row.line, row.problems) for row in rows] == [(5, ())]


def test_duplicate_voter_ids_are_left_to_the_engine(tmp_path):
    rows = read(write(tmp_path, "voter_id,first_name,last_name\n1,Ana,Li\n1,Ana,Li\n"))
    assert [row.voter["external_id"] for row in rows] == ["1", "1"]


def test_headerless_preset_file_with_a_header_row_is_read_by_name(tmp_path):
    lines = (FIXTURES / "synthetic_ny_voter_layout_no_header.csv").read_text().splitlines()
    from server.voters.presets import PRESETS

    path = write(tmp_path, ",".join(PRESETS["ny"].columns) + "\n" + "\n".join(lines[:3]) + "\n")
    with open_voter_file(path, reference_year=YEAR) as reader:
        assert reader.preset.name == "ny" and reader.header is not None
        rows = list(reader)
    assert [row.voter["external_id"] for row in rows] == ["NY000000000516239749", "NY000000000593137216",
                                                          "NY000000000710381420"]


def test_reader_reads_once(tmp_path):
    with open_voter_file(write(tmp_path, "voter_id,first_name,last_name\n1,Ana,Li\n"), reference_year=YEAR) as reader:
        list(reader)
        with pytest.raises(RuntimeError):
            list(reader)


def test_the_campaigns_priority_flag_is_read_as_yes_or_no(tmp_path):
    """A generic file's priority column ("target", "universe"...) in the ways spreadsheets write yes and no;
    anything else is read as no, and the row says why."""
    written = ["1", "Y", "yes", "TRUE", "x", "0", "", "no", "maybe"]
    rows = ["voter_id,first_name,last_name,target"] + [f"V{n},Ana,Lopez,{value}" for n, value in enumerate(written)]
    with open_voter_file(write(tmp_path, "\n".join(rows) + "\n"), reference_year=YEAR) as reader:
        parsed = list(reader)
    assert [row.voter["priority"] for row in parsed] == [True] * 5 + [False] * 4
    assert [(p.column, p.reason) for p in parsed[-1].problems] == [("target", "Not yes or no: 'maybe'; read as no.")]
