"""The targets a ticket of a help topic is held to, read from its SLA plan and the plan's
working calendar. Read once and kept in the process: opening a ticket asks no query of
the database. The desk forgets them when it saves a plan, calendar or day (``forget``);
changes made by another process are read at most REREAD_SECONDS later."""
import threading
import time
import weakref
from dataclasses import dataclass

from .db import db
from .models import HelpTopic
from .sla_models import CalendarDay, SlaPlan, WorkCalendar, WorkHours
from .working_time import Calendar

REREAD_SECONDS = 60


@dataclass(frozen=True)
class Targets:
    plan_id: int | None  # None: no plan left, the seeded default's promise
    first_response_seconds: float
    first_response_calendar: Calendar | None  # None = around the clock
    resolution_seconds: float
    resolution_calendar: Calendar | None


class _Read:
    def __init__(self, by_topic, default):
        self.by_topic = by_topic
        self.default = default
        self.at = time.monotonic()


_reads = weakref.WeakKeyDictionary()  # the database -> its last _Read
_lock = threading.Lock()


def _database():
    return getattr(db.database, "obj", None) or db.database


def targets_for(topic):
    """The Targets of ``topic`` (a HelpTopic or its id); a topic without a plan, or an
    unknown one, has the default plan's."""
    topic_id = topic if isinstance(topic, int) else topic.id
    read = _reads.get(_database())
    if read is None or time.monotonic() - read.at > REREAD_SECONDS or (
            topic_id not in read.by_topic and topic_id is not None):
        read = _read()
    return read.by_topic.get(topic_id, read.default)


def forget():
    """Read the plans anew at the next ``targets_for`` (after the desk saved one)."""
    with _lock:
        _reads.pop(_database(), None)


def calendars():
    """Every working calendar as {id: Calendar}, in four queries."""
    week = {}
    for hours in WorkHours.select().order_by(WorkHours.start):
        week.setdefault(hours.calendar_id, [[] for _ in range(7)])[hours.weekday].append(
            (hours.start, hours.end))
    closed = {}
    for calendar_id, day in CalendarDay.select(CalendarDay.calendar, CalendarDay.day).tuples():
        closed.setdefault(calendar_id, set()).add(day)
    return {calendar.id: Calendar(zone=calendar.zone,
                                  week=tuple(map(tuple, week.get(calendar.id, [()] * 7))),
                                  closed=frozenset(closed.get(calendar.id, ())))
            for calendar in WorkCalendar.select()}


def _targets(plan, calendar):
    return Targets(
        plan_id=plan.id,
        first_response_seconds=plan.first_response_hours * 3600,
        first_response_calendar=calendar if plan.first_response_working else None,
        resolution_seconds=plan.resolution_hours * 3600,
        resolution_calendar=calendar if plan.resolution_working else None)


# when no plan is left at all: the seeded default's promise
FALLBACK = Targets(plan_id=None, first_response_seconds=8 * 3600,
                   first_response_calendar=Calendar(), resolution_seconds=48 * 3600,
                   resolution_calendar=None)


def _read():
    if not _database().is_closed():  # (inside a transaction: closing would break it)
        return _read_open()
    with db.database.connection_context():
        return _read_open()


def _read_open():
    by_calendar = calendars()
    plans, default = {}, FALLBACK
    for plan in SlaPlan.select().order_by(SlaPlan.id.desc()):
        plans[plan.id] = _targets(plan, by_calendar.get(plan.calendar_id, Calendar()))
        if plan.is_default:
            default = plans[plan.id]
    by_topic = {topic_id: plans.get(plan_id, default) for topic_id, plan_id in
                HelpTopic.select(HelpTopic.id, HelpTopic.sla_plan).tuples()}
    read = _Read(by_topic, default)
    with _lock:
        _reads[_database()] = read
    return read
