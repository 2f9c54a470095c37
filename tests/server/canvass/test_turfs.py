"""Turfs through the API: cut by precinct, streets, polygon or automatically; assigned, taken by link, expiring;
their progress from door visits; what a volunteer may see; and every answer scoped to the caller's campaign.
On SQLite and PostgreSQL."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from server.campaigns.models import Role
from server.canvass import households
from server.canvass.models import Household, Turf
from server.extensions import db
from server.voters.models import Voter
from tests.server.sync.conftest import Phone

# (external id, number, street, unit, precinct, priority, latitude, longitude): two streets a block apart, an
# apartment building of three units at 20 Oak, a couple at 3 Oak, and one house without coordinates on Elm
VOTERS = [
    *[(f"o{n}", str(n), "Oak Avenue", "", "P1", n % 2 == 1, 35.7800 + n * 1e-4, -78.6400) for n in range(1, 11)],
    ("o3b", "3", "Oak Avenue", "", "P1", False, 35.7803, -78.6400),
    *[(f"a{u}", "20", "Oak Avenue", f"Apt {u}", "P1", False, 35.7820, -78.6400) for u in (1, 2, 3)],
    *[(f"e{n}", str(n), "Elm Street", "", "P2", n < 4, 35.7800 + n * 1e-4, -78.6380) for n in range(1, 7)],
    ("e7", "7", "Elm Street", "", "P2", False, None, None),
]
# a rectangle around Oak Avenue only (longitude -78.6400), not Elm Street (-78.6380)
AROUND_OAK = {"type": "Polygon", "coordinates": [[[-78.6405, 35.7795], [-78.6395, 35.7795], [-78.6395, 35.7825],
                                                  [-78.6405, 35.7825], [-78.6405, 35.7795]]]}


def add_voters(app, campaign_id, rows=VOTERS):
    with app.app_context():
        db.session.add_all(Voter(campaign_id=campaign_id, external_id=eid, first_name="Ana", last_name=f"L{eid}",
                                 house_number=number, street=street, unit=unit, zip="27601", city="Raleigh",
                                 precinct=precinct, priority=priority, latitude=lat, longitude=lon, birth_year=1980)
                           for eid, number, street, unit, precinct, priority, lat, lon in rows)
        db.session.flush()
        households.assign(campaign_id)
        db.session.commit()


@pytest.fixture
def town(app, make_campaign, make_member, auth_headers, client):
    """A campaign with the voters above, an organizer and two volunteers; and a second campaign with the same
    streets, whose doors must never show up in the first's answers."""
    campaign_id = make_campaign(issue_tags=["housing", "schools"])
    add_voters(app, campaign_id)
    other_id = make_campaign(name="Other")
    add_voters(app, other_id)
    organizer = make_member(campaign_id, Role.ORGANIZER)
    volunteers = [make_member(campaign_id, Role.VOLUNTEER) for _ in range(2)]
    base = f"/api/campaigns/{campaign_id}/turfs"

    class Town:
        id, other, url = campaign_id, other_id, base
        org = auth_headers(organizer.user_id)
        vol = [auth_headers(v.user_id) for v in volunteers]
        members = volunteers
        stranger = make_member(other_id, Role.VOLUNTEER)

        def cut(self, **body):
            return client.post(base, json={"name": "Turf", **body}, headers=self.org)

    return Town()


def test_the_street_list_counts_doors_and_voters_of_the_campaign_only(client, town):
    response = client.get(f"{town.url}/streets", headers=town.org)
    assert response.status_code == 200
    assert response.json == [
        {"street": "ELM ST", "zip": "27601", "city": "RALEIGH", "doors": 7, "voters": 7},
        # ten houses and three apartments; eleven voters in the houses (two at number 3) and three upstairs
        {"street": "OAK AVE", "zip": "27601", "city": "RALEIGH", "doors": 13, "voters": 14},
    ]


def test_the_precinct_list_counts_doors_and_voters(client, town):
    assert client.get(f"{town.url}/precincts", headers=town.org).json == [
        {"precinct": "P1", "doors": 13, "voters": 14}, {"precinct": "P2", "doors": 7, "voters": 7}]


def test_a_turf_cut_by_precinct_holds_its_doors_and_a_second_cut_leaves_them_out(client, town):
    response = town.cut(precinct="P2")
    assert response.status_code == 201, response.json
    [turf] = response.json["turfs"]
    assert (turf["doors"], turf["voters"], turf["cut"], response.json["left_out"]) == (7, 7, "precinct", 0)
    assert turf["take_url"].endswith(f"/take/{town.id}/" + turf["take_url"].rsplit("/", 1)[1])
    again = town.cut(precinct="P2")
    assert again.status_code == 409 and "already in a turf" in again.json["message"]


def test_a_turf_cut_by_streets_takes_only_the_free_doors_and_says_how_many_were_left_out(client, town):
    town.cut(precinct="P2")  # all of Elm
    response = town.cut(streets=[{"street": "OAK AVE", "zip": "27601"}, {"street": "ELM ST", "zip": "27601"}])
    assert response.status_code == 201
    assert (response.json["turfs"][0]["doors"], response.json["left_out"]) == (13, 7)


@pytest.mark.parametrize(("body", "field"), [
    ({}, "_schema"),
    ({"precinct": "P1", "streets": [{"street": "OAK AVE", "zip": "27601"}]}, "_schema"),
    ({"precinct": "P1", "name": ""}, "name"),
    ({"streets": [{"zip": "27601"}]}, "streets"),
    ({"precinct": "P1", "days": 0}, "days"),
])
def test_a_bad_cut_names_the_field(client, town, body, field):
    response = client.post(town.url, json={"name": "Turf", **body}, headers=town.org)
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]


def test_the_polygon_count_answers_the_doors_and_voters_inside(client, town):
    response = client.post(f"{town.url}/count", json={"polygon": AROUND_OAK}, headers=town.org)
    assert response.status_code == 200
    assert response.json == {"doors": 13, "voters": 14}  # Oak only, and only this campaign's


@pytest.mark.parametrize("polygon", [
    {"type": "Point", "coordinates": [-78.64, 35.78]},
    {"type": "Polygon", "coordinates": [[[-78.64, 35.78], [-78.63, 35.78]]]},
    {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},  # a bow tie
    {"type": "Polygon", "coordinates": [[[-278.64, 35.78], [-78.63, 35.78], [-78.63, 35.79], [-278.64, 35.78]]]},
    {"type": "Polygon", "coordinates": "oak"},
])
def test_a_bad_polygon_is_refused_naming_the_field(client, town, polygon):
    response = client.post(f"{town.url}/count", json={"polygon": polygon}, headers=town.org)
    assert response.status_code == 422
    assert "polygon" in response.json["errors"]["json"]


def test_a_turf_cut_by_polygon_holds_the_doors_inside(client, town):
    response = town.cut(polygon=AROUND_OAK)
    assert response.status_code == 201
    assert (response.json["turfs"][0]["doors"], response.json["turfs"][0]["cut"]) == (13, "polygon")


def test_an_automatic_cut_makes_balanced_turfs_of_the_universe(client, town):
    response = client.post(f"{town.url}/auto", json={"name": "North", "count": 3}, headers=town.org)
    assert response.status_code == 201, response.json
    turfs = response.json["turfs"]
    assert [t["name"] for t in turfs] == ["North 1", "North 2", "North 3"]
    assert sum(t["doors"] for t in turfs) == 20
    # the apartment building (three doors) stays whole, so the best split of 20 doors is 7/7/6 or 8/6/6
    assert max(t["doors"] for t in turfs) - min(t["doors"] for t in turfs) <= 2
    assert response.json["balance"] == max(t["doors"] for t in turfs) / min(t["doors"] for t in turfs)


def test_an_automatic_cut_puts_each_free_door_in_one_turf_and_counts_its_doors_and_voters(app, client, town):
    from sqlalchemy import func

    from server.canvass.models import TurfHousehold

    elm = first_turf(town)  # precinct P2: Elm Street's doors, already in a live turf
    response = client.post(f"{town.url}/auto", json={"name": "Rest", "count": 2}, headers=town.org)
    assert response.status_code == 201, response.json
    with app.app_context():
        doors = dict(db.session.execute(select(Voter.household_id, Voter.precinct).where(
            Voter.campaign_id == town.id, Voter.active.is_(True))).all())
        voters = dict(db.session.execute(select(Voter.household_id, func.count()).where(
            Voter.campaign_id == town.id, Voter.active.is_(True)).group_by(Voter.household_id)).all())
        rows = db.session.execute(select(TurfHousehold.turf_id, TurfHousehold.household_id).where(
            TurfHousehold.campaign_id == town.id, TurfHousehold.turf_id != elm["id"])).all()
    households = [household for _, household in rows]
    assert sorted(households) == sorted(h for h, precinct in doors.items() if precinct == "P1")  # each just once
    for turf in response.json["turfs"]:
        mine = [household for turf_id, household in rows if turf_id == turf["id"]]
        assert turf["doors"] == len(mine) and turf["voters"] == sum(voters[h] for h in mine)
    assert town.cut(precinct="P1").status_code == 409  # none is left free


def test_an_automatic_cut_of_priority_voters_takes_only_their_doors(client, town):
    response = client.post(f"{town.url}/auto", json={"name": "P", "count": 2, "universe": {"priority": True}},
                           headers=town.org)
    assert response.status_code == 201
    assert sum(t["doors"] for t in response.json["turfs"]) == 5 + 3  # odd Oak houses, Elm 1-3


def test_an_automatic_cut_of_a_precinct_not_yet_contacted_leaves_out_the_doors_where_someone_talked(app, client,
                                                                                                      town):
    phone = Phone(client, town.vol[0], town.id)
    e1, e2, o1 = household_ids(app, town.id, "e1", "e2", "o1")
    response = phone.push(*(phone.op("door_visit", str(uuid.uuid4()), {
        "household_id": household, "result": result, "happened_at": datetime.now(UTC).isoformat()})
        for household, result in ((e1, "talked"), (e2, "not_home"), (o1, "talked"))))
    assert [r["status"] for r in response.json["results"]] == ["applied"] * 3
    response = client.post(f"{town.url}/auto", json={
        "name": "Elm", "count": 2, "universe": {"precinct": "P2", "not_contacted": True}}, headers=town.org)
    assert response.status_code == 201, response.json
    assert sum(t["doors"] for t in response.json["turfs"]) == 6  # Elm's seven doors but e1's


def test_an_automatic_cut_of_more_turfs_than_buildings_is_refused(client, town):
    response = client.post(f"{town.url}/auto", json={"name": "P", "count": 50}, headers=town.org)
    assert response.status_code == 409 and "too few" in response.json["message"]


def first_turf(town, **body):
    return town.cut(**(body or {"precinct": "P2"})).json["turfs"][0]


def test_a_volunteer_sees_only_the_turfs_assigned_to_them(client, town):
    mine, theirs = first_turf(town), first_turf(town, precinct="P1")
    response = client.patch(f"{town.url}/{mine['id']}", json={"holder_id": town.members[0].id}, headers=town.org)
    assert response.status_code == 200 and response.json["holder_id"] == town.members[0].id
    listed = client.get(town.url, headers=town.vol[0]).json
    assert [t["id"] for t in listed] == [mine["id"]]
    assert listed[0]["take_url"] is None  # the link is the organizers' to hand out
    assert client.get(town.url, headers=town.vol[1]).json == []
    assert client.get(f"{town.url}/{mine['id']}", headers=town.vol[1]).status_code == 404
    assert client.get(f"{town.url}/{mine['id']}/walk-list", headers=town.vol[1]).status_code == 404
    assert {t["id"] for t in client.get(town.url, headers=town.org).json} == {mine["id"], theirs["id"]}


def test_a_turf_cannot_be_assigned_to_someone_outside_the_campaign(client, town):
    turf = first_turf(town)
    response = client.patch(f"{town.url}/{turf['id']}", json={"holder_id": town.stranger.id}, headers=town.org)
    assert response.status_code == 422 and "holder_id" in response.json["errors"]["json"]


def token_of(turf):
    return turf["take_url"].rsplit("/", 1)[1]


def test_the_take_link_gives_a_free_turf_to_the_first_volunteer_only(client, town):
    turf = first_turf(town)
    taken = client.post(f"{town.url}/take", json={"token": token_of(turf)}, headers=town.vol[0])
    assert taken.status_code == 200 and taken.json["taken"] and taken.json["holder_id"] == town.members[0].id
    assert client.post(f"{town.url}/take", json={"token": token_of(turf)}, headers=town.vol[0]).status_code == 200
    second = client.post(f"{town.url}/take", json={"token": token_of(turf)}, headers=town.vol[1])
    assert second.status_code == 409


def test_a_take_token_works_only_in_its_own_campaign(client, town, auth_headers):
    turf = first_turf(town)
    outsider = auth_headers(town.stranger.user_id)
    response = client.post(f"/api/campaigns/{town.other}/turfs/take", json={"token": token_of(turf)},
                           headers=outsider)
    assert response.status_code == 404


def expire(app, turf_id):
    with app.app_context():
        db.session.execute(update(Turf).where(Turf.id == turf_id).values(
            expires_at=datetime.now(UTC) - timedelta(minutes=1)))
        db.session.commit()


def test_an_expired_turf_cannot_be_taken_nor_downloaded_and_leaves_the_list(app, client, town):
    turf = first_turf(town)
    client.patch(f"{town.url}/{turf['id']}", json={"holder_id": town.members[0].id}, headers=town.org)
    expire(app, turf["id"])
    assert client.post(f"{town.url}/take", json={"token": token_of(turf)}, headers=town.vol[1]).status_code == 410
    assert client.get(f"{town.url}/{turf['id']}/walk-list", headers=town.vol[0]).status_code == 410
    assert client.get(town.url, headers=town.org).json == []
    assert [t["expired"] for t in client.get(town.url, headers=town.org, query_string={"expired": "true"}).json] \
        == [True]
    assert town.cut(precinct="P2").status_code == 201  # its doors are free again


def household_ids(app, campaign_id, *external_ids):
    with app.app_context():
        return [str(db.session.execute(select(Household.public_id).join(Voter, Voter.household_id == Household.id)
                                       .where(Voter.campaign_id == campaign_id, Voter.external_id == e)).scalar_one())
                for e in external_ids]


def test_progress_counts_doors_knocked_and_contacts_from_door_visits(app, client, town):
    turf = first_turf(town)  # Elm Street: seven doors
    phone = Phone(client, town.vol[0], town.id)
    e1, e2, e3 = household_ids(app, town.id, "e1", "e2", "e3")
    now = datetime.now(UTC)
    visits = [(e1, "not_home", now), (e1, "talked", now + timedelta(minutes=5)), (e2, "refused", now),
              (e3, "talked", now - timedelta(days=30))]  # before the turf was cut: not its progress
    response = phone.push(*(phone.op("door_visit", str(uuid.uuid4()), {
        "household_id": household, "result": result, "happened_at": at.isoformat()})
        for household, result, at in visits))
    assert [r["status"] for r in response.json["results"]] == ["applied"] * 4
    [listed] = client.get(town.url, headers=town.org).json
    assert listed["id"] == turf["id"]
    assert listed["progress"] == {"knocked": 2, "contacts": 1, "contact_rate": 0.5}


def test_the_walk_list_orders_doors_and_carries_cards_and_questions(app, client, town):
    turf = first_turf(town, precinct="P1")
    client.patch(f"{town.url}/{turf['id']}", json={"holder_id": town.members[0].id}, headers=town.org)
    response = client.get(f"{town.url}/{turf['id']}/walk-list", headers=town.vol[0])
    assert response.status_code == 200
    doors = response.json["doors"]
    assert [(d["house_number"], d["unit"]) for d in doors] == [
        ("1", ""), ("3", ""), ("5", ""), ("7", ""), ("9", ""),  # up the odd side
        # then the even side from its nearer end (2 is 70 m from 9, 20 is 120 m), a building's units in order
        ("2", ""), ("4", ""), ("6", ""), ("8", ""), ("10", ""), ("20", "APT 1"), ("20", "APT 2"), ("20", "APT 3")]
    three = doors[1]
    assert [v["last_initial"] for v in three["voters"]] == ["L", "L"] and len(three["voters"]) == 2
    assert set(three["voters"][0]) == {"id", "first_name", "last_initial", "age", "city", "priority", "refused"}
    assert response.json["questions"]["issues"] == ["housing", "schools"]
    assert "talked" in response.json["questions"]["results"]
    assert response.headers["ETag"]


def test_the_walk_list_answers_304_until_something_in_it_changes(app, client, town):
    turf = first_turf(town)
    url = f"{town.url}/{turf['id']}/walk-list"
    first = client.get(url, headers=town.org)
    etag = first.headers["ETag"]
    assert client.get(url, headers={**town.org, "If-None-Match": etag}).status_code == 304
    with app.app_context():
        db.session.execute(update(Voter).where(Voter.campaign_id == town.id, Voter.external_id == "e2")
                           .values(first_name="Bea"))
        db.session.commit()
    changed = client.get(url, headers={**town.org, "If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json["version"] != first.json["version"] and changed.headers["ETag"] != etag


def test_the_walk_list_says_who_asked_not_to_be_contacted_and_which_doors_not_to_knock(client, town):
    turf = first_turf(town, precinct="P1")
    url = f"{town.url}/{turf['id']}/walk-list"
    three = client.get(url, headers=town.org).json["doors"][1]
    first, second = (voter["id"] for voter in three["voters"])
    flags = {"no_contact": False, "no_text": False, "no_call": False, "no_email": False, "no_door": True}
    base = town.url.removesuffix("/turfs")
    assert client.put(f"{base}/voters/{first}/contact-preference", json=flags, headers=town.org).status_code == 200
    door = client.get(url, headers=town.org).json["doors"][1]
    assert [v["refused"] for v in door["voters"]] == [["door"], []] and door["do_not_knock"] is False
    client.put(f"{base}/voters/{second}/contact-preference", json={**flags, "no_door": False, "no_contact": True},
               headers=town.org)
    door = client.get(url, headers=town.org).json["doors"][1]
    assert [v["refused"] for v in door["voters"]] == [["door"], ["text", "call", "email", "door"]]
    assert door["do_not_knock"] is True


def test_cuts_at_the_same_moment_never_put_a_door_in_two_turfs(app, town):
    """Two organizers cut the same doors at once (a precinct and its streets, four times over): each door ends in
    one live turf, the cuts that came second say the doors were taken or cut only what was left."""
    import threading

    from sqlalchemy import func

    from server.canvass.models import TurfHousehold

    bodies = [{"precinct": "P1"}, {"streets": [{"street": "OAK AVE", "zip": "27601"}]},
              {"polygon": AROUND_OAK}, {"universe": {}, "count": 2}] * 2
    start, answers = threading.Barrier(len(bodies)), []

    def cut(body):
        client = app.test_client()
        path = town.url + ("/auto" if "universe" in body else "")
        start.wait()
        answers.append(client.post(path, json={"name": "Turf", **body}, headers=town.org))

    threads = [threading.Thread(target=cut, args=(body,)) for body in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted({answer.status_code for answer in answers}) in ([201], [201, 409]), [a.json for a in answers]
    with app.app_context():
        doubled = db.session.execute(select(TurfHousehold.household_id).where(TurfHousehold.campaign_id == town.id)
                                     .group_by(TurfHousehold.household_id).having(func.count() > 1)).all()
    assert doubled == []


def test_deleting_a_turf_frees_its_doors(client, town):
    turf = first_turf(town)
    assert client.delete(f"{town.url}/{turf['id']}", headers=town.org).status_code == 204
    assert town.cut(precinct="P2").status_code == 201


def test_another_campaigns_organizer_cannot_reach_a_turf_by_id(client, town, make_member, auth_headers):
    turf = first_turf(town)
    organizer = auth_headers(make_member(town.other, Role.ORGANIZER).user_id)
    assert client.get(f"/api/campaigns/{town.other}/turfs/{turf['id']}", headers=organizer).status_code == 404
    assert client.get(f"/api/campaigns/{town.other}/turfs", headers=organizer).json == []
