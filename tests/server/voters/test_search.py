"""Volunteers find friends in the voter file by name: typo-tolerant, ranked, a minimal card, rate-limited."""

import pytest

from server.campaigns.models import Role

ROWS = [
    ["V1", "John", "Smith", "Durham", "27701", "1980", "", ""],
    ["V2", "Joan", "Smithers", "Raleigh", "27601", "1992", "", ""],
    ["V3", "María", "Núñez", "Durham", "27705", "1975", "", ""],
    ["V4", "Johnny", "Smythe", "Cary", "27511", "2000", "", ""],
    ["V5", "Zed", "Quux", "Durham", "27701", "1960", "", ""],
]


@pytest.fixture
def volunteer(make_campaign, make_member, voter_file, import_file):
    campaign_id = make_campaign()
    assert import_file(voter_file(ROWS), campaign_id).exit_code == 0
    return make_member(campaign_id, Role.VOLUNTEER)


def search(client, auth_headers, volunteer, **params):
    return client.get(f"/api/campaigns/{volunteer.campaign_id}/voters/search", query_string=params,
                      headers=auth_headers(volunteer.user_id))


def test_a_typo_still_finds_the_friend_first(client, auth_headers, volunteer):
    cards = search(client, auth_headers, volunteer, name="Jhon Smith").json
    assert cards[0]["first_name"] == "John" and cards[0]["last_initial"] == "S"
    assert "Zed" not in [c["first_name"] for c in cards]


def test_accents_do_not_matter(client, auth_headers, volunteer):
    assert search(client, auth_headers, volunteer, name="maria nunez").json[0]["first_name"] == "María"


def test_the_card_shows_only_what_recognising_a_friend_needs(client, auth_headers, volunteer):
    card = search(client, auth_headers, volunteer, name="John Smith").json[0]
    assert set(card) == {"id", "first_name", "last_initial", "age", "city", "priority"}
    assert card["city"] == "Durham" and 44 <= card["age"] <= 47


def test_city_and_age_narrow_the_search(client, auth_headers, volunteer):
    everywhere = search(client, auth_headers, volunteer, name="john smith").json
    assert {c["city"] for c in everywhere} >= {"Durham", "Cary"}
    assert {c["city"] for c in search(client, auth_headers, volunteer, name="john smith", city="cary").json} == {"Cary"}
    by_age = search(client, auth_headers, volunteer, name="john smith", age=26).json
    assert [c["first_name"] for c in by_age] == ["Johnny"]


def test_inactive_voters_are_not_offered(client, auth_headers, volunteer, voter_file, import_file):
    import_file(voter_file(ROWS[1:]), volunteer.campaign_id)
    assert "John" not in [c["first_name"] for c in search(client, auth_headers, volunteer, name="John Smith").json]


def test_search_is_rate_limited_per_volunteer(app, client, auth_headers, volunteer):
    app.config["VOTER_SEARCH_RATE_LIMIT"] = "3 per minute"
    statuses = [search(client, auth_headers, volunteer, name="smith").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_a_one_letter_search_names_the_field(client, auth_headers, volunteer):
    response = search(client, auth_headers, volunteer, name="j")
    assert response.status_code == 422 and "name" in response.json["errors"]["query"]
