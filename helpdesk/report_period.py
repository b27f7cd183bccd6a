"""The span and the filters of a report: a period of local dates in the helpdesk's zone
(its bounds midnight local time, stored as naive UTC like every time in the database) and
the help topic and department it is restricted to."""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from peewee import Value

from .localtime import midnight_utc
from .models import Ticket

PRESETS = ("today", "this_week", "this_month", "last_month", "this_year", "last_12_months")


@dataclass(frozen=True)
class Period:
    """From ``first`` to ``last`` (local dates, both included) in ``zone``."""

    first: date
    last: date
    zone: str = "Asia/Jakarta"

    def __post_init__(self):
        if self.last < self.first:
            raise ValueError("a period ends on or after the day it starts")

    @classmethod
    def preset(cls, name, today, zone="Asia/Jakarta"):
        """One of PRESETS, relative to the local date ``today``."""
        if name == "today":
            return cls(today, today, zone)
        if name == "this_week":
            return cls(today - timedelta(days=today.weekday()), today, zone)
        if name == "this_month":
            return cls(today.replace(day=1), today, zone)
        if name == "last_month":
            last = today.replace(day=1) - timedelta(days=1)
            return cls(last.replace(day=1), last, zone)
        if name == "this_year":
            return cls(today.replace(month=1, day=1), today, zone)
        if name == "last_12_months":
            first = today.replace(year=today.year - 1) if not (
                today.month == 2 and today.day == 29) else today.replace(
                year=today.year - 1, day=28)
            return cls(first + timedelta(days=1), today, zone)
        raise ValueError(f"unknown period {name!r}")

    def _utc(self, day):
        return midnight_utc(day, self.zone)

    @property
    def start(self):
        """Midnight local time of the first day, as naive UTC (included)."""
        return self._utc(self.first)

    @property
    def end(self):
        """Midnight local time after the last day, as naive UTC (excluded)."""
        return self._utc(self.last + timedelta(days=1))

    @property
    def days(self):
        return (self.last - self.first).days + 1

    @property
    def offset_seconds(self):
        return int(ZoneInfo(self.zone).utcoffset(datetime.combine(self.first, time(12)))
                   .total_seconds())

    def holds(self, column):
        return (column >= self.start) & (column < self.end)


@dataclass(frozen=True)
class Filters:
    """Restrict the figures to one help topic and/or one (current) department."""

    topic: int | None = None
    department: int | None = None

    def condition(self, model=Ticket):
        """The condition on ``model``'s topic and department columns (tickets, or the
        summary's rows)."""
        condition = Value(1) == 1
        if self.topic:
            condition &= model.topic == self.topic
        if self.department:
            condition &= model.department == self.department
        return condition


NO_FILTERS = Filters()
