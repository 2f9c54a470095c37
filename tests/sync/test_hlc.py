"""Hybrid logical clocks, after the cases in actual's crdt/timestamp.test.ts, with time passed in."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import hlc
from sync.errors import ClockDriftError, CounterOverflow
from sync.hlc import MAX_COUNTER, MAX_DRIFT_MS, Stamp

ZERO = Stamp(0, 0, "1")
stamps = st.builds(Stamp, st.integers(0, 10**15 - 1), st.integers(0, MAX_COUNTER),
                   st.from_regex(r"[0-9A-Za-z_-]{1,64}", fullmatch=True))


def sends(clock, times):
    out = []
    for now in times:
        clock, stamp = hlc.send(clock, now)
        out.append((stamp.wall_ms, stamp.counter))
    return out


def receives(clock, events):
    out = []
    for now, remote in events:
        clock = hlc.receive(clock, Stamp(*remote, "2"), now)
        assert clock.node == "1"
        out.append((clock.wall_ms, clock.counter))
    return out


def test_send_returns_the_new_clock_as_the_stamp():
    clock, stamp = hlc.send(ZERO, 10)
    assert clock == stamp == Stamp(10, 0, "1")


def test_send_follows_a_monotonic_clock():
    assert sends(ZERO, [10, 11, 12]) == [(10, 0), (11, 0), (12, 0)]


def test_send_counts_through_a_stuttering_clock():
    assert sends(ZERO, [20, 20, 20, 21]) == [(20, 0), (20, 1), (20, 2), (21, 0)]


def test_send_never_goes_back_with_a_regressing_clock():
    assert sends(ZERO, [30, 29, 29, 31]) == [(30, 0), (30, 1), (30, 2), (31, 0)]


def test_send_refuses_to_overflow_the_counter():
    clock, _ = hlc.send(Stamp(40, MAX_COUNTER - 1, "1"), 40)
    assert clock.counter == MAX_COUNTER
    with pytest.raises(CounterOverflow):
        hlc.send(clock, 40)


def test_send_refuses_a_clock_that_ran_too_far_ahead_of_the_wall():
    clock = Stamp(10**9, 0, "1")
    assert hlc.send(clock, 10**9 - MAX_DRIFT_MS)[1] == Stamp(10**9, 1, "1")
    with pytest.raises(ClockDriftError):
        hlc.send(clock, 10**9 - MAX_DRIFT_MS - 1)


def test_receive_with_a_global_monotonic_clock():
    assert receives(ZERO, [(52, (51, 0)), (54, (53, 0)), (56, (55, 0))]) == [(52, 0), (54, 0), (56, 0)]


def test_receive_with_a_global_stuttering_clock():
    events = [(61, (62, 0)), (62, (62, 1)), (62, (62, 2)), (63, (62, 4))]
    assert receives(ZERO, events) == [(62, 1), (62, 2), (62, 3), (63, 0)]


def test_receive_with_a_local_stuttering_clock():
    assert receives(ZERO, [(73, (71, 0)), (73, (72, 0)), (74, (73, 0))]) == [(73, 0), (73, 1), (74, 0)]


def test_receive_with_a_remote_stuttering_clock():
    events = [(81, (83, 0)), (82, (83, 1)), (83, (83, 2)), (84, (83, 3))]
    assert receives(ZERO, events) == [(83, 1), (83, 2), (83, 3), (84, 0)]


def test_receive_with_a_local_regressing_clock():
    assert receives(ZERO, [(93, (91, 0)), (92, (92, 0)), (91, (93, 0))]) == [(93, 0), (93, 1), (93, 2)]


def test_receive_with_a_remote_regressing_clock():
    events = [(101, (103, 0)), (102, (102, 0)), (103, (101, 0))]
    assert receives(ZERO, events) == [(103, 1), (103, 2), (103, 3)]


def test_receive_refuses_a_remote_stamp_too_far_ahead():
    assert hlc.receive(ZERO, Stamp(MAX_DRIFT_MS + 5, 0, "2"), 5) == Stamp(MAX_DRIFT_MS + 5, 1, "1")
    with pytest.raises(ClockDriftError):
        hlc.receive(ZERO, Stamp(MAX_DRIFT_MS + 6, 0, "2"), 5)


def test_receive_refuses_to_overflow_the_counter():
    with pytest.raises(CounterOverflow):
        hlc.receive(ZERO, Stamp(50, MAX_COUNTER, "2"), 50)


@given(stamps, stamps)
def test_encoded_stamps_sort_like_stamps(a, b):
    assert (a < b) == (a.encode() < b.encode())
    assert (a == b) == (a.encode() == b.encode())


@given(stamps)
def test_decode_reverses_encode(stamp):
    assert Stamp.decode(stamp.encode()) == stamp


def test_encoding_is_fixed_width():
    assert Stamp(1732700000000, 7, "dev").encode() == "001732700000000-00007-dev"


@pytest.mark.parametrize("text", [
    None, 42, [], "", " ", "0", "invalid", "1732700000000-00007-dev", "001732700000000-7-dev",
    "001732700000000-00007-", "001732700000000-65536-dev", "-01732700000000-00007-dev",
    "001732700000000-00007-dev ", "001732700000000-00007-d v", "٠٠١٧٣٢٧٠٠٠٠٠٠٠٠-00007-dev",
])
def test_decode_refuses_what_is_not_a_stamp(text):
    with pytest.raises(ValueError, match="Not a hybrid logical clock stamp"):
        Stamp.decode(text)


@pytest.mark.parametrize("args", [(-1, 0, "n"), (10**15, 0, "n"), (0, -1, "n"), (0, MAX_COUNTER + 1, "n"), (0, 0, "")])
def test_stamps_out_of_range_cannot_be_made(args):
    with pytest.raises(ValueError):
        Stamp(*args)


@settings(max_examples=200)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 10**6), stamps.filter(lambda s: s.wall_ms < 10**6)),
                max_size=30))
def test_a_clock_only_moves_forward_and_passes_every_stamp_it_saw(events):
    clock = Stamp(0, 0, "me")
    for is_send, now, remote in events:
        try:
            new = hlc.send(clock, now)[0] if is_send else hlc.receive(clock, remote, now)
        except (ClockDriftError, CounterOverflow):
            continue
        assert new > clock
        assert is_send or (new.wall_ms, new.counter) > (remote.wall_ms, remote.counter)
        clock = new
