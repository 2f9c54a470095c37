"""What can be synced, declared once: each entity's fields, their types, and which role owns each field.

Adding an entity (door visits come next) is one more ``Entity(...)`` here; nothing else in sync/ names one.
Validation returns errors that name the field, in the app's one error shape: ``{"field": ["Message."]}``.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sync.errors import Problem

VOLUNTEER = "volunteer"
ORGANIZER = "organizer"
# the server itself, redacting free text past the campaign's retention window: it may only empty a Text field
SERVER = "server"
ROLES = (VOLUNTEER, ORGANIZER, SERVER)
ANYONE = "anyone"  # owner of a campaign-wide record's fields: every volunteer and organizer writes them
OWNER_ONLY = {
    ORGANIZER: "Only organizers can change this.",
    VOLUNTEER: "Only the volunteer who logged this can change this.",
}

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DATE = r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
_DATE_TIME = re.compile(_DATE + r"T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{1,6})?(?:Z|[+-]([0-9]{2}):([0-9]{2}))")


def _is_date(year: str, month: str, day: str) -> bool:
    y, m, d = int(year), int(month), int(day)
    leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
    days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    return y >= 1 and 1 <= m <= 12 and 1 <= d <= days[m - 1]


# Each type's ``check(value, known)`` returns None for a good value, else what is wrong with it (``known``: the
# campaign's own lists, which the server passes in); its ``json_schema()`` describes the values it takes, for the
# API's OpenAPI document (check() has the last word).


@dataclass(frozen=True)
class Question:
    """One of the campaign's survey questions as validation needs it: its words (to name it in an error) and the
    answers it takes ("yes"/"no" for a yes/no question)."""

    label: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class Known:
    """The campaign's lists that some values must come from: its issue tags (None: it has none) and its survey
    questions by id (retired ones included: a phone that took its turf before may still answer them)."""

    issue_tags: frozenset[str] | None = None
    questions: Mapping[str, Question] = field(default_factory=dict)

@dataclass(frozen=True)
class Text:
    max_len: int

    def check(self, value, known):
        if not isinstance(value, str):
            return Problem("not_text", "Not text.")
        if "\x00" in value:  # PostgreSQL text cannot hold it
            return Problem("nul", "Contains a NUL character.")
        if len(value) > self.max_len:
            return Problem("too_long", f"Longer than {self.max_len} characters.", max=self.max_len)

    def json_schema(self):
        return {"type": "string", "maxLength": self.max_len}


@dataclass(frozen=True)
class Choice:
    values: tuple[str, ...]

    def check(self, value, known):
        if not isinstance(value, str) or value not in self.values:
            return Problem("not_one_of", f"Not one of: {', '.join(self.values)}.", choices=list(self.values))

    def json_schema(self):
        return {"type": "string", "enum": list(self.values)}


@dataclass(frozen=True)
class IntRange:
    lo: int
    hi: int

    def check(self, value, known):
        if type(value) is not int or not self.lo <= value <= self.hi:
            return Problem("not_in_range", f"Not a whole number from {self.lo} to {self.hi}.", min=self.lo, max=self.hi)

    def json_schema(self):
        return {"type": "integer", "minimum": self.lo, "maximum": self.hi}


@dataclass(frozen=True)
class Bool:
    def check(self, value, known):
        if not isinstance(value, bool):
            return Problem("not_bool", "Not true or false.")

    def json_schema(self):
        return {"type": "boolean"}


@dataclass(frozen=True)
class Date:
    """A calendar day, ``YYYY-MM-DD``."""

    def check(self, value, known):
        match = re.fullmatch(_DATE, value) if isinstance(value, str) else None
        if not (match and _is_date(*match.groups())):
            return Problem("not_date", "Not a date (YYYY-MM-DD).")

    def json_schema(self):
        return {"type": "string", "format": "date"}


@dataclass(frozen=True)
class DateTime:
    """A moment with its offset, ``YYYY-MM-DDTHH:MM:SS[.ffffff](Z|±HH:MM)``, as the phone saw it."""

    def check(self, value, known):
        match = _DATE_TIME.fullmatch(value) if isinstance(value, str) else None
        limits = (24, 60, 60, 24, 60)  # hour, minute, second, offset hours, offset minutes
        if not (match and _is_date(*match.groups()[:3])
                and all(int(g or 0) < limit for g, limit in zip(match.groups()[3:], limits, strict=True))):
            return Problem("not_datetime", "Not a date and time with an offset (YYYY-MM-DDTHH:MM:SS±HH:MM).")

    def json_schema(self):
        return {"type": "string", "format": "date-time"}


@dataclass(frozen=True)
class Ref:
    """The id of another synced record (a UUID made on a phone) or of a voter (the public UUID the API shows
    for it). Whether it exists in the caller's campaign is the server's check: it needs the database."""

    target: str

    def check(self, value, known):
        if not (isinstance(value, str) and UUID.fullmatch(value)):
            return Problem("not_id", f"Not a {self.target} id.", target=self.target)

    def json_schema(self):
        return {"type": "string", "pattern": f"^{UUID.pattern}$", "description": f"A {self.target} id."}


@dataclass(frozen=True)
class IssueTag:
    """One of the issues in the campaign's own list, which the server passes in."""

    def check(self, value, known):
        if not isinstance(value, str) or value not in (known.issue_tags or ()):
            return Problem("not_issue", "Not one of this campaign's issues.")

    def json_schema(self):
        return {"type": "string", "description": "One of the campaign's issue tags."}


@dataclass(frozen=True)
class ListOf:
    item: object
    max_items: int

    def check(self, value, known):
        if not isinstance(value, list):
            return Problem("not_list", "Not a list.")
        if len(value) > self.max_items:
            return Problem("too_many", f"More than {self.max_items} items.", max=self.max_items)
        if len(set(map(repr, value))) < len(value):
            return Problem("duplicate_item", "Lists an item twice.")
        for i, item in enumerate(value):
            if problem := self.item.check(item, known):
                return Problem(problem.code, f"Item {i}: {problem}", **problem.params, item=i)

    def json_schema(self):
        return {"type": "array", "items": self.item.json_schema(), "maxItems": self.max_items, "uniqueItems": True}


@dataclass(frozen=True)
class Answers:
    """Answers to the campaign's survey questions: {question id: answer}, each answer one of its question's
    options. An error names the question by its words, so the volunteer knows which one to fix."""

    max_items: int = 50

    def check(self, value, known):
        if not isinstance(value, dict):
            return Problem("not_answers", "Not a set of answers.")
        if len(value) > self.max_items:
            return Problem("too_many", f"More than {self.max_items} items.", max=self.max_items)
        for key, answer in value.items():
            question = known.questions.get(key)
            if question is None:
                return Problem("no_such_question", f"Question {key}: no such question in this campaign.",
                               question=key)
            if not isinstance(answer, str) or answer not in question.options:
                return Problem("not_an_option", f"“{question.label}”: not one of {', '.join(question.options)}.",
                               question=key, label=question.label, choices=list(question.options))

    def json_schema(self):
        return {"type": "object", "maxProperties": self.max_items,
                "additionalProperties": {"type": "string", "maxLength": 100},
                "description": "Answers to the campaign's survey questions: {question id: one of its options}."}


@dataclass(frozen=True)
class FieldSpec:
    """``null``: may be null (unknown, or cleared). ``required``: must be given when the record is created.
    ``fixed``: set when the record is created and never changed (what a record is about)."""

    type: object
    owner: str
    null: bool = False
    required: bool = False
    fixed: bool = False


@dataclass(frozen=True)
class OnlyWith:
    """``field`` may hold a value only while ``other`` holds one of ``values`` (None: is not set): a come-back
    time only with the result "come back", a new person's name only on a visit that names no voter. Checked
    when an op sets ``field``, against the record as the op leaves it."""

    field: str
    other: str
    values: tuple


@dataclass(frozen=True)
class Entity:
    """``creator`` is the role that creates and deletes records; its fields decide whether a record is
    alive. ``exactly_one``: fields of which a new record names exactly one. ``only_with``: fields that go
    with another's value. ``keyed_by``: a campaign-wide record (creator ``ANYONE``): its id is this field's
    value, so every phone and the console write one record; it reaches every phone of the campaign, anyone
    of the campaign edits it, and nobody deletes it (its fields are cleared instead)."""

    name: str
    fields: Mapping[str, FieldSpec]
    creator: str = VOLUNTEER
    exactly_one: tuple[str, ...] = field(default=())
    only_with: tuple[OnlyWith, ...] = field(default=())
    keyed_by: str | None = None

    @property
    def campaign_wide(self) -> bool:
        return self.keyed_by is not None


def fields_json_schema(entity: Entity) -> dict:
    """The fields an upsert of ``entity`` may carry, as JSON Schema (which role may write each is in its
    description)."""
    properties = {}
    for name, spec in entity.fields.items():
        schema = spec.type.json_schema()
        if spec.null:
            schema = {"anyOf": [schema, {"type": "null"}]}
        properties[name] = {**schema, "description": f"Written by the {spec.owner}."
                            + (" Set when the record is made, never changed." if spec.fixed else "")
                            + (" Required to make the record." if spec.required else "")}
    return {"type": "object", "properties": properties, "additionalProperties": False, "minProperties": 1}


def _volunteer(type_, **flags) -> FieldSpec:
    return FieldSpec(type_, VOLUNTEER, **flags)


def _organizer(type_, **flags) -> FieldSpec:
    return FieldSpec(type_, ORGANIZER, **flags)


RELATIONSHIP = Entity("relationship", {
    "voter_id": _volunteer(Ref("voter"), required=True, fixed=True),
    "source": _volunteer(Choice(("match", "search", "door")), required=True, fixed=True),  # how they were found or met
    "kind": _volunteer(Choice(("family", "friend", "coworker", "neighbour", "other")), null=True),
    "closeness": _volunteer(IntRange(1, 5), null=True),  # 1 acquaintance … 5 very close
    "notes": _volunteer(Text(2000)),
})

CONVERSATION = Entity("conversation", {
    "relationship_id": _volunteer(Ref("relationship"), null=True, fixed=True),
    "voter_id": _volunteer(Ref("voter"), null=True, fixed=True),
    "channel": _volunteer(Choice(("in_person", "door", "call", "text", "other")), required=True),
    "happened_at": _volunteer(DateTime(), required=True),
    "support": _volunteer(IntRange(1, 5), null=True),  # 1 strong support … 5 strong oppose; null: unknown
    "issue_tags": _volunteer(ListOf(IssueTag(), 20)),
    "registered": _volunteer(Bool(), null=True),  # null: unknown
    "vote_method": _volunteer(Choice(("early_in_person", "election_day", "mail", "undecided")), null=True),
    "vote_on": _volunteer(Date(), null=True),
    "notes": _volunteer(Text(5000)),
    "follow_up_on": _volunteer(Date(), null=True),
    "reviewed": _organizer(Bool()),
    "review_reply": _organizer(Text(2000)),
    "flagged_for_follow_up": _organizer(Bool()),
}, exactly_one=("relationship_id", "voter_id"))

DOOR_RESULTS = ("talked", "not_home", "refused", "come_back", "moved", "inaccessible", "wrong_address", "deceased")
NEW_PERSON = ("person_first_name", "person_last_name", "person_phone", "person_email")
# the address as the volunteer found it at the door, when the voter file's is wrong: for organizers to fix the file
CORRECTION = ("corrected_house_number", "corrected_street", "corrected_unit")
CORRECTED_WITH = ("wrong_address", "talked")  # "this address is wrong", or a talk where the unit or number was

DOOR_VISIT = Entity("door_visit", {
    "household_id": _volunteer(Ref("household"), required=True, fixed=True),
    "voter_id": _volunteer(Ref("voter"), null=True, fixed=True),  # null: the whole household (one "not home")
    "result": _volunteer(Choice(DOOR_RESULTS), required=True),
    "come_back_at": _volunteer(DateTime(), null=True),  # when to knock again, with result come_back
    "happened_at": _volunteer(DateTime(), required=True),
    "literature_left": _volunteer(Bool()),
    "support": _volunteer(IntRange(1, 5), null=True),  # 1 strong support … 5 strong oppose; null: unknown
    "issue_tags": _volunteer(ListOf(IssueTag(), 20)),
    "notes": _volunteer(Text(5000)),
    # someone met at the door who is not in the voter file, as they gave it
    "person_first_name": _volunteer(Text(100)),
    "person_last_name": _volunteer(Text(100)),
    "person_phone": _volunteer(Text(40)),
    "person_email": _volunteer(Text(320)),
    # what they agreed to, each offered and never assumed: stay in touch (My people), the volunteer's card, an
    # invitation to volunteer
    "agreed_to": _volunteer(ListOf(Choice(("stay_in_touch", "shared_card", "invited")), 3)),
    # the campaign's survey questions (server/surveys/), each optional: only after a talk
    "answers": _volunteer(Answers()),
    # the address as found at the door (each optional): Kin never changes the voter file with it
    "corrected_house_number": _volunteer(Text(40)),
    "corrected_street": _volunteer(Text(200)),
    "corrected_unit": _volunteer(Text(60)),
}, only_with=(OnlyWith("come_back_at", "result", ("come_back",)), OnlyWith("answers", "result", ("talked",)),
              *(OnlyWith(name, "voter_id", (None,)) for name in NEW_PERSON),
              *(OnlyWith(name, "result", CORRECTED_WITH) for name in CORRECTION)))

# what a person asked: not to be contacted at all, or not by some channels; one record per voter, whose id is
# the voter's public id. Who recorded it is the server's to know (the op's sender); never why.
CHANNELS = ("text", "call", "email", "door")
PREFERENCE_FROM = ("door", "person", "console")  # where it was recorded
CONTACT_PREFERENCE = Entity("contact_preference", {
    "voter_id": FieldSpec(Ref("voter"), ANYONE, required=True, fixed=True),
    "no_contact": FieldSpec(Bool(), ANYONE),  # not to be contacted at all, by any channel
    **{f"no_{channel}": FieldSpec(Bool(), ANYONE) for channel in CHANNELS},
    "recorded_from": FieldSpec(Choice(PREFERENCE_FROM), ANYONE, required=True),
    "recorded_at": FieldSpec(DateTime(), ANYONE, required=True),
}, creator=ANYONE, keyed_by="voter_id")

ENTITIES = {e.name: e for e in (RELATIONSHIP, CONVERSATION, DOOR_VISIT, CONTACT_PREFERENCE)}


def free_text(entity: Entity) -> tuple[str, ...]:
    """The fields that hold what someone wrote in their own words (notes, replies, a name or an address as given):
    what retention redacts. The structured results (support, channel, result, issues, answers) are kept."""
    return tuple(name for name, spec in entity.fields.items() if isinstance(spec.type, Text))


def _field_problem(entity, name, value, role, known, current) -> str | None:
    spec = entity.fields.get(name)
    if spec is None:
        return Problem("unknown_field", "Unknown field.")
    if role == SERVER:  # redaction, and nothing else
        return None if isinstance(spec.type, Text) and value == "" else Problem(
            "redact_only", "The server may only empty free text.")
    if spec.owner not in (role, ANYONE):
        return Problem("owner_only", OWNER_ONLY[spec.owner], owner=spec.owner)
    if spec.fixed and current is not None and current.get(name) != value:
        return Problem("fixed", "Cannot be changed.")
    if value is None:
        return None if spec.null else Problem("empty", "Cannot be empty.")
    return spec.type.check(value, known)


def _only_with(rule: OnlyWith) -> Problem:
    allowed = [value for value in rule.values if value is not None]
    if allowed:
        return Problem("only_with", f"Only when {rule.other} is {' or '.join(allowed)}.", field=rule.other,
                       values=allowed)
    return Problem("only_without", f"Only when {rule.other} is not given.", field=rule.other)


def validate(entity: Entity, fields: Mapping[str, object], role: str, *, issue_tags: frozenset[str] | None,
             current: Mapping[str, object] | None = None,
             questions: Mapping[str, Question] | None = None) -> dict[str, list[str]]:
    """Errors naming each bad field of an upsert by ``role``; empty when the upsert is valid.

    ``current`` holds the record's values when it exists; None means this upsert creates it, so the
    required and exactly-one rules apply. ``issue_tags`` is the campaign's list (None: it has none);
    ``questions`` its survey questions by id.
    """
    if role not in ROLES:
        raise ValueError(f"Unknown role {role!r}; pass one of {ROLES}.")
    errors: dict[str, list[str]] = {}
    known = Known(issue_tags, questions or {})
    for name, value in fields.items():
        if problem := _field_problem(entity, name, value, role, known, current):
            errors[name] = [problem]
    merged = {**(current or {}), **fields}
    for rule in entity.only_with:
        if rule.field in fields and merged.get(rule.field) not in (None, "", {}) \
                and merged.get(rule.other) not in rule.values and rule.field not in errors:
            errors[rule.field] = [_only_with(rule)]
    if current is None:
        for name, spec in entity.fields.items():
            if spec.required and fields.get(name) is None:
                errors.setdefault(name, [Problem("required", "Required.")])
        one_of = entity.exactly_one
        if one_of and sum(fields.get(n) is not None for n in one_of) != 1:
            for name in one_of:
                errors.setdefault(name, []).append(
                    Problem("exactly_one", f"Give exactly one of {' or '.join(one_of)}.", fields=list(one_of)))
    return errors
