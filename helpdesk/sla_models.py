"""What the desk promises and over which hours: working calendars (a zone, weekly hours,
the days off of each year) and SLA plans (a first-response and a resolution target, each
counted in working time or around the clock). Help topics choose a plan
(``HelpTopic.sla_plan``); ``sla_plans.targets_for`` reads them for the ticket clocks."""
from peewee import (BooleanField, CharField, DateField, FloatField, ForeignKeyField,
                    IntegerField, TimeField)

from .db import db


class WorkCalendar(db.Model):
    name = CharField(unique=True, max_length=120)
    zone = CharField(max_length=64, default="Asia/Jakarta")  # IANA name: WIB, WITA, WIT

    class Meta:
        table_name = "work_calendar"

    def __str__(self):
        return self.name


class WorkHours(db.Model):
    """One working interval of one weekday; a weekday without any is a day off."""

    calendar = ForeignKeyField(WorkCalendar, backref="hours", on_delete="CASCADE")
    weekday = IntegerField()  # 0 Monday .. 6 Sunday
    start = TimeField()
    end = TimeField()

    class Meta:
        table_name = "work_hours"


class CalendarDay(db.Model):
    """A date the calendar does not work: a public holiday or a cuti bersama day."""

    HOLIDAY = "holiday"
    CUTI_BERSAMA = "cuti_bersama"

    calendar = ForeignKeyField(WorkCalendar, backref="days", on_delete="CASCADE")
    day = DateField()
    name = CharField(max_length=200, default="")
    kind = CharField(max_length=16, default=HOLIDAY)

    class Meta:
        table_name = "calendar_day"
        indexes = ((("calendar", "day"), True),)


class SlaPlan(db.Model):
    name = CharField(unique=True, max_length=120)
    first_response_hours = FloatField(default=8)
    first_response_working = BooleanField(default=True)
    resolution_hours = FloatField(default=48)
    resolution_working = BooleanField(default=False)
    calendar = ForeignKeyField(WorkCalendar, backref="plans")
    active = BooleanField(default=True)
    is_default = BooleanField(default=False)  # the plan of the topics that name none

    class Meta:
        table_name = "sla_plan"

    def __str__(self):
        return self.name


SLA_MODELS = (WorkCalendar, WorkHours, CalendarDay, SlaPlan)
