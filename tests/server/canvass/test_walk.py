"""Walk order: one side of a street at a time, by house number, and the next street the nearest one."""

import random

from server.canvass.walk import Door, route_metres, walk_order

METRE = 1 / 111_000  # about a metre of latitude, in degrees


def numbers(doors):
    return [f"{d.street} {d.number}" for d in doors]


def test_without_coordinates_each_street_goes_up_the_odd_side_and_back_down_the_even():
    doors = [Door(n, street, str(n)) for street in ("OAK AVE", "ELM ST") for n in (1, 2, 3, 4, 5, 6)]
    assert numbers(walk_order(doors)) == [
        "ELM ST 1", "ELM ST 3", "ELM ST 5", "ELM ST 6", "ELM ST 4", "ELM ST 2",
        "OAK AVE 1", "OAK AVE 3", "OAK AVE 5", "OAK AVE 6", "OAK AVE 4", "OAK AVE 2",
    ]


def test_odd_addresses_keep_their_place_on_their_side():
    doors = [Door(n, "MAIN ST", n) for n in ("14", "12 1/2", "12B", "12", "13", "W123N4567", "")]
    assert numbers(walk_order(doors)) == [
        "MAIN ST 13", "MAIN ST W123N4567",  # odd side up (the grid address's 4567 is odd)
        "MAIN ST 14", "MAIN ST 12 1/2", "MAIN ST 12B", "MAIN ST 12",  # even side back down (12, 12B, 12 1/2 up)
        "MAIN ST ",  # a door without a number last
    ]


def test_the_order_does_not_depend_on_the_order_doors_come_in():
    doors = [Door(f"{street}-{n}", street, str(n), 35.0 + n * METRE * 10, -78.0 + s * METRE * 300)
             for s, street in enumerate(("A ST", "B ST", "C ST", "D ST")) for n in range(1, 21)]
    expected = walk_order(doors)
    for seed in range(5):
        shuffled = doors[:]
        random.Random(seed).shuffle(shuffled)
        assert walk_order(shuffled) == expected


def street(name, *, lat0, lon0, dlat, dlon, count=10):
    """Doors along a straight street, odd and even sides, numbered from its (lat0, lon0) end."""
    return [Door(f"{name}-{n}", name, str(n), lat0 + dlat * n * METRE, lon0 + dlon * n * METRE)
            for n in range(1, count + 1)]


def test_streets_are_chained_nearest_first_where_coordinates_exist():
    # A ST runs east from the origin; Z ST starts where A ST ends; M ST is 2 km away. By name the walk would
    # be A, M, Z; nearest-first it is A, Z, M.
    doors = (street("A ST", lat0=0, lon0=0, dlat=0, dlon=10)
             + street("Z ST", lat0=0, lon0=110 * METRE, dlat=10, dlon=0)
             + street("M ST", lat0=2000 * METRE, lon0=0, dlat=0, dlon=10))
    order = [d.street for d in walk_order(doors)]
    assert [s for i, s in enumerate(order) if i == 0 or order[i - 1] != s] == ["A ST", "Z ST", "M ST"]


def test_each_side_is_walked_whole_and_in_number_order_one_way_or_the_other():
    doors = street("A ST", lat0=0, lon0=0, dlat=0, dlon=10) + street("B ST", lat0=50 * METRE, lon0=0, dlat=0,
                                                                      dlon=10)
    order = walk_order(doors)
    runs = {}
    for door in order:
        runs.setdefault((door.street, int(door.number) % 2), []).append(int(door.number))
    for walked in runs.values():
        assert walked in (sorted(walked), sorted(walked, reverse=True))
    # a side is never left and come back to
    sides = [(d.street, int(d.number) % 2) for d in order]
    assert len([i for i in range(len(sides)) if i == 0 or sides[i] != sides[i - 1]]) == 4


def test_the_two_opt_pass_never_makes_the_walk_longer_than_street_order():
    rng = random.Random(7)
    doors = []
    for s in range(12):
        lat0, lon0 = rng.uniform(0, 1500) * METRE, rng.uniform(0, 1500) * METRE
        doors += street(f"S{s:02d} ST", lat0=lat0, lon0=lon0, dlat=rng.choice((0, 8)), dlon=rng.choice((0, 8)))
    by_name = [d for d in sorted(doors, key=lambda d: (d.street, int(d.number) % 2 == 0, int(d.number)))]
    assert route_metres(walk_order(doors)) < route_metres(by_name) * 0.8


def test_streets_without_coordinates_follow_the_placed_ones_in_name_order():
    placed = street("B ST", lat0=0, lon0=0, dlat=0, dlon=10, count=4)
    doors = placed + [Door("a1", "A ST", "1"), Door("c1", "C ST", "1")]
    assert [d.street for d in walk_order(doors)][-2:] == ["A ST", "C ST"]


def test_every_door_comes_out_once():
    rng = random.Random(3)
    doors = [Door(i, f"S{rng.randrange(30)} ST", str(rng.randrange(1, 400)), rng.uniform(0, .01), rng.uniform(0, .01))
             for i in range(1000)]
    assert sorted(d.id for d in walk_order(doors)) == list(range(1000))
