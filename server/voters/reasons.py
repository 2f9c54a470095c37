"""Why a voter-file row has a problem: a stable code, its parameters, and the English sentence made from them.

The code and parameters are stored with each problem and sent beside the English, so the console can say the
reason in the reader's language (``console.voterFile.problem.<code>`` in pwa/lib/messages/console-*.js); the CLI
and problems.csv keep the English. A code, once shipped, keeps its meaning and its parameters' names: problems
stored by earlier imports are shown through it. No Flask and no database here.
"""

from collections.abc import Mapping

# code -> the English sentence, formatted with the problem's parameters
ENGLISH = {
    "unreadable_lines": "Cannot read lines {first}-{last} ({detail}); check for an unclosed quote.",
    "wrong_width": "Expected {expected} columns, found {found}.",
    "wrong_width_lines": "Expected {expected} columns, found {found}. The row runs over lines {first}-{last}: "
                         "check for an unclosed quote.",
    "no_voter_id": "No voter id; the row was skipped.",
    "voter_id_too_long": "The voter id is longer than {limit} characters.",
    "duplicate_voter_id": "This voter id is already on an earlier line; this row was left out.",
    "no_name": "Neither a first nor a last name; the row was skipped.",
    "cut_to_fit": "Longer than {limit} characters; cut to fit.",
    "unreadable_birth_date": "Cannot read the birth date {value!r}: expected {expected}.",
    "implausible_birth_year": "Birth year {year} is not plausible; left empty.",
    "not_degrees": "The {field} {value!r} is not a number of degrees; left empty.",
    "degrees_out_of_range": "The {field} {value} is outside -{bound:g} to {bound:g} degrees; left empty.",
    "not_yes_no": "Not yes or no: {value!r}; read as no.",
    "not_a_phone": "Not a phone number.",
    "invalid_phone": "Not a valid phone number for region {region}.",
    "invalid_email": "Not a valid e-mail address.",
    "email_too_long": "Longer than {limit} characters.",
    # the file as a whole (line 1): the campaign's settings name a priority column this file does not have
    "no_priority_column": "No column {column!r}, which the campaign's settings name for priority voters; priority "
                          "is read as the layout reads it.",
}
VALUE_CHARS = 40  # a file's value quoted in a problem is cut to this: enough to find it, never a whole cell


def english(code: str, params: Mapping[str, object]) -> str:
    """The sentence an organizer reads in problems.csv and the CLI."""
    values = dict(params)
    if code == "unreadable_birth_date":
        values["expected"] = " or ".join(_describe_birth(kind) for kind in values["expected"])
    return ENGLISH[code].format(**values)


def _describe_birth(kind: str) -> str:
    """``expected`` holds "year", "age", or an example date ("01/31/1980"), so each language words it."""
    if kind == "year":
        return "a year like 1980"
    if kind == "age":
        return "an age"
    return f"a date like {kind}"
