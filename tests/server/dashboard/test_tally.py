"""A voter's progress moved on by new conversations (what a push computes from the stored row alone) is the
progress of all their conversations counted from scratch (what a rebuild computes)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from server.dashboard import tally

ZONE = ZoneInfo("America/New_York")
START = datetime(2026, 10, 1, 12, tzinfo=UTC)

# few volunteers, hours and days, so that ties of time, volunteer and follow-up day are common
conversation = st.builds(
    lambda volunteer, hour, support, method, follow_up: (volunteer, START + timedelta(hours=hour), support, method,
                                                         follow_up),
    st.integers(1, 3), st.integers(0, 72), st.none() | st.integers(1, 5),
    st.sampled_from([None, "undecided", "mail", "early_in_person", "election_day"]),
    st.none() | st.integers(0, 3).map(lambda n: date(2026, 10, 10) + timedelta(days=n)))


def convs(rows, first_record_id=1):
    return [tally.Conv(volunteer, 7, at, "call", support, method, (), follow_up, False, first_record_id + n)
            for n, (volunteer, at, support, method, follow_up) in enumerate(rows)]


@settings(max_examples=300, derandomize=True, deadline=None)
@given(before=st.lists(conversation, max_size=8), pushes=st.lists(st.lists(conversation, min_size=1, max_size=4),
                                                                  min_size=1, max_size=3))
def test_new_conversations_move_progress_on_as_a_recount_would(before, pushes):
    logged = convs(before)
    state = tally.progress(logged, False, ZONE)
    for rows in pushes:
        added = convs(rows, first_record_id=len(logged) + 1)
        logged += added
        state = tally.progress_with(state, added, False, ZONE)
        assert state == tally.progress(logged, False, ZONE)


def test_a_later_conversation_without_a_follow_up_closes_that_volunteers_follow_up():
    first = convs([(1, START, 2, None, date(2026, 10, 9))])
    state = tally.progress(first, False, ZONE)
    assert state.follow_ups == ((1, date(2026, 10, 9)),)
    later = convs([(1, START + timedelta(days=1), None, None, None)], first_record_id=2)
    assert tally.progress_with(state, later, False, ZONE).follow_ups == ()
    assert tally.progress_with(state, later, False, ZONE).support == 2  # the latest support given stays
