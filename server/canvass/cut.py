"""Cutting a universe of doors into turfs of about the same size, each a compact piece of the map (pure).

A building is never split: its doors (households) go to one turf together. With coordinates, the buildings are
cut by recursive bisection: the set is split across its longer side (north-south or east-west, in metres) at the
building where the running door count reaches the share of the turfs on the first side, and each side is cut
again, so every turf is a block of neighbours and the door counts differ by at most about one building. Buildings
without coordinates take the mean point of their street (the same street and ZIP) where it has placed buildings;
if some are still without, the whole universe is cut in street order instead (by ZIP, street, odd side then even,
house number), into consecutive runs of about the same door count.

Deterministic: the same buildings give the same turfs, whatever order they come in.
"""

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, replace

from server.canvass.addresses import house_number


@dataclass(frozen=True)
class Place:
    """A building of the universe, with how many of its doors (households) are in it."""

    id: Hashable
    street: str
    zip: str
    number: str
    doors: int
    latitude: float | None = None
    longitude: float | None = None


class TooFewDoors(ValueError):
    """More turfs were asked for than there are buildings to put in them."""


def cut(places: Iterable[Place], count: int) -> list[list[Place]]:
    """``count`` groups of places with balanced door counts, in map order (or street order)."""
    places = sorted(places, key=_street_order)  # ties on the map are broken by this order
    if count < 1 or count > len(places):
        raise TooFewDoors(f"{len(places)} buildings cannot make {count} turfs.")
    placed = _place_by_street(places)
    if all(p.latitude is not None for p in placed):
        return _bisect(placed, count)
    return _runs(places, count)


def balance(groups: list[list[Place]]) -> float:
    """The largest group's doors over the smallest's (1.0 is perfect)."""
    sizes = [sum(p.doors for p in group) for group in groups]
    return max(sizes) / min(sizes) if sizes and min(sizes) else math.inf


def _street_order(place: Place):
    number = house_number(place.number)
    side = {1: 0, 0: 1, None: 2}[number.parity]
    return place.zip, place.street, side, number.sort, number.text, str(place.id)


def _place_by_street(places: list[Place]) -> list[Place]:
    """Places without coordinates at the mean point of their street's placed buildings, where it has any."""
    points: dict[tuple, list[tuple[float, float]]] = {}
    for p in places:
        if p.latitude is not None and p.longitude is not None:
            points.setdefault((p.zip, p.street), []).append((p.latitude, p.longitude))
    out = []
    for p in places:
        if p.latitude is None or p.longitude is None:
            street = points.get((p.zip, p.street))
            if street:
                p = replace(p, latitude=sum(a for a, _ in street) / len(street),
                            longitude=sum(b for _, b in street) / len(street))
        out.append(p)
    return out


def _bisect(places: list[Place], count: int) -> list[list[Place]]:
    """``places`` come in street order; a place's index there breaks ties between equal coordinates."""
    lat = [p.latitude for p in places]
    lon = [p.longitude for p in places]
    doors = [p.doors for p in places]
    groups: list[list[int]] = []

    def split(indices: list[int], count: int) -> None:
        if count == 1:
            groups.append(indices)
            return
        first = count // 2
        lats, lons = [lat[i] for i in indices], [lon[i] for i in indices]
        north_south = max(lats) - min(lats)
        east_west = (max(lons) - min(lons)) * math.cos(math.radians((max(lats) + min(lats)) / 2))
        along, across = (lat, lon) if north_south >= east_west else (lon, lat)
        ordered = sorted(indices, key=lambda i: (along[i], across[i], i))
        target = sum(doors[i] for i in ordered) * first / count
        at = _split_at([doors[i] for i in ordered], target, first, count - first)
        split(ordered[:at], first)
        split(ordered[at:], count - first)

    split(list(range(len(places))), count)
    return [[places[i] for i in group] for group in groups]


def _split_at(doors: list[int], target: float, left: int, right: int) -> int:
    """The index whose running door count is nearest ``target``, leaving each side at least as many buildings as
    it has turfs to make."""
    running, best, best_gap = 0, left, math.inf
    for index, count in enumerate(doors[:len(doors) - right], start=1):
        running += count
        if index >= left and abs(running - target) < best_gap:
            best, best_gap = index, abs(running - target)
        if running > target:
            break
    return best


def _runs(ordered: list[Place], count: int) -> list[list[Place]]:
    """Consecutive runs of the street order, each ending where the running count is nearest its share."""
    total = sum(p.doors for p in ordered)
    groups, start, running = [], 0, 0
    for turf in range(1, count):
        target = total * turf / count
        end, best_gap = start + 1, math.inf
        running_here = running
        for index in range(start, len(ordered) - (count - turf)):
            running_here += ordered[index].doors
            gap = abs(running_here - target)
            if gap < best_gap:
                end, best_gap = index + 1, gap
            if running_here > target:
                break
        running += sum(p.doors for p in ordered[start:end])
        groups.append(ordered[start:end])
        start = end
    groups.append(ordered[start:])
    return groups
