"""Hybrid logical clocks (Kulkarni et al. 2014, as in actual's ``crdt/timestamp.ts``), values in and out.

A stamp is (wall time in ms, counter, node). It follows the wall clock when the clock moves forward, and a
counter when the clock stutters or goes back, so a device never stamps two edits alike and never stamps an
edit earlier than one it has already seen. The node is the device id, so stamps from two devices never tie.
The caller keeps the clock (the phone in IndexedDB) and passes the time in: nothing here reads a clock.
"""

import re
from dataclasses import dataclass

from sync.errors import ClockDriftError, CounterOverflow

MAX_COUNTER = 0xFFFF
# Generous enough for a phone whose clock was set by hand an hour off; small enough that a wrong clock can
# neither win every later edit for long nor run a counter out.
MAX_DRIFT_MS = 60 * 60 * 1000

_NODE = r"[0-9A-Za-z_-]{1,64}"
ENCODED = re.compile(rf"([0-9]{{15}})-([0-9]{{5}})-({_NODE})")


@dataclass(frozen=True, order=True)
class Stamp:
    """Ordered by (wall_ms, counter, node), exactly as their encodings sort as strings."""

    wall_ms: int
    counter: int
    node: str

    def __post_init__(self):
        if not (0 <= self.wall_ms < 10**15 and 0 <= self.counter <= MAX_COUNTER and re.fullmatch(_NODE, self.node)):
            raise ValueError(f"Not a hybrid logical clock stamp: {self!r}")

    def encode(self) -> str:
        """Fixed width, so that string order is stamp order (a database can sort and compare them as text)."""
        return f"{self.wall_ms:015d}-{self.counter:05d}-{self.node}"

    @classmethod
    def decode(cls, text: object) -> "Stamp":
        match = ENCODED.fullmatch(text) if isinstance(text, str) else None
        if not match or int(match[2]) > MAX_COUNTER:  # the same words, not the repr __post_init__ would give
            raise ValueError("Not a hybrid logical clock stamp.")
        return cls(int(match[1]), int(match[2]), match[3])


def check_drift(stamp: Stamp, now_ms: int) -> None:
    """Refuse a stamp from a clock that runs more than MAX_DRIFT_MS ahead of ``now_ms``."""
    if stamp.wall_ms - now_ms > MAX_DRIFT_MS:
        raise ClockDriftError(f"The stamp is {stamp.wall_ms - now_ms} ms ahead of this clock "
                              f"(at most {MAX_DRIFT_MS} ms allowed).")


def _tick(clock: Stamp, wall_ms: int, counter: int, now_ms: int) -> Stamp:
    if counter > MAX_COUNTER:
        raise CounterOverflow("More than 65536 stamps within one millisecond of logical time.")
    stamp = Stamp(wall_ms, counter, clock.node)
    check_drift(stamp, now_ms)  # this clock itself has run too far ahead of the wall clock
    return stamp


def send(clock: Stamp, now_ms: int) -> tuple[Stamp, Stamp]:
    """Stamp a local edit: return the advanced clock (to keep) and the stamp (to put on the op); they are equal."""
    wall = max(clock.wall_ms, now_ms)
    stamp = _tick(clock, wall, clock.counter + 1 if wall == clock.wall_ms else 0, now_ms)
    return stamp, stamp


def receive(clock: Stamp, remote: Stamp, now_ms: int) -> Stamp:
    """Merge a stamp seen from elsewhere, so this device's next stamps sort after it; return the new clock."""
    check_drift(remote, now_ms)
    wall = max(clock.wall_ms, remote.wall_ms, now_ms)
    if wall == clock.wall_ms == remote.wall_ms:
        counter = max(clock.counter, remote.counter) + 1
    elif wall == clock.wall_ms:
        counter = clock.counter + 1
    elif wall == remote.wall_ms:
        counter = remote.counter + 1
    else:
        counter = 0
    return _tick(clock, wall, counter, now_ms)
