"""The reports' summary tables, kept by the lifecycle beside every ticket change
(``helpdesk/report_summary.py``) so that the dashboard reads a few thousand rows a year
instead of every ticket. Keys are plain ids (0 for "no assignee"): a summary row outlives
nothing and is rebuilt from the tickets at will (``flask report rebuild-summary``)."""
from peewee import DateField, IntegerField, SmallIntegerField

from .db import db

# what each ticket adds to the row of its (current) topic, department and assignee
DAY_COUNTERS = (
    # on the local day it was created: the period's tickets ("the cohort")
    "created", "answered", "answered_in_time", "resolved", "resolved_in_time", "resolved_late",
    # on the local day each happened
    "responses", "resolutions", "closures", "reopenings",
    # transfers on the local day they happened, on the rows of the departments they left
    # ("out") and entered ("in", and once in "transfers" for the count of all transfers)
    "transfers", "transfers_in", "transfers_out",
    # the citizens' side of closing, on the local day each happened: closings by the
    # requester (confirming a resolution, or closing an open ticket), automatic closings
    # of resolutions left unanswered, and reopenings by the requester
    "citizen_closures", "auto_closures", "citizen_reopenings",
)


class ReportDay(db.Model):
    """Counts per local day (in the helpdesk's zone) and topic, department, assignee."""

    day = DateField()
    topic = IntegerField()
    department = IntegerField()
    assignee = IntegerField()  # 0: nobody
    created = IntegerField(default=0)
    answered = IntegerField(default=0)  # of those created that day: answered so far
    answered_in_time = IntegerField(default=0)  # ... before their due time
    resolved = IntegerField(default=0)
    resolved_in_time = IntegerField(default=0)
    resolved_late = IntegerField(default=0)
    responses = IntegerField(default=0)  # first responses given that day
    resolutions = IntegerField(default=0)  # tickets resolved that day
    closures = IntegerField(default=0)
    reopenings = IntegerField(default=0)
    transfers = IntegerField(default=0)  # with assignee 0; topic: the ticket's
    transfers_in = IntegerField(default=0)
    transfers_out = IntegerField(default=0)
    citizen_closures = IntegerField(default=0)
    auto_closures = IntegerField(default=0)
    citizen_reopenings = IntegerField(default=0)

    class Meta:
        table_name = "report_day"
        indexes = ((("day", "topic", "department", "assignee"), True),)


class ReportDuration(db.Model):
    """How many of the tickets created in a local month took a duration within a bucket
    (``report_summary.BUCKETS``): the histograms the exact percentiles start from."""

    month = DateField()  # its first day
    kind = SmallIntegerField()  # 0: first response, 1: resolution
    topic = IntegerField()
    department = IntegerField()
    assignee = IntegerField()
    bucket = IntegerField()
    tickets = IntegerField(default=0)

    class Meta:
        table_name = "report_duration"
        indexes = ((("month", "kind", "topic", "department", "assignee", "bucket"), True),)


class OpenTally(db.Model):
    """How many open tickets there are per UTC day of creation and of due time, topic,
    department, assignee and overdue flag: the desk home's counters read these rows (a
    few per day of backlog) instead of every open ticket."""

    created_day = DateField()
    due_day = DateField()
    topic = IntegerField()
    department = IntegerField()
    assignee = IntegerField()  # 0: nobody
    overdue = IntegerField()  # the ticket's flag, 0 or 1
    tickets = IntegerField(default=0)

    class Meta:
        table_name = "open_tally"
        indexes = ((("created_day", "due_day", "topic", "department", "assignee", "overdue"),
                    True),)
