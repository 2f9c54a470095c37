"""NGP VAN's canvass-results bulk upload: its columns, and how Kin's fields become VAN's names through the
campaign's mapping (``campaign.van_mapping``; docs/exports.md says how to load the file)."""

import json
from dataclasses import dataclass
from dataclasses import field as dc_field

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from sync.entities import CONVERSATION, DOOR_RESULTS

FIXED_COLUMNS = ("VANID", "ContactType", "Result", "DateCanvassed", "CanvassedBy")
# what the voter asked (server/preferences/), last on each row: "Y" for each channel refused, "DoNotContact" when
# all were; the upload wizard maps them to the committee's suppressions (docs/exports.md)
SUPPRESSION_COLUMNS = {"DoNotContact": None, "DoNotCall": "call", "DoNotText": "text", "DoNotEmail": "email",
                       "DoNotWalk": "door"}
RESERVED = (*FIXED_COLUMNS, *SUPPRESSION_COLUMNS)
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


class SurveyQuestionMappingSchema(Schema):
    question = fields.String(required=True, validate=_NAME, metadata={
        "description": "VAN's survey question (the column the upload wizard maps to it)."})
    responses = fields.Dict(keys=fields.String(validate=validate.Length(min=1, max=100)),
                            values=fields.String(validate=_NAME), load_default=dict, metadata={
        "description": "VAN's response for each of the question's answers (yes and no for a yes/no question)."})


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
    survey_questions = fields.Dict(keys=fields.String(validate=validate.Regexp(r"^[0-9]{1,9}$")),
                                   values=fields.Nested(SurveyQuestionMappingSchema), metadata={
        "description": "The VAN survey question and responses for each of the campaign's own questions, by its id; "
                       "a question left out is left out of the export (and the export says so)."})
    door_results = fields.Dict(keys=fields.String(validate=validate.OneOf(DOOR_RESULTS)),
                               values=fields.String(allow_none=True, validate=_NAME), metadata={
        "description": f"VAN's result code for a door visit's result, over the defaults {DOOR_RESULT_CODES}; null: "
                       "visits with that result are left out."})

    @validates_schema
    def _columns_are_distinct(self, data, **_kwargs):
        if data.get("support_question") in RESERVED:
            raise ValidationError(f"Cannot be one of the file's own columns {', '.join(RESERVED)}.",
                                  "support_question")
        codes = set((data.get("issue_activist_codes") or {}).values())
        if clash := codes & {*RESERVED, data.get("support_question")}:
            raise ValidationError(f"Cannot also name another column: {', '.join(sorted(clash))}.",
                                  "issue_activist_codes")
        taken, errors = {*RESERVED, data.get("support_question"), *codes}, {}
        for key, mapped in sorted((data.get("survey_questions") or {}).items(), key=lambda item: int(item[0])):
            if mapped["question"] in taken:
                errors[key] = {"question": [f"Cannot also name another column: {mapped['question']}."]}
            taken.add(mapped["question"])
        if errors:
            raise ValidationError(errors, "survey_questions")


@dataclass(frozen=True)
class Layout:
    """The columns of one VAN export, and what was left out of it."""

    support_question: str | None
    support_responses: dict[str, str]
    activist_codes: dict[str, list[str]]  # an activist code → the issues that apply it
    contact_types: dict[str, str]
    door_results: dict[str, str | None]  # a door result → its VAN result code; None: such visits are left out
    omitted: tuple[str, ...]
    # the campaign's own questions that have a VAN survey question: (question id, VAN question, {answer: response})
    survey: tuple[tuple[str, str, dict[str, str]], ...] = ()
    survey_mapping: dict = dc_field(default_factory=dict)

    def mapping(self) -> dict:
        """The mapping in force, defaults filled in, as the console shows it (the shape of VanMappingSchema)."""
        return {"support_question": self.support_question, "support_responses": self.support_responses,
                "issue_activist_codes": {tag: code for code, tags in self.activist_codes.items() for tag in tags},
                "contact_types": self.contact_types, "door_results": self.door_results,
                "survey_questions": self.survey_mapping}

    def header(self) -> list[str]:
        return [*FIXED_COLUMNS, *([self.support_question] if self.support_question else []),
                *(question for _, question, _ in self.survey), *self.activist_codes, *SUPPRESSION_COLUMNS]

    def contact(self, vanid: str, channel: str, day: str, canvassed_by: str) -> list[str]:
        """The fixed columns of a row."""
        return [vanid, self.contact_types[channel], RESULT, day, canvassed_by]

    def visit(self, vanid: str, result: str, day: str, canvassed_by: str) -> list[str] | None:
        """The fixed columns of a door visit's row: a door contact with the result's code; None when the result
        has no code (the visit is left out, and ``omitted`` says so)."""
        code = self.door_results.get(result)
        return code and [vanid, self.contact_types["door"], code, day, canvassed_by]

    @staticmethod
    def suppression(refused: list[str] | None) -> list[str]:
        """The suppression columns of a row's voter: "Y" for each channel refused, and for DoNotContact when every
        one was."""
        refused = refused or []
        everything = len(refused) == len(SUPPRESSION_COLUMNS) - 1
        return ["Y" if (everything if channel is None else channel in refused) else ""
                for channel in SUPPRESSION_COLUMNS.values()]

    def answers(self, support: int | None, issues: list[str], answered: dict | None = None) -> list[str]:
        """The survey response and activist code columns of a row; ``answered``: a door visit's answers to the
        campaign's own questions ({question id: answer})."""
        cells = [self.support_responses.get(str(support), "") if support else ""] if self.support_question else []
        answered = answered or {}
        cells += [responses.get(answered.get(key), "") for key, _, responses in self.survey]
        tagged = set(issues)
        return cells + [code if tagged.intersection(of) else "" for code, of in self.activist_codes.items()]


def layout(mapping: dict | None, issue_tags: list[str], questions: list[tuple[str, str, tuple[str, ...]]] = ()) \
        -> Layout:
    """The campaign's mapping over the defaults; ``omitted`` names, in words, every Kin field with no column.
    ``questions``: the campaign's own survey questions, as (id, label, answers), retired ones too."""
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
    survey_mapping = mapping.get("survey_questions") or {}
    survey = []
    for key, label, answers in questions:
        named = json.dumps(label, ensure_ascii=False)
        mapped = survey_mapping.get(key)
        if not mapped:
            omitted.append(f"question {named} (no survey question mapped)")
            continue
        survey.append((key, mapped["question"], dict(mapped.get("responses") or {})))
        omitted += [f"question {named} answer {json.dumps(answer, ensure_ascii=False)} (no response mapped)"
                    for answer in answers if answer not in survey[-1][2]]
    return Layout(question, dict(responses), by_code, {**CONTACT_TYPES, **(mapping.get("contact_types") or {})},
                  door_results, tuple(omitted), tuple(survey), dict(survey_mapping))
