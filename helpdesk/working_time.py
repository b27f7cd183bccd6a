"""Working-time arithmetic: when a promise of so many working (or calendar) hours falls
due, and how much of it a span of time used, over a weekly timetable in a time zone, its
closed days (public holidays, cuti bersama) and the pauses of a clock.

Pure: no database, no Flask. Every datetime in and out is naive UTC, the form the
database stores; the timetable and closed days are local to the calendar's zone. The
arithmetic walks whole working intervals (one or a few a day), never minute by minute.
"""
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

WIB, WITA, WIT = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"
OFFICE_HOURS = ((time(8), time(16)),)
MONDAY_TO_FRIDAY = (OFFICE_HOURS,) * 5 + ((), ())

AROUND_THE_CLOCK = None  # passing None as calendar means calendar time
NEVER = datetime.max  # the due time of a clock that an open pause stops before it runs out
_ONE_DAY = timedelta(days=1)
_MIDNIGHT = time(0)


@dataclass(frozen=True)
class Calendar:
    """A weekly timetable in a zone: ``week`` holds seven entries, Monday to Sunday, each a
    tuple of (start, end) local times (an end of 00:00 means midnight at the day's end);
    ``closed`` the local dates not worked whatever the weekday."""

    zone: str = WIB
    week: tuple = MONDAY_TO_FRIDAY
    closed: frozenset = frozenset()
    spans: tuple = field(init=False, repr=False, compare=False)  # the week in seconds

    def __post_init__(self):
        if len(self.week) != 7:
            raise ValueError("a week has seven days")
        week = tuple(tuple(tuple(pair) for pair in day) for day in self.week)
        object.__setattr__(self, "week", week)
        object.__setattr__(self, "spans", tuple(_merged(day) for day in week))
        object.__setattr__(self, "closed", frozenset(self.closed))
        ZoneInfo(self.zone)  # an unknown zone fails here, not in the middle of a sum


@lru_cache(maxsize=256)
def _merged(day):
    """A day's intervals as sorted, non-overlapping (start, end) pairs of seconds after
    local midnight; empty and reversed intervals dropped."""
    spans = []
    for start, end in sorted(day):
        begin = _seconds(start)
        finish = 86400 if end == _MIDNIGHT else _seconds(end)
        if finish <= begin:
            continue
        if spans and begin <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(spans[-1][1], finish))
        else:
            spans.append((begin, finish))
    return tuple(spans)


def _seconds(moment):
    return moment.hour * 3600 + moment.minute * 60 + moment.second + moment.microsecond / 1e6


def _local(zone, moment):
    """Naive UTC -> naive local time in ``zone``."""
    return moment.replace(tzinfo=timezone.utc).astimezone(zone).replace(tzinfo=None)


def _utc(zone, local):
    """Naive local time in ``zone`` -> naive UTC."""
    return local.replace(tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)


def _working_intervals(calendar, start):
    """The calendar's working intervals from ``start`` on, as naive-UTC (from, to) pairs in
    order, the first clipped to begin no earlier than ``start``. Endless."""
    if calendar is None:
        yield start, NEVER
        return
    if not any(calendar.spans):
        raise ValueError("a calendar without working hours never reaches a due time")
    zone = ZoneInfo(calendar.zone)
    day = _local(zone, start).date()
    while True:
        spans = calendar.spans[day.weekday()]
        if spans and day not in calendar.closed:
            midnight = datetime.combine(day, _MIDNIGHT)
            for begin, finish in spans:
                low = _utc(zone, midnight + timedelta(seconds=begin))
                high = _utc(zone, midnight + timedelta(seconds=finish))
                if high > start:
                    yield max(low, start), high
        day += _ONE_DAY


def _merged_pauses(pauses, start):
    """Pauses as sorted, non-overlapping naive-UTC pairs ending after ``start``; an open
    pause (``to`` None) ends at NEVER."""
    merged = []
    for low, high in sorted((low, NEVER if high is None else high) for low, high in pauses):
        if high <= start or high <= low:
            continue
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _running(calendar, start, pauses):
    """The intervals in which the clock runs: working time from ``start`` minus the
    pauses. Ends once an open pause has begun (the clock stays stopped)."""
    merged = _merged_pauses(pauses, start)
    stopped_from = merged[-1][0] if merged and merged[-1][1] == NEVER else None
    first = 0
    for low, high in _working_intervals(calendar, start):
        if stopped_from is not None and low >= stopped_from:
            return
        while first < len(merged) and merged[first][1] <= low:
            first += 1
        cursor = low
        for pause_low, pause_high in merged[first:]:
            if pause_low >= high:
                break
            if pause_low > cursor:
                yield cursor, pause_low
            cursor = max(cursor, pause_high)
            if cursor >= high:
                break
        if cursor < high:
            yield cursor, high


def add(calendar, start, seconds, pauses=()):
    """The moment ``seconds`` of working time (calendar time when calendar is None) after
    ``start``, skipping ``pauses`` (iterable of (from, to) naive-UTC intervals; ``to`` may
    be None = still paused). All datetimes are naive UTC, as the database stores them.
    seconds == 0 gives the first working moment at or after start. NEVER (datetime.max)
    when an open pause stops the clock before the time is used up."""
    left = timedelta(seconds=max(seconds, 0))
    for low, high in _running(calendar, start, pauses):
        if left <= high - low:
            return low + left
        left -= high - low
    return NEVER


def measure(calendar, start, end, pauses=()):
    """Working seconds (calendar seconds when None) in [start, end) minus pauses; 0 if
    end <= start."""
    total = timedelta(0)
    if end <= start:
        return 0.0
    for low, high in _running(calendar, start, pauses):
        if low >= end:
            break
        total += min(high, end) - low
    return total.total_seconds()


def is_working(calendar, moment):
    """Whether ``moment`` (naive UTC) falls in the calendar's working time."""
    if calendar is None:
        return True
    local = _local(ZoneInfo(calendar.zone), moment)
    if local.date() in calendar.closed:
        return False
    offset = _seconds(local.time())
    return any(begin <= offset < finish for begin, finish in calendar.spans[local.weekday()])
