"""The due-time arithmetic (helpdesk/working_time.py): properties that hold for any
timetable, zone, closed days and pauses (hypothesis), and the cases a desk meets."""
from datetime import date, datetime, time, timedelta

import holidays
import pytest
from hypothesis import assume, given, settings, strategies as st

from helpdesk.working_time import (NEVER, WIB, WIT, WITA, Calendar, add, is_working,
                                   measure)

HOUR = 3600
MICRO = timedelta(microseconds=1)


def utc(text, offset=7):
    """A local time ("2027-01-08 15:30") at UTC+``offset`` as naive UTC."""
    return datetime.fromisoformat(text) - timedelta(hours=offset)


def idul_fitri_2027():
    """The calendar of 2027 as imported from the holidays package, with the cuti bersama
    around Idul Fitri (10 and 11 March) added by hand: Tuesday 9 and Friday 12 March."""
    days = set(holidays.Indonesia(years=2027)) | {date(2027, 3, 9), date(2027, 3, 12)}
    return Calendar(closed=frozenset(days))


# -- the cases ---------------------------------------------------------------------------

@pytest.mark.parametrize("opened, seconds, calendar, pauses, due", [
    # Friday 15.30 + 8 working hours: half an hour on Friday, 7.5 on Monday
    ("2027-01-08 15:30", 8 * HOUR, Calendar(), (), "2027-01-11 15:30"),
    # the same, around the clock
    ("2027-01-08 15:30", 8 * HOUR, None, (), "2027-01-08 23:30"),
    ("2027-01-08 15:30", 48 * HOUR, None, (), "2027-01-10 15:30"),
    # opened on a holiday (Independence Day, a Tuesday): counted from Wednesday 08.00
    ("2027-08-17 10:00", 8 * HOUR, idul_fitri_2027(), (), "2027-08-18 16:00"),
    ("2027-08-17 10:00", 0, idul_fitri_2027(), (), "2027-08-18 08:00"),
    # across Nyepi (8 March), Idul Fitri (10-11) and its cuti bersama (9, 12): two hours on
    # Friday 5 March, the other six on Monday 15 March
    ("2027-03-05 14:00", 8 * HOUR, idul_fitri_2027(), (), "2027-03-15 14:00"),
    ("2027-03-05 14:00", 8 * HOUR, Calendar(), (), "2027-03-08 14:00"),
    # opened in the evening: the first working moment is the next morning
    ("2027-01-06 20:00", 0, Calendar(), (), "2027-01-07 08:00"),
    ("2027-01-06 20:00", 1, Calendar(), (), "2027-01-07 08:00:01"),
    # the end of a working day is the answer, not the next morning
    ("2027-01-06 08:00", 8 * HOUR, Calendar(), (), "2027-01-06 16:00"),
    # paused Friday 10.00 to Monday 10.00 around the clock: the weekend does not count
    ("2027-01-07 10:00", 48 * HOUR, None,
     (("2027-01-08 10:00", "2027-01-11 10:00"),), "2027-01-12 10:00"),
    # paused Friday 15.00 to Monday 09.00 in working time: Friday's last hour and Monday's
    # first do not count
    ("2027-01-08 14:00", 8 * HOUR, Calendar(),
     (("2027-01-08 15:00", "2027-01-11 09:00"),), "2027-01-11 16:00"),
    # two overlapping pauses count once
    ("2027-01-06 08:00", 4 * HOUR, Calendar(),
     (("2027-01-06 09:00", "2027-01-06 11:00"), ("2027-01-06 10:00", "2027-01-06 12:00")),
     "2027-01-06 15:00"),
])
def test_due_times(opened, seconds, calendar, pauses, due):
    pauses = [(utc(low), utc(high)) for low, high in pauses]
    assert add(calendar, utc(opened), seconds, pauses) == utc(due)
    assert measure(calendar, utc(opened), utc(due), pauses) == seconds


def test_other_zones_keep_local_hours():
    """Friday 15.30 + 8 working hours is Monday 15.30 local time in WITA and WIT too."""
    for zone, offset in ((WITA, 8), (WIT, 9)):
        calendar = Calendar(zone=zone)
        assert add(calendar, utc("2027-01-08 15:30", offset), 8 * HOUR) == \
            utc("2027-01-11 15:30", offset)
        assert is_working(calendar, utc("2027-01-08 08:00", offset))
        assert not is_working(calendar, utc("2027-01-08 07:59", offset))


def test_an_open_pause_stops_the_clock():
    opened = utc("2027-01-06 08:00")
    paused = [(utc("2027-01-06 09:00"), None)]
    assert add(Calendar(), opened, 2 * HOUR, paused) == NEVER
    assert add(None, opened, 2 * HOUR, paused) == NEVER
    # what was used up before the pause still counts, and nothing after it
    assert measure(Calendar(), opened, utc("2027-02-01 12:00"), paused) == HOUR
    # a pause that begins after the due time changes nothing
    assert add(Calendar(), opened, HOUR / 2, paused) == utc("2027-01-06 08:30")


def test_measure_of_nothing_is_nothing():
    moment = utc("2027-01-06 10:00")
    assert measure(Calendar(), moment, moment) == measure(None, moment, moment - MICRO) == 0
    assert measure(Calendar(), utc("2027-01-09 08:00"), utc("2027-01-10 20:00")) == 0


def test_a_calendar_checks_its_shape():
    with pytest.raises(ValueError):
        Calendar(week=((),) * 6)
    with pytest.raises(Exception):
        Calendar(zone="Asia/Bandung")
    with pytest.raises(ValueError):
        add(Calendar(week=((),) * 7), utc("2027-01-06 10:00"), HOUR)


def test_hours_until_midnight_and_overlapping_intervals():
    late = Calendar(week=(((time(20), time(0)), (time(8), time(12)), (time(10), time(14))),)
                    + ((),) * 6)
    monday = utc("2027-01-04 00:00")
    assert add(late, monday, 6 * HOUR) == utc("2027-01-04 14:00")
    assert add(late, monday, 8 * HOUR) == utc("2027-01-04 22:00")
    assert add(late, monday, 10 * HOUR) == utc("2027-01-05 00:00")
    assert add(late, monday, 10 * HOUR + 1) == utc("2027-01-11 08:00:01")


# -- the properties ----------------------------------------------------------------------

ZONES = st.sampled_from([WIB, WITA, WIT])
MOMENTS = st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2028, 12, 31))


@st.composite
def days(draw):
    """A day's working intervals: none to three, whole minutes, possibly overlapping."""
    spans = []
    for _ in range(draw(st.integers(0, 3))):
        begin = draw(st.integers(0, 24 * 60 - 1))
        end = draw(st.integers(begin + 1, 24 * 60))
        spans.append((time(begin // 60, begin % 60),
                      time(end // 60 % 24, end % 60)))
    return tuple(spans)


@st.composite
def calendars(draw, near):
    week = tuple(draw(days()) for _ in range(7))
    assume(any(week))
    closed = draw(st.frozensets(st.integers(-30, 90), max_size=20))
    return Calendar(zone=draw(ZONES), week=week,
                    closed=frozenset(near.date() + timedelta(days=n) for n in closed))


@st.composite
def pauses(draw, near):
    found = []
    for _ in range(draw(st.integers(0, 4))):
        begin = near + timedelta(minutes=draw(st.integers(-3 * 24 * 60, 60 * 24 * 60)))
        found.append((begin, begin + timedelta(minutes=draw(st.integers(0, 10 * 24 * 60)))))
    return found


@st.composite
def cases(draw):
    start = draw(MOMENTS)
    calendar = draw(st.one_of(st.none(), calendars(start)))
    return calendar, start, draw(st.integers(0, 200 * HOUR)), draw(pauses(start))


def paused(pauses, moment):
    return any(low <= moment < high for low, high in pauses)


@settings(deadline=None)
@given(cases())
def test_adding_then_measuring_gives_the_seconds_back(case):
    calendar, start, seconds, stops = case
    due = add(calendar, start, seconds, stops)
    assert due >= start
    assert measure(calendar, start, due, stops) == seconds


@settings(deadline=None)
@given(cases())
def test_a_due_time_is_never_outside_working_time(case):
    calendar, start, seconds, stops = case
    due = add(calendar, start, seconds, stops)
    # seconds > 0: within a working interval or at its end; 0: the first working moment
    last = due - MICRO if seconds else due
    assert is_working(calendar, last) and not paused(stops, last)
    if calendar is not None:
        local = last + timedelta(hours={WIB: 7, WITA: 8, WIT: 9}[calendar.zone])
        assert local.date() not in calendar.closed
    if seconds:  # and the clock did not stand still just before it
        assert add(calendar, start, seconds - 1, stops) < due


@settings(deadline=None)
@given(cases(), st.integers(0, 100 * HOUR))
def test_measuring_adds_up_and_more_time_comes_later(case, more):
    calendar, start, seconds, stops = case
    middle = add(calendar, start, seconds, stops)
    end = add(calendar, start, seconds + more, stops)
    assert end >= middle
    assert measure(calendar, start, end, stops) == \
        measure(calendar, start, middle, stops) + measure(calendar, middle, end, stops)


def stopped(stops, start, end):
    """Seconds of [start, end) within any of the pauses, by merging them."""
    total, reached = 0.0, start
    for low, high in sorted(stops):
        low, high = max(low, reached), min(high, end)
        if high > low:
            total += (high - low).total_seconds()
            reached = high
    return total


@settings(deadline=None)
@given(MOMENTS, st.integers(0, 500 * HOUR), st.data())
def test_around_the_clock_only_pauses_are_skipped(start, seconds, data):
    stops = data.draw(pauses(start))
    end = start + timedelta(seconds=seconds)
    assert measure(None, start, end) == seconds
    assert add(None, start, seconds) == end
    assert measure(None, start, end, stops) == seconds - stopped(stops, start, end)


@settings(deadline=None)
@given(calendars(datetime(2027, 1, 1)), MOMENTS,
       st.integers(1, 100 * HOUR))
def test_the_same_hours_in_another_zone_are_the_same_local_times(calendar, start, seconds):
    """A timetable in WITA falls an hour earlier in UTC than in WIB, in WIT two."""
    wib = Calendar(WIB, calendar.week, calendar.closed)
    for zone, hours in ((WITA, 1), (WIT, 2)):
        other = Calendar(zone, calendar.week, calendar.closed)
        shift = timedelta(hours=hours)
        assert add(other, start - shift, seconds) == add(wib, start, seconds) - shift


@settings(deadline=None)
@given(cases())
def test_working_moments_are_the_ones_that_count(case):
    calendar, moment, _, _ = case
    assert is_working(calendar, moment) == (measure(calendar, moment, moment + MICRO) > 0)
    # and the first working moment from there is the moment itself when it is one
    assert (add(calendar, moment, 0) == moment) == is_working(calendar, moment)
