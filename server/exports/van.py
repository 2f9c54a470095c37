"""NGP VAN's canvass-results bulk upload: its columns, and how Kin's fields become VAN's names through the
campaign's mapping (``campaign.van_mapping``; docs/exports.md says how to load the file)."""

from dataclasses import dataclass

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from sync.entities import CONVERSATION, DOOR_RESULTS

FIXED_COLUMNS = ("VANID", "ContactType", "Result", "DateCanvassed", "CanvassedBy")
RESULT = "Canvassed"  # a conversation is a contact that happened
SUPPORT_LEVELS = ("1", "2", "3", "4", "5")
CHANNELS = CONVERSATION.fields["channel"].type.values
# VAN's contact types: a friend met in person is logged as a walk (VAN has no contact type for it), a call as a
# phone contact, a text as an SMS text; "Other" is no VAN name on purpose: the upload wizard asks what it maps to
CONTACT_TYPES = {"in_person": "Walk", "door": "Walk", "call": "Phone", "text": "SMS Text", "other": "Other"}
# VAN's result codes for a door knocked; "Canvassed" is the result of a talk (VAN's API implies it for any survey
# response). The others are the names VAN's standard result codes go by; a committee's own list can differ, so
# each is in the mapping (docs/exports.md)
DOOR_RESULT_CODES = {"talked": RESULT, "not_home": "Not Home", "refused": "Refused", "come_back": "Come Back",
                     "moved": "Moved", "inaccessible": "Inaccessible", "wrong_address": "Wrong Address",
                     "deceased": "Deceased"}
DEFAULT_QUESTION = "Support"
DEFAULT_RESPONSES = {"1": "Strong Support", "2": "Lean Support", "3": "Undecided", "4": "Lean Oppose",
                     "5": "Strong Oppose"}
_NAME = validate.Length(min=1, max=100)


class VanMappingSchema(Schema):
    """How the VAN export names things; a key left out takes its default, a null or empty one leaves the columns
    out (and the export says which)."""

    support_question = fields.String(allow_none=True, validate=_NAME, metadata={
        "description": f"The survey question support levels answer; default {DEFAULT_QUESTION!r}, null: none."})
    support_responses = fields.Dict(keys=fields.String(validate=validate.OneOf(SUPPORT_LEVELS)),
                                    values=fields.String(validate=_NAME), metadata={
        "description": "The question's response for each support level (1 strong support … 5 strong oppose)."})
    issue_activist_codes = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=40)),
                                       values=fields.String(validate=_NAME), metadata={
        "description": "The activist code for each issue tag; default: each issue's own name."})
    contact_types = fields.Dict(keys=fields.String(validate=validate.OneOf(CHANNELS)),
                                values=fields.String(validate=validate.Length(min=1, max=50)), metadata={
        "description": f"VAN's contact type for a channel, over the defaults {CONTACT_TYPES}."})
    door_results = fields.Dict(keys=fields.String(validate=validate.OneOf(DOOR_RESULTS)),
                               values=fields.String(allow_none=True, validate=_NAME), metadata={
        "description": f"VAN's result code for a door visit's result, over the defaults {DOOR_RESULT_CODES}; null: "
                       "visits with that result are left out."})

    @validates_schema
    def _columns_are_distinct(self, data, **_kwargs):
        if data.get("support_question") in FIXED_COLUMNS:
            raise ValidationError(f"Cannot be one of VAN's columns {', '.join(FIXED_COLUMNS)}.", "support_question")
        codes = set((data.get("issue_activist_codes") or {}).values())
        if clash := codes & {*FIXED_COLUMNS, data.get("support_question")}:
            raise ValidationError(f"Cannot also name another column: {', '.join(sorted(clash))}.",
                                  "issue_activist_codes")


@dataclass(frozen=True)
class Layout:
    """The columns of one VAN export, and what was left out of it."""

    support_question: str | None
    support_responses: dict[str, str]
    activist_codes: dict[str, list[str]]  # an activist code → the issues that apply it
    contact_types: dict[str, str]
    door_results: dict[str, str | None]  # a door result → its VAN result code; None: such visits are left out
    omitted: tuple[str, ...]

    def mapping(self) -> dict:
        """The mapping in force, defaults filled in, as the console shows it (the shape of VanMappingSchema)."""
        return {"support_question": self.support_question, "support_responses": self.support_responses,
                "issue_activist_codes": {tag: code for code, tags in self.activist_codes.items() for tag in tags},
                "contact_types": self.contact_types, "door_results": self.door_results}

    def header(self) -> list[str]:
        return [*FIXED_COLUMNS, *([self.support_question] if self.support_question else []), *self.activist_codes]

    def contact(self, vanid: str, channel: str, day: str, canvassed_by: str) -> list[str]:
        """The fixed columns of a row."""
        return [vanid, self.contact_types[channel], RESULT, day, canvassed_by]

    def visit(self, vanid: str, result: str, day: str, canvassed_by: str) -> list[str] | None:
        """The fixed columns of a door visit's row: a door contact with the result's code; None when the result
        has no code (the visit is left out, and ``omitted`` says so)."""
        code = self.door_results.get(result)
        return code and [vanid, self.contact_types["door"], code, day, canvassed_by]

    def answers(self, support: int | None, issues: list[str]) -> list[str]:
        """The survey response and activist code columns of a row."""
        cells = [self.support_responses.get(str(support), "") if support else ""] if self.support_question else []
        tagged = set(issues)
        return cells + [code if tagged.intersection(of) else "" for code, of in self.activist_codes.items()]


def layout(mapping: dict | None, issue_tags: list[str]) -> Layout:
    """The campaign's mapping over the defaults; ``omitted`` names, in words, every Kin field with no column."""
    mapping = mapping or {}
    question = mapping.get("support_question", DEFAULT_QUESTION) or None
    responses = mapping.get("support_responses", DEFAULT_RESPONSES) or {}
    codes = mapping.get("issue_activist_codes", {tag: tag for tag in issue_tags}) or {}
    omitted = []
    if question is None:
        omitted.append("support (no survey question mapped)")
    else:
        omitted += [f"support {level} (no response mapped)" for level in SUPPORT_LEVELS if level not in responses]
    omitted += [f"issue {tag} (no activist code mapped)" for tag in issue_tags if tag not in codes]
    door_results = {**DOOR_RESULT_CODES, **(mapping.get("door_results") or {})}
    omitted += [f"door result {result} (no result code mapped)" for result, code in door_results.items() if not code]
    by_code: dict[str, list[str]] = {}
    for tag, code in codes.items():
        by_code.setdefault(code, []).append(tag)
    return Layout(question, dict(responses), by_code, {**CONTACT_TYPES, **(mapping.get("contact_types") or {})},
                  door_results, tuple(omitted))
