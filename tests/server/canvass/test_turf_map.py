"""The console's turf map through the API: the campaign's doors by building with how many are free, the doors not
on the map counted, and each live turf's outline (its polygon, or the hull of its buildings). Organizers only, and
only the caller's campaign. On SQLite and PostgreSQL."""

import shapely
from shapely.geometry import shape

from server.campaigns.models import Role
from tests.server.canvass import test_turfs
from tests.server.canvass.test_turfs import AROUND_OAK, expire

town = test_turfs.town  # the same campaign of Oak and Elm as the turf tests


def the_map(client, town):
    """The map's answer, its buildings read back from their columns into one dict each."""
    response = client.get(f"{town.url}/map", headers=town.org)
    assert response.status_code == 200, response.json
    answer = response.json
    columns, streets = answer.pop("buildings"), answer.pop("streets")
    assert len(set(streets)) == len(streets)  # each street name once
    assert len({len(column) for column in columns.values()}) == 1  # a building is the n-th of every column
    rows = [dict(zip(columns, row, strict=True)) for row in zip(*columns.values(), strict=True)]
    answer["buildings"] = [row | {"street": streets[row["street"]]} for row in rows]
    return answer


def test_the_map_has_every_door_by_building_and_counts_the_ones_without_coordinates(client, town):
    answer = the_map(client, town)
    # Oak: ten houses (3 Oak holds a couple, one door), 20 Oak's three apartments; Elm: six placed, 7 Elm not
    assert len(answer["buildings"]) == 10 + 1 + 6
    assert sum(b["doors"] for b in answer["buildings"]) == 10 + 3 + 6
    assert answer["unplaced"] == 1
    apartments = next(b for b in answer["buildings"] if b["latitude"] == 35.782)
    assert apartments == {"latitude": 35.782, "longitude": -78.64, "street": "OAK AVE", "doors": 3, "free": 3}
    assert answer["turfs"] == []


def test_a_turf_cut_by_polygon_is_outlined_by_its_polygon_and_its_doors_are_no_longer_free(client, town):
    turf = town.cut(polygon=AROUND_OAK).json["turfs"][0]
    answer = the_map(client, town)
    assert answer["turfs"] == [{"id": turf["id"], "outline": AROUND_OAK}]
    oak = [b for b in answer["buildings"] if b["longitude"] == -78.64]
    elm = [b for b in answer["buildings"] if b["longitude"] == -78.638]
    assert {b["free"] for b in oak} == {0} and all(b["free"] == b["doors"] == 1 for b in elm)


def test_a_turf_cut_by_precinct_is_outlined_by_the_hull_of_its_buildings(client, town):
    turf = town.cut(precinct="P2").json["turfs"][0]  # Elm: six placed doors in a line, and 7 Elm unplaced
    [drawn] = the_map(client, town)["turfs"]
    assert drawn["id"] == turf["id"]
    outline = shape(drawn["outline"])
    assert outline.geom_type == "Polygon"
    assert all(outline.contains(shapely.Point(-78.638, 35.78 + n * 1e-4)) for n in range(1, 7))
    assert not outline.contains(shapely.Point(-78.64, 35.7801))  # Oak, 200 m west, is not in it


AROUND_ELM = {"type": "Polygon", "coordinates": [[[-78.6385, 35.7795], [-78.6375, 35.7795], [-78.6375, 35.7825],
                                                  [-78.6385, 35.7825], [-78.6385, 35.7795]]]}


def test_a_turf_without_placed_doors_has_no_outline_and_an_expired_turf_is_not_drawn(app, client, town):
    placed = town.cut(polygon=AROUND_ELM).json["turfs"][0]
    unplaced = client.post(town.url, json={"name": "Elm 7", "streets": [{"street": "ELM ST", "zip": "27601"}]},
                           headers=town.org).json["turfs"][0]
    assert unplaced["doors"] == 1  # 7 Elm, the one door there without coordinates
    assert the_map(client, town)["turfs"] == [{"id": placed["id"], "outline": AROUND_ELM},
                                              {"id": unplaced["id"], "outline": None}]
    expire(app, placed["id"])
    answer = the_map(client, town)
    assert [t["id"] for t in answer["turfs"]] == [unplaced["id"]]
    assert all(b["free"] == b["doors"] for b in answer["buildings"])  # an expired turf's doors are free again


def test_the_map_shows_only_the_callers_campaign_and_refuses_volunteers(client, town, make_member, auth_headers):
    town.cut(polygon=AROUND_OAK)
    other_organizer = auth_headers(make_member(town.other, Role.ORGANIZER).user_id)
    other = client.get(f"/api/campaigns/{town.other}/turfs/map", headers=other_organizer).json
    assert other["turfs"] == [] and other["buildings"]["free"] == other["buildings"]["doors"]
    assert client.get(f"{town.url}/map", headers=other_organizer).status_code == 404
    assert client.get(f"{town.url}/map", headers=town.vol[0]).status_code == 403
