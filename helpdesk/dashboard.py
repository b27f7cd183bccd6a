"""The supervisors' dashboard as one value: every figure of ``reports`` for a period and
filters, and the layout of its tables. The desk page, the workbook, the CSV downloads and
``flask report`` all read this, so they always show the same numbers with the same labels.
"""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import lazy_gettext as _l

from . import report_holdings, reports, survey_index
from .models import Department, HelpTopic
from .report_sql import tuned
from .reports import NO_FILTERS, Filters, Period

# What each kind of cell holds: a count, a share (0..1, None when nothing is known yet),
# a duration (seconds, None when there is none), text
COUNT, SHARE, DURATION, TEXT = "count", "share", "duration", "text"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str


_NAME = Column("name", _l("Name"), TEXT)
_COMMON = (
    Column("resolved", _l("Resolved"), COUNT),
    Column("response_median", _l("Median first response"), DURATION),
    Column("resolution_median", _l("Median resolution"), DURATION),
    Column("answered_in_time", _l("Answered in time"), SHARE),
    Column("resolved_in_time", _l("Resolved in time"), SHARE),
    Column("open_now", _l("Open now"), COUNT),
)
_TRANSFERS = (Column("transfers_in", _l("Transfers in"), COUNT),
              Column("transfers_out", _l("Transfers out"), COUNT))
_CLOSE_LOOP = (Column("closed_by_citizen", _l("Closed by the requester"), COUNT),
               Column("closed_automatically", _l("Closed automatically"), COUNT),
               Column("reopened_by_citizen", _l("Reopened by the requester"), COUNT))

# name -> (title, columns): the per-group tables, in the order they are shown
TABLES = {
    "topics": (_l("By help topic"),
               (Column("name", _l("Help topic"), TEXT), Column("created", _l("Created"), COUNT),
                *_COMMON, *_CLOSE_LOOP)),
    "departments": (_l("By department"),
                    (Column("name", _l("Department"), TEXT),
                     Column("created", _l("Created"), COUNT), *_COMMON, *_TRANSFERS,
                     *_CLOSE_LOOP)),
    "agents": (_l("By agent"),
               (Column("name", _l("Agent"), TEXT), Column("created", _l("Assigned"), COUNT),
                *_COMMON)),
    # which department used the time: the holdings ended in the period (report_holdings)
    "held": (_l("Time held per department"),
             (Column("name", _l("Department"), TEXT),
              Column("holdings", _l("Tickets held"), COUNT),
              Column("working_seconds", _l("Working time held"), DURATION),
              Column("working_average", _l("Working time per ticket held"), DURATION),
              Column("calendar_seconds", _l("Calendar time held"), DURATION))),
}

SERIES_COLUMNS = (Column("day", _l("Day"), TEXT), Column("created", _l("Created"), COUNT),
                  Column("resolved", _l("Resolved"), COUNT),
                  Column("backlog", _l("Open backlog"), COUNT))

BREACH_COLUMNS = (Column("number", _l("Ticket"), TEXT), Column("topic", _l("Help topic"), TEXT),
                  Column("department", _l("Department"), TEXT),
                  Column("assignee", _l("Assignee"), TEXT),
                  Column("late", _l("Late by"), DURATION))

# The headline's figures with their labels, shared by the page, the desk home and the workbook
PERIOD_FIGURES = (("created", _l("Tickets created")), ("first_responses", _l("First responses")),
                  ("resolved", _l("Resolved")), ("closed", _l("Closed")),
                  ("reopened", _l("Reopened")), ("transferred", _l("Transferred")),
                  *((column.key, column.label) for column in _CLOSE_LOOP))
BACKLOG_FIGURES = (("under_1_day", _l("Open for less than 1 day")),
                   ("1_to_2_days", _l("Open for 1 to 2 days")),
                   ("2_to_7_days", _l("Open for 2 to 7 days")),
                   ("over_7_days", _l("Open for more than 7 days")))
TIMES = ((("response", "median"), _l("Median first response")),
         (("response", "p90"), _l("90th percentile of first response")),
         (("resolution", "median"), _l("Median resolution")),
         (("resolution", "p90"), _l("90th percentile of resolution")))

# The steps of ``build``, for a progress bar
STEPS = ("headline", "times", "sla", "topics", "departments", "agents", "held", "series",
         "survey")


@dataclass
class Dashboard:
    period: Period
    filters: Filters
    now: datetime  # naive UTC, the moment "open now" and "overdue now" refer to
    headline: dict = field(default_factory=dict)
    times: dict = field(default_factory=dict)
    sla: dict = field(default_factory=dict)  # shares, breach_count, breaches (first page)
    tables: dict = field(default_factory=dict)  # TABLES name -> list of rows (dicts)
    series: list = field(default_factory=list)  # per day (or week): created, resolved, backlog
    survey: survey_index.Panel = None  # the satisfaction survey (SKM): IKM and breakdowns

    @property
    def weekly(self):
        return self.period.days > reports.WEEKLY_AFTER_DAYS

    @property
    def topic_name(self):
        return _name_of(HelpTopic, self.filters.topic)

    @property
    def department_name(self):
        return _name_of(Department, self.filters.department)


def _name_of(model, key):
    if not key:
        return None
    row = model.get_or_none(model.id == key)
    return row.name if row else None


def build(period, filters=NO_FILTERS, *, now, breaches=50, progress=None):
    """Every figure of the dashboard. ``progress(step)`` is called after each of STEPS;
    ``breaches`` is how many of the SLA breaches to list (most late first; None: all)."""
    board = Dashboard(period, filters, now)
    read = {}  # what times, SLA and the tables share: read once, in the "times" step

    def shared():
        if not read:
            read["figures"] = reports.figures(period, filters, now=now)
        return {"figures_read": read["figures"]}
    steps = {
        "headline": lambda: setattr(board, "headline", reports.headline(period, filters, now=now)),
        "times": lambda: setattr(board, "times", reports.times(period, filters, **shared())),
        "sla": lambda: setattr(board, "sla", reports.sla(period, filters, now=now,
                                                         limit=breaches, **shared())),
        "topics": lambda: board.tables.__setitem__(
            "topics", reports.by_topic(period, filters, now=now, **shared())),
        "departments": lambda: board.tables.__setitem__(
            "departments", reports.by_department(period, filters, now=now, **shared())),
        "agents": lambda: board.tables.__setitem__(
            "agents", reports.by_agent(period, filters, now=now, **shared())),
        "held": lambda: board.tables.__setitem__(
            "held", report_holdings.held_by_department(period, filters)),
        "series": lambda: setattr(board, "series", reports.daily(period, filters)),
        "survey": lambda: setattr(board, "survey", survey_index.panel(period, filters)),
    }
    with tuned():
        for step in STEPS:
            steps[step]()
            if progress:
                progress(step)
    return board
