"""Cutting turfs of balanced door counts: with coordinates (map blocks), without (street runs), and never splitting
a building."""

import random

import pytest

from server.canvass.cut import Place, TooFewDoors, balance, cut


def grid(count, seed=7, apartments=True):
    """Buildings on a jittered grid around Raleigh, one in 25 an apartment building of 2 to 12 doors."""
    rng = random.Random(seed)
    places = []
    for i in range(count):
        doors = rng.randint(2, 12) if apartments and rng.random() < 0.04 else 1
        places.append(Place(i, f"STREET {i // 40}", "27601", str(2 + 2 * (i % 40) + (i // 20) % 2), doors,
                            35.77 + (i // 40) * 0.0009 + rng.uniform(-1e-4, 1e-4),
                            -78.64 + (i % 40) * 0.0007 + rng.uniform(-1e-4, 1e-4)))
    return places


def test_turfs_cut_from_coordinates_have_door_counts_within_15_percent():
    groups = cut(grid(5000), 40)
    assert len(groups) == 40
    assert balance(groups) <= 1.15


def test_every_building_goes_to_exactly_one_turf_whole():
    places = grid(2000)
    groups = cut(places, 13)
    assert sorted(p.id for group in groups for p in group) == sorted(p.id for p in places)


def test_a_turf_is_a_block_of_neighbours_not_scattered_doors():
    groups = cut(grid(4000, apartments=False), 16)
    for group in groups:  # 4,000 buildings in a 100 x 40 grid: each sixteenth spans a fraction of the map
        lats = [p.latitude for p in group]
        lons = [p.longitude for p in group]
        assert (max(lats) - min(lats)) * (max(lons) - min(lons)) < 0.09 * 0.028 / 4


def test_the_same_buildings_give_the_same_turfs_in_any_order():
    places = grid(1500)
    shuffled = places[:]
    random.Random(3).shuffle(shuffled)
    assert [[p.id for p in g] for g in cut(places, 9)] == [[p.id for p in g] for g in cut(shuffled, 9)]


def test_without_coordinates_turfs_are_balanced_runs_of_street_order():
    places = [Place(i, f"{'ABCDEFGH'[i % 8]} ST", "27601", str(i), 1 + (i % 7 == 0) * 3) for i in range(800)]
    groups = cut(places, 10)
    assert balance(groups) <= 1.15
    streets = [[p.street for p in group] for group in groups]
    assert [s for group in streets for s in group] == sorted(s for group in streets for s in group)


def test_a_building_without_coordinates_takes_its_streets_mean_point():
    places = grid(400)
    places[5] = Place(5, places[5].street, "27601", "99", 1)  # on a placed street: still cut by the map
    groups = cut(places, 4)
    assert balance(groups) <= 1.15
    assert any(p.id == 5 and p.latitude is not None for group in groups for p in group)


def test_more_turfs_than_buildings_is_refused():
    with pytest.raises(TooFewDoors):
        cut(grid(3), 4)
