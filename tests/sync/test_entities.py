"""Entity declarations and field validation: every error names its field."""

import pytest

from sync.entities import ANYONE, CONVERSATION, DOOR_VISIT, ENTITIES, ORGANIZER, RELATIONSHIP, VOLUNTEER, validate

VOTER = "00000000-0000-4000-8000-000000000007"  # voters are referred to by their public UUID
OTHER_VOTER = "00000000-0000-4000-8000-000000000008"

REL_ID = "0b6f6d3e-3c1f-4a57-9a43-2f1d2b7c9e10"
TAGS = frozenset({"housing", "transit"})
NEW_CONVERSATION = {"relationship_id": REL_ID, "channel": "call", "happened_at": "2026-11-27T18:04:05-05:00"}


def errors(fields, role=VOLUNTEER, entity=CONVERSATION, current=NEW_CONVERSATION, issue_tags=TAGS):
    return validate(entity, fields, role, issue_tags=issue_tags, current=current)


def test_the_entities_are_declared_by_name():
    assert set(ENTITIES) == {"relationship", "conversation", "door_visit", "contact_preference"}


def test_a_valid_new_conversation_has_no_errors():
    assert errors(NEW_CONVERSATION, current=None) == {}


@pytest.mark.parametrize(("field", "good", "bad", "message"), [
    ("notes", "Talked about the bus line.", 12, "Not text."),
    ("notes", "x" * 5000, "x" * 5001, "Longer than 5000 characters."),
    ("notes", "", "a\x00b", "Contains a NUL character."),
    ("channel", "door", "carrier pigeon", "Not one of: in_person, door, call, text, other."),
    ("support", 1, 6, "Not a whole number from 1 to 5."),
    ("support", 5, 0, "Not a whole number from 1 to 5."),
    ("support", None, True, "Not a whole number from 1 to 5."),
    ("support", 3, 3.0, "Not a whole number from 1 to 5."),
    ("registered", False, "yes", "Not true or false."),
    ("follow_up_on", "2028-02-29", "2027-02-29", "Not a date (YYYY-MM-DD)."),
    ("follow_up_on", "2026-12-31", "2026-12-1", "Not a date (YYYY-MM-DD)."),
    ("follow_up_on", "2026-01-01", "2026-13-01", "Not a date (YYYY-MM-DD)."),
    ("happened_at", "2026-11-27T18:04:05.123Z", "2026-11-27T18:04:05", "Not a date and time with an offset"),
    ("happened_at", "2026-11-27T23:59:59+14:00", "2026-11-27T24:00:00Z", "Not a date and time with an offset"),
    ("happened_at", "2026-11-27T18:04:05-05:00", "2026-11-27 18:04:05Z", "Not a date and time with an offset"),
    ("vote_method", "mail", "carrier pigeon", "Not one of: early_in_person, election_day, mail, undecided."),
    ("issue_tags", ["housing", "transit"], ["housing", "crime"], "Item 1: Not one of this campaign's issues."),
    ("issue_tags", [], "housing", "Not a list."),
    ("issue_tags", ["housing"], ["housing", "housing"], "Lists an item twice."),
])
def test_each_field_type_accepts_good_values_and_names_the_field_with_a_bad_one(field, good, bad, message):
    assert errors({field: good}) == {}
    assert list(errors({field: bad})) == [field]
    assert errors({field: bad})[field][0].startswith(message)


def test_too_many_issue_tags_are_refused():
    many = frozenset(f"t{i}" for i in range(21))
    assert errors({"issue_tags": sorted(many)[:20]}, issue_tags=many) == {}
    assert errors({"issue_tags": sorted(many)}, issue_tags=many) == {"issue_tags": ["More than 20 items."]}


def test_issue_tags_come_from_the_campaigns_list_only():
    assert errors({"issue_tags": ["housing"]}, issue_tags=frozenset({"transit"})) == {
        "issue_tags": ["Item 0: Not one of this campaign's issues."]}
    assert errors({"issue_tags": ["housing"]}, issue_tags=None) == {
        "issue_tags": ["Item 0: Not one of this campaign's issues."]}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("voter_id", 0, "Not a voter id."),
    ("voter_id", "17", "Not a voter id."),
    ("relationship_id", "not-a-uuid", "Not a relationship id."),
    ("relationship_id", REL_ID.upper(), "Not a relationship id."),
])
def test_references_must_look_like_ids(field, value, message):
    new = {"channel": "call", "happened_at": "2026-11-27T18:04:05Z", field: value}
    assert errors(new, current=None) == {field: [message]}


def test_null_clears_a_nullable_field_but_not_the_others():
    assert errors({"support": None, "follow_up_on": None}) == {}
    assert errors({"notes": None, "channel": None}) == {"notes": ["Cannot be empty."], "channel": ["Cannot be empty."]}


def test_unknown_fields_are_named():
    assert errors({"mood": "good", "notes": "ok"}) == {"mood": ["Unknown field."]}


def test_a_volunteer_cannot_change_review_fields():
    assert errors({"reviewed": True, "review_reply": "Thanks!", "notes": "mine"}) == {
        "reviewed": ["Only organizers can change this."], "review_reply": ["Only organizers can change this."]}


def test_an_organizer_cannot_change_content_fields():
    assert errors({"reviewed": True, "flagged_for_follow_up": True, "support": 2}, role=ORGANIZER) == {
        "support": ["Only the volunteer who logged this can change this."]}


def test_a_relationships_fields_all_belong_to_the_volunteer():
    assert errors({"closeness": 3}, role=ORGANIZER, entity=RELATIONSHIP, current={"voter_id": VOTER}) == {
        "closeness": ["Only the volunteer who logged this can change this."]}


def test_a_new_record_needs_its_required_fields():
    assert errors({"notes": "hi"}, current=None) == {
        "channel": ["Required."], "happened_at": ["Required."],
        "relationship_id": ["Give exactly one of relationship_id or voter_id."],
        "voter_id": ["Give exactly one of relationship_id or voter_id."]}
    assert errors({"voter_id": VOTER, "source": "search", "kind": "neighbour"}, entity=RELATIONSHIP, current=None) == {}
    assert errors({"kind": "friend"}, entity=RELATIONSHIP, current=None) == {
        "voter_id": ["Required."], "source": ["Required."]}


def test_a_new_conversation_names_exactly_one_person():
    both = {**NEW_CONVERSATION, "voter_id": VOTER}
    assert errors(both, current=None) == {
        "relationship_id": ["Give exactly one of relationship_id or voter_id."],
        "voter_id": ["Give exactly one of relationship_id or voter_id."]}
    with_voter = {**NEW_CONVERSATION, "relationship_id": None, "voter_id": VOTER}
    assert errors(with_voter, current=None) == {}


def test_who_a_record_is_about_cannot_change_after_it_is_created():
    assert errors({"relationship_id": REL_ID}) == {}
    assert errors({"voter_id": VOTER}) == {"voter_id": ["Cannot be changed."]}
    assert errors({"voter_id": OTHER_VOTER}, entity=RELATIONSHIP, current={"voter_id": VOTER, "source": "match"}) == {
        "voter_id": ["Cannot be changed."]}


def test_an_unknown_role_is_a_programming_error():
    with pytest.raises(ValueError):
        errors({"notes": "x"}, role="owner")


def test_every_field_has_a_role_and_a_type_that_checks():
    for entity in ENTITIES.values():
        assert entity.creator in (VOLUNTEER, ORGANIZER, ANYONE)
        assert (entity.creator == ANYONE) == entity.campaign_wide
        for spec in entity.fields.values():
            assert spec.owner in ((ANYONE,) if entity.campaign_wide else (VOLUNTEER, ORGANIZER))
            assert callable(spec.type.check)
            assert not (spec.required and spec.null)


HOUSEHOLD = "00000000-0000-4000-8000-0000000000aa"
NEW_VISIT = {"household_id": HOUSEHOLD, "result": "not_home", "happened_at": "2026-10-03T11:02:00-04:00"}


def test_a_door_visit_needs_a_household_a_result_and_a_time():
    assert errors(NEW_VISIT, entity=DOOR_VISIT, current=None) == {}
    assert errors({"notes": "x"}, entity=DOOR_VISIT, current=None) == {
        "household_id": ["Required."], "result": ["Required."], "happened_at": ["Required."]}


def test_a_door_visit_for_a_whole_household_names_no_voter():
    assert errors({**NEW_VISIT, "voter_id": None}, entity=DOOR_VISIT, current=None) == {}
    assert errors({**NEW_VISIT, "voter_id": VOTER}, entity=DOOR_VISIT, current=None) == {}


def test_a_come_back_time_only_goes_with_come_back():
    come_back = {**NEW_VISIT, "result": "come_back", "come_back_at": "2026-10-03T17:00:00-04:00"}
    assert errors(come_back, entity=DOOR_VISIT, current=None) == {}
    assert errors({**come_back, "result": "talked"}, entity=DOOR_VISIT, current=None) == {
        "come_back_at": ["Only when result is come_back."]}
    # setting the time later, on a visit whose stored result is come_back, is judged against the stored result
    assert errors({"come_back_at": "2026-10-04T10:00:00-04:00"}, entity=DOOR_VISIT,
                  current={**NEW_VISIT, "result": "come_back"}) == {}
    assert errors({"come_back_at": None}, entity=DOOR_VISIT, current=NEW_VISIT) == {}  # clearing is always fine


def test_a_new_persons_details_only_go_on_a_visit_without_a_voter():
    met = {**NEW_VISIT, "result": "talked", "person_first_name": "Jo", "person_phone": "919 555 0143"}
    assert errors(met, entity=DOOR_VISIT, current=None) == {}
    assert errors({**met, "voter_id": VOTER}, entity=DOOR_VISIT, current=None) == {
        "person_first_name": ["Only when voter_id is not given."],
        "person_phone": ["Only when voter_id is not given."]}


def test_what_a_person_agreed_to_is_a_list_of_offers():
    every_offer = ["stay_in_touch", "shared_card", "invited"]
    assert errors({"agreed_to": every_offer}, entity=DOOR_VISIT, current=NEW_VISIT) == {}
    assert errors({"agreed_to": ["everything"]}, entity=DOOR_VISIT, current=NEW_VISIT) == {
        "agreed_to": ["Item 0: Not one of: stay_in_touch, shared_card, invited."]}


@pytest.mark.parametrize("result", ["talked", "not_home", "refused", "come_back", "moved", "inaccessible",
                                    "wrong_address", "deceased"])
def test_every_door_result_is_accepted(result):
    assert errors({**NEW_VISIT, "result": result}, entity=DOOR_VISIT, current=None) == {}
