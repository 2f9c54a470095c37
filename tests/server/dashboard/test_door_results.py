"""The dashboard's door numbers (docs/dashboard.md): doors knocked, contacts at the door, the contact rate and the
results, from a small known set of visits, under each filter; kept at push time and equal to a rebuild's after
every push, edit and delete."""

import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.canvass import households
from server.canvass.models import Household
from server.extensions import db
from server.voters.models import Voter
from tests.server.dashboard.conftest import days_ago, today
from tests.server.dashboard.test_dashboard_api import assert_counts_match_a_rebuild

DOOR_TILES = ("doors_knocked", "door_contacts", "door_contact_rate")


def doors(answer) -> dict:
    return {name: (answer["tiles"][name]["value"], answer["tiles"][name]["change"]) for name in DOOR_TILES}


def results(answer) -> dict:
    """The results with any visit, as (visits, change)."""
    return {row["result"]: (row["visits"], row["change"]) for row in answer["door_results"] if row["visits"]}


@pytest.fixture
def street(app, team):
    """Ana (a priority voter) at 1 Oak Ave, Ben at 2, Cleo and Dan at 3: their households' and voters' public ids."""
    campaign_id = team["campaign_id"]
    with app.app_context():
        people = {}
        for name, number, priority in (("ana", "1", True), ("ben", "2", False), ("cleo", "3", False),
                                       ("dan", "3", False)):
            row = Voter(campaign_id=campaign_id, external_id=name, first_name=name.title(), last_name="Oak",
                        search_name=f"{name} oak", house_number=number, street="Oak Avenue", zip="27601",
                        priority=priority)
            db.session.add(row)
            people[name] = row
        db.session.flush()
        households.assign(campaign_id)
        db.session.commit()
        return {name: {"voter": str(row.public_id),
                       "door": str(db.session.get(Household, row.household_id).public_id)}
                for name, row in people.items()}


@pytest.fixture
def knock(phone_of):
    """A volunteer logs a door visit (or changes or deletes one, given its id); returns its id."""

    def push(member, door=None, result=None, at=None, voter=None, visit_id=None, action="upsert", **fields):
        phone = phone_of(member)
        values = None if action == "delete" else {
            **({"household_id": door} if door else {}), **({"result": result} if result else {}),
            **({"happened_at": at} if at else {}), **({"voter_id": voter} if voter else {}), **fields}
        visit_id = visit_id or str(uuid.uuid4())
        answer = phone.push(phone.op("door_visit", visit_id, values, action=action))
        assert answer.json["results"][0]["status"] == "applied", answer.json
        return visit_id

    return push


@pytest.fixture
def rounds(team, street, knock):
    """Vera talks to Ana 20 days ago; 3 days ago finds nobody at Ben's, then Ben (one door knocked, one contact);
    2 days ago Cleo refuses and Dan talks at their shared door. Otto finds nobody at Ana's 2 days ago, hears Ben
    moved yesterday and is asked to come back at 3 Oak Ave yesterday. One visit deleted, one in another campaign."""
    vera, otto = team["volunteer"], team["other_volunteer"]
    ana, ben, cleo, dan = (street[name] for name in ("ana", "ben", "cleo", "dan"))
    ids = {
        "vera_ana": knock(vera, ana["door"], "talked", days_ago(20), ana["voter"], support=1),
        "vera_ben_away": knock(vera, ben["door"], "not_home", days_ago(3, hour=10)),
        "vera_ben": knock(vera, ben["door"], "talked", days_ago(3, hour=16), ben["voter"]),
        "vera_cleo": knock(vera, cleo["door"], "refused", days_ago(2), cleo["voter"]),
        "vera_dan": knock(vera, dan["door"], "talked", days_ago(2), dan["voter"]),
        "otto_ana": knock(otto, ana["door"], "not_home", days_ago(2)),
        "otto_ben": knock(otto, ben["door"], "moved", days_ago(1), ben["voter"]),
        "otto_cleo": knock(otto, cleo["door"], "come_back", days_ago(1), cleo["voter"],
                           come_back_at=days_ago(0, hour=18)),
    }
    gone = knock(otto, cleo["door"], "wrong_address", days_ago(1))
    knock(otto, visit_id=gone, action="delete")
    return ids


def test_doors_contacts_rate_and_results_count_each_door_once_a_day(app, team, rounds, dashboard):
    answer = dashboard()
    # six door-days, three with a talk; the last 7 days hold five of them, two with a talk
    assert doors(answer) == {"doors_knocked": (6, 5), "door_contacts": (3, 2), "door_contact_rate": (0.5, 0.4)}
    assert results(answer) == {"talked": (3, 2), "not_home": (2, 2), "refused": (1, 1), "moved": (1, 1),
                               "come_back": (1, 1)}
    assert [row["result"] for row in answer["door_results"]] == [
        "talked", "not_home", "refused", "come_back", "moved", "inaccessible", "wrong_address", "deceased"]
    series = answer["series"]
    assert sum(series["door_visits"]) == 8
    assert series["door_visits"][-4:] == [2, 3, 2, 0]  # 3, 2 and 1 days ago, and today
    assert series["door_visits"][-21] == 1
    assert_counts_match_a_rebuild(app, team["campaign_id"])


def test_priority_only_counts_the_doors_of_priority_voters(team, rounds, dashboard):
    answer = dashboard(priority="true")
    # Ana's door: Vera's talk 20 days ago, Otto's nobody home 2 days ago
    assert doors(answer) == {"doors_knocked": (2, 1), "door_contacts": (1, 0), "door_contact_rate": (0.5, 0.0)}
    assert results(answer) == {"talked": (1, 0), "not_home": (1, 1)}
    assert sum(answer["series"]["door_visits"]) == 2


def test_one_volunteer_counts_only_their_own_doors(team, rounds, dashboard):
    otto = dashboard(volunteer=team["other_volunteer"].user_id)
    assert doors(otto) == {"doors_knocked": (3, 3), "door_contacts": (0, 0), "door_contact_rate": (0.0, 0.0)}
    assert results(otto) == {"not_home": (1, 1), "moved": (1, 1), "come_back": (1, 1)}
    vera = dashboard(volunteer=team["volunteer"].user_id)
    assert doors(vera) == {"doors_knocked": (3, 2), "door_contacts": (3, 2), "door_contact_rate": (1.0, 1.0)}
    both = dashboard(volunteer=team["volunteer"].user_id, priority="true")
    assert doors(both) == {"doors_knocked": (1, 0), "door_contacts": (1, 0), "door_contact_rate": (1.0, None)}


def test_a_date_range_counts_the_doors_knocked_in_it(team, rounds, dashboard):
    answer = dashboard(**{"from": today(-10), "to": today(-2)})
    assert doors(answer) == {"doors_knocked": (3, 3), "door_contacts": (2, 2),
                             "door_contact_rate": (2 / 3, 2 / 3)}
    assert results(answer) == {"talked": (2, 2), "not_home": (2, 2), "refused": (1, 1)}
    assert answer["series"]["door_visits"] == [0] * 7 + [2, 3]
    empty = dashboard(**{"from": today(-30), "to": today(-25)})
    assert doors(empty) == {"doors_knocked": (0, 0), "door_contacts": (0, 0), "door_contact_rate": (None, None)}


def test_edits_moves_and_deletes_keep_the_counts_a_rebuild_makes(app, team, street, rounds, knock, dashboard):
    vera, otto = team["volunteer"], team["other_volunteer"]
    knock(otto, visit_id=rounds["otto_ben"], result="talked")  # Ben had not moved after all
    assert doors(dashboard())["door_contacts"] == (4, 3)
    assert_counts_match_a_rebuild(app, team["campaign_id"])
    knock(vera, visit_id=rounds["vera_ben"], happened_at=days_ago(4))  # the talk was the day before
    assert doors(dashboard())["doors_knocked"] == (7, 6)
    assert_counts_match_a_rebuild(app, team["campaign_id"])
    knock(vera, visit_id=rounds["vera_ana"], action="delete")
    assert doors(dashboard()) == {"doors_knocked": (6, 6), "door_contacts": (3, 3), "door_contact_rate": (0.5, 0.5)}
    assert results(dashboard())["talked"] == (3, 3)
    assert_counts_match_a_rebuild(app, team["campaign_id"])
    # a second volunteer at a door already knocked that day adds a visit, not a door
    knock(otto, street["ben"]["door"], "talked", days_ago(1, hour=15), street["ben"]["voter"])
    assert doors(dashboard())["doors_knocked"] == (6, 6)
    assert_counts_match_a_rebuild(app, team["campaign_id"])


def test_another_campaigns_visits_count_nowhere(app, team, rounds, make_campaign, make_member, dashboard, knock):
    from server.campaigns.models import Role

    other = make_campaign(time_zone="America/New_York")
    organizer = make_member(other, Role.ORGANIZER)
    with app.app_context():
        db.session.add(Voter(campaign_id=other, external_id="x", first_name="Xi", last_name="Elm",
                             search_name="xi elm", house_number="9", street="Elm St", zip="27601"))
        db.session.flush()
        households.assign(other)
        db.session.commit()
        door = str(db.session.execute(db.select(Household.public_id).where(Household.campaign_id == other))
                   .scalar_one())
    knock(make_member(other, Role.VOLUNTEER), door, "talked", days_ago(1))
    assert doors(dashboard(campaign_id=other, member=organizer))["doors_knocked"] == (1, 1)
    assert doors(dashboard())["doors_knocked"] == (6, 5)


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(st.tuples(st.sampled_from(("new", "edit", "delete")), st.sampled_from(("ana", "ben", "cleo")),
                                st.sampled_from(("talked", "not_home", "refused")), st.integers(0, 2),
                                st.integers(8, 20), st.booleans()), min_size=1, max_size=6))
def test_any_pushes_keep_the_counts_a_rebuild_makes(app, team, street, knock, steps):
    """Visits made, changed and deleted in any order, at doors and days that overlap, by two volunteers."""
    made = []
    for action, person, result, day, hour, otto in steps:
        member = team["other_volunteer"] if otto else team["volunteer"]
        mine = [(visit_id, owner) for visit_id, owner in made if owner == member.user_id]
        if action == "new" or not mine:
            made.append((knock(member, street[person]["door"], result, days_ago(day, hour)), member.user_id))
        elif action == "edit":
            knock(member, visit_id=mine[-1][0], result=result, happened_at=days_ago(day, hour))
        else:
            knock(member, visit_id=mine[-1][0], action="delete")
            made.remove(mine[-1])
    assert_counts_match_a_rebuild(app, team["campaign_id"])
