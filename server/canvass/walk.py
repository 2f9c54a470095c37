"""The order a canvasser walks a turf's doors in: a street one side at a time (odd, then even), by house
number, then the next street.

Each street side is a segment walked end to end. With coordinates, segments are chained nearest-first (from the
end of one to the nearer end of the next, walking it in that direction), then a 2-opt pass reverses runs of
segments while that shortens the walk between them. Without coordinates, streets follow in name order, odd side
up and even side back down. Pure and deterministic: the same doors give the same order, whatever order they
come in.
"""

import math
from collections.abc import Hashable, Iterable
from dataclasses import dataclass

from server.canvass.addresses import house_number

EARTH_METRES = 6_371_000


@dataclass(frozen=True)
class Door:
    """A building to knock at. ``street`` and ``number`` as ``addresses.normalise`` gives them."""

    id: Hashable
    street: str
    number: str
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class _Segment:
    """One side of one street: doors in house-number order, and where its two ends are (None without
    coordinates)."""

    key: tuple
    doors: list[Door]
    start: tuple[float, float] | None
    end: tuple[float, float] | None
    reversed: bool = False

    def entry(self):
        return self.end if self.reversed else self.start

    def exit(self):
        return self.start if self.reversed else self.end

    def walked(self) -> list[Door]:
        return self.doors[::-1] if self.reversed else self.doors


def _side(parity: int | None) -> int:
    return {1: 0, 0: 1, None: 2}[parity]  # odd side first, then even, then doors without a number


def _door_order(door: Door):
    number = house_number(door.number)
    return number.sort, number.text, str(door.id)


def _ends(doors: list[Door]):
    """The first and last door that has coordinates."""
    placed = [(d.latitude, d.longitude) for d in doors if d.latitude is not None and d.longitude is not None]
    return (placed[0], placed[-1]) if placed else (None, None)


def _metres(a, b) -> float:
    """Equirectangular distance: within a turf (a few km) it is as good as the great circle, and cheaper."""
    lat = math.radians((a[0] + b[0]) / 2)
    dx = math.radians(b[1] - a[1]) * math.cos(lat)
    dy = math.radians(b[0] - a[0])
    return EARTH_METRES * math.hypot(dx, dy)


def segments(doors: Iterable[Door]) -> list[_Segment]:
    """Doors grouped by street side, each side in house-number order, the sides in street-name order."""
    sides: dict[tuple, list[Door]] = {}
    for door in doors:
        sides.setdefault((door.street, _side(house_number(door.number).parity)), []).append(door)
    result = []
    for key in sorted(sides):
        ordered = sorted(sides[key], key=_door_order)
        result.append(_Segment(key, ordered, *_ends(ordered)))
    return result


def walk_order(doors: Iterable[Door]) -> list[Door]:
    """Every door once, in the order to knock."""
    parts = segments(doors)
    placed = [s for s in parts if s.start is not None]
    unplaced = [s for s in parts if s.start is None]
    if not placed:
        _serpentine(unplaced)
        return [door for segment in unplaced for door in segment.walked()]
    route = _two_opt(_chain(placed))
    _serpentine(unplaced)  # streets nobody could place go last, in name order
    return [door for segment in route + unplaced for door in segment.walked()]


def _serpentine(parts: list[_Segment]) -> None:
    """Up the odd side, back down the even side of the same street."""
    for segment in parts:
        segment.reversed = segment.key[1] == 1


def _chain(parts: list[_Segment]) -> list[_Segment]:
    """Greedy: start with the first street's first side, then always the nearest unvisited segment end."""
    route, left = [parts[0]], parts[1:]
    while left:
        here = route[-1].exit()
        best, flip = min(((s, flip) for s in left for flip in (False, True)),
                         key=lambda c: (_metres(here, c[0].end if c[1] else c[0].start), c[0].key, c[1]))
        best.reversed = flip
        route.append(best)
        left.remove(best)
    return route


def _gap(a: _Segment, b: _Segment) -> float:
    return _metres(a.exit(), b.entry())


def _two_opt(route: list[_Segment]) -> list[_Segment]:
    """Reverse a run of segments (and the direction each is walked) while that shortens the walk between them;
    the first segment stays first, so the walk starts where the chain did."""
    improved = True
    while improved:
        improved = False
        for i in range(1, len(route) - 1):
            for j in range(i + 1, len(route)):
                before = _gap(route[i - 1], route[i]) + (_gap(route[j], route[j + 1]) if j + 1 < len(route) else 0)
                run = route[i:j + 1][::-1]
                for segment in run:
                    segment.reversed = not segment.reversed
                after = _gap(route[i - 1], run[0]) + (_gap(run[-1], route[j + 1]) if j + 1 < len(route) else 0)
                if after < before - 1e-6:
                    route[i:j + 1] = run
                    improved = True
                else:
                    for segment in run:
                        segment.reversed = not segment.reversed
    return route


def route_metres(doors: list[Door]) -> float:
    """How far a canvasser walks door to door in this order (doors without coordinates are skipped)."""
    placed = [(d.latitude, d.longitude) for d in doors if d.latitude is not None and d.longitude is not None]
    return sum(_metres(a, b) for a, b in zip(placed, placed[1:], strict=False))
