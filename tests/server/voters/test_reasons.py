"""Each problem the reader finds carries a stable code and its values, and its English is made from them: the
console says the reason in the organizer's language from the code, problems.csv and the CLI keep the English."""

from server.voters.reader import open_voter_file
from server.voters.reasons import english

YEAR = 2026
HEADER = "voter_id,first_name,last_name,state,birth_date,lat,lon,target,phone,email"
ROWS = [
    'V1,Ana,Lopez,NCX,1980,36.0,-78.9,maybe,12345,not-an-email',  # cut_to_fit, not_yes_no, invalid_phone, _email
    'V2,Ben,Okafor,NC,31 Feb 1999,,,,,',  # unreadable_birth_date (rejected)
    'V3,Cleo,Park,NC,1776,north,200,,+,' + "a" * 400 + "@example.org",  # implausible, not_degrees, out of range...
    ',No,Id,NC,,,,,,',  # no_voter_id
    'V4,,,NC,,,,,,',  # no_name
    "V" * 70 + ",Dev,Shah,NC,,,,,,",  # voter_id_too_long
    'V5,Eve,Li,NC,,,,,,,extra',  # wrong_width
]


def test_every_problem_has_a_code_whose_english_is_its_reason(tmp_path):
    path = tmp_path / "voters.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    with open_voter_file(path, reference_year=YEAR) as reader:
        problems = [problem for row in reader for problem in row.problems]
    codes = {problem.code for problem in problems}
    assert codes >= {"cut_to_fit", "not_yes_no", "invalid_phone", "invalid_email", "unreadable_birth_date",
                     "implausible_birth_year", "not_degrees", "degrees_out_of_range", "not_a_phone",
                     "email_too_long", "no_voter_id", "no_name", "voter_id_too_long", "wrong_width"}
    for problem in problems:
        assert problem.reason == english(problem.code, problem.params), problem
    by_code = {problem.code: problem.params for problem in problems}
    assert by_code["not_yes_no"] == {"value": "maybe"}
    assert by_code["unreadable_birth_date"] == {
        "value": "31 Feb 1999", "expected": ["year", "1980-01-31", "01/31/1980", "19800131", "age"]}
    assert by_code["not_degrees"] == {"field": "latitude", "value": "north"}
    assert by_code["wrong_width"] == {"expected": 10, "found": 11}


def test_a_birth_dates_english_still_names_the_ways_it_may_be_written():
    assert english("unreadable_birth_date", {"value": "x", "expected": ["year", "01/31/1980", "age"]}) == (
        "Cannot read the birth date 'x': expected a year like 1980 or a date like 01/31/1980 or an age.")

