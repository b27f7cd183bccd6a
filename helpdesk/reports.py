"""The figures of the supervisors' dashboard, computed by SQL aggregates in the database
(the same on SQLite and PostgreSQL); only aggregated rows (one per topic, department, agent
or day) come back to Python. Read-only, like ``queries``.

A period is a span of local dates in the helpdesk's zone (Asia/Jakarta): its bounds are
midnight local time, stored as naive UTC like every time in the database. "The period's
tickets" are those created in it: their response and resolution times, their SLA.
"""
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from peewee import JOIN, SQL, Case, Select, Value, fn

from .localtime import midnight_utc
from .models import (Department, HelpTopic, Ticket, TicketEvent, TicketStatus, TicketTransfer,
                     User)
from .report_sql import grouped, seconds_between

PRESETS = ("today", "this_week", "this_month", "last_month", "this_year", "last_12_months")
BACKLOG_AGES = (("under_1_day", 0, 1), ("1_to_2_days", 1, 2), ("2_to_7_days", 2, 7),
                ("over_7_days", 7, None))
WEEKLY_AFTER_DAYS = 90


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

    def condition(self):
        condition = Value(1) == 1
        if self.topic:
            condition &= Ticket.topic == self.topic
        if self.department:
            condition &= Ticket.department == self.department
        return condition


NO_FILTERS = Filters()


def _count(condition):
    return Ticket.select(fn.COUNT(SQL("*"))).where(condition)


def _events(kind, period, filters):
    query = (TicketEvent.select(fn.COUNT(SQL("*")))
             .where(TicketEvent.kind == kind, period.holds(TicketEvent.created_at)))
    if filters.topic or filters.department:
        query = query.join(Ticket).where(filters.condition())
    return query


def _one_row(columns):
    """Several scalar subqueries in one statement: {name: value}."""
    names = list(columns)
    row = Ticket._meta.database.execute(
        Select(columns=[columns[n].alias(n) for n in names])).fetchone()
    return {name: int(value or 0) for name, value in zip(names, row)}


def headline(period, filters=NO_FILTERS, *, now):
    """Counts of the period and the open backlog at ``now`` (naive UTC), by age."""
    where = filters.condition()
    figures = _one_row({
        "created": _count(where & period.holds(Ticket.created_at)),
        "first_responses": _count(where & period.holds(Ticket.first_response_at)),
        "resolved": _count(where & period.holds(Ticket.resolved_at)),
        "closed": _count(where & period.holds(Ticket.closed_at)),
        "reopened": _events("reopened", period, filters),
        "transferred": _transfers_of(period, filters, fn.COUNT(SQL("*"))),
    })
    is_open = where & (Ticket.status == TicketStatus.OPEN)
    backlog = {"overdue": fn.SUM(Case(None, [(Ticket.due_at < now, 1)], 0)),
               "open": fn.COUNT(SQL("*"))}
    for name, younger, older in BACKLOG_AGES:
        age = Ticket.created_at <= now - timedelta(days=younger)
        if older is not None:
            age &= Ticket.created_at > now - timedelta(days=older)
        backlog[name] = fn.SUM(Case(None, [(age, 1)], 0))
    row = Ticket.select(*[v.alias(k) for k, v in backlog.items()]).where(is_open).dicts().get()
    figures["backlog"] = {name: int(row[name] or 0) for name in backlog}
    return figures


DURATIONS = (Ticket.response_seconds, Ticket.resolution_seconds)


def figures(period, filters=NO_FILTERS, *, now=None, dimensions=("all", "topic", "department",
                                                                  "agent")):
    """What the tables, times and SLA shares read, each statement for every dimension at
    once: {"period": per dimension ("all": every ticket, under the key 0) and key, the
    period's tickets (count, resolved, SLA sums when ``now`` is given, percentiles of
    both durations), "open": per dimension (but "all") and key, the open tickets now}."""
    where = filters.condition()
    columns = {"resolved": fn.SUM(Case(None, [(Ticket.resolved_at.is_null(False), 1)], 0))}
    if now is not None:
        late = fn.COALESCE(Ticket.resolved_at, now) > Ticket.due_at
        columns.update(_sla_columns(now), breach_count=fn.SUM(Case(None, [(late, 1)], 0)))
    keys = {name: None if name == "all" else DIMENSIONS[name][0] for name in dimensions}
    found = {"period": grouped(keys, where & period.holds(Ticket.created_at), columns,
                               DURATIONS)}
    keys.pop("all", None)
    found["open"] = grouped(keys, where & (Ticket.status == TicketStatus.OPEN), {}) \
        if keys else {}
    return found


def times(period, filters=NO_FILTERS, *, figures_read=None):
    """Median and 90th percentile (seconds) of the first-response and resolution times of
    the period's tickets (those answered or resolved so far); None when there is none.
    ``figures_read``: what ``figures`` returned for the same period and filters."""
    row = (figures_read or figures(period, filters, dimensions=("all",)))["period"]["all"][0]
    response, resolution = (row[d.name] for d in DURATIONS)
    return {"response": {"median": response[50], "p90": response[90]},
            "resolution": {"median": resolution[50], "p90": resolution[90]}}


def _sla_columns(now):
    """SUM columns for SLA shares: answered / resolved before due, of the tickets whose
    outcome is known (answered or resolved, or already past due at ``now``)."""
    def outcome(done):
        return {f"{done.name}_known": fn.SUM(Case(None, [(done.is_null(False) | (
                    Ticket.due_at < now), 1)], 0)),
                f"{done.name}_in_time": fn.SUM(Case(None, [(done <= Ticket.due_at, 1)], 0))}
    return {**outcome(Ticket.first_response_at), **outcome(Ticket.resolved_at)}


def _shares(row):
    def share(kind):
        known = int(row[f"{kind}_known"] or 0)
        return int(row[f"{kind}_in_time"] or 0) / known if known else None
    return {"answered_in_time": share("first_response_at"),
            "resolved_in_time": share("resolved_at")}


def _lateness(now):
    return seconds_between(fn.COALESCE(Ticket.resolved_at, now), Ticket.due_at)


def sla(period, filters=NO_FILTERS, *, now, limit=50, offset=0, figures_read=None):
    """Shares of the period's tickets answered and resolved before due, and the breaches
    (not resolved by their due time, latest first, then oldest first):
    {"breaches": [...], "breach_count": n}."""
    cohort = filters.condition() & period.holds(Ticket.created_at)
    late = fn.COALESCE(Ticket.resolved_at, now) > Ticket.due_at
    row = (figures_read or figures(period, filters, now=now, dimensions=("all",)))[
        "period"]["all"][0]
    worst = (Ticket.select(Ticket.id, Ticket.topic, Ticket.department, Ticket.assignee,
                           _lateness(now).alias("late"))
             .where(cohort & late).order_by(SQL("late").desc(), Ticket.id)
             .limit(limit).offset(offset).alias("w"))  # from the period's index alone
    assignees = User.alias()
    breaches = (Ticket.select(Ticket.id, Ticket.number, HelpTopic.name.alias("topic"),
                              Department.name.alias("department"),
                              worst.c.assignee_id.alias("assignee_id"),
                              assignees.full_name.alias("assignee"), worst.c.late.alias("late"))
                .from_(worst).join(Ticket, on=Ticket.id == worst.c.id)
                .join(HelpTopic, on=worst.c.topic_id == HelpTopic.id)
                .join(Department, on=worst.c.department_id == Department.id, src=worst)
                .join(assignees, JOIN.LEFT_OUTER, on=worst.c.assignee_id == assignees.id,
                      src=worst)
                .order_by(worst.c.late.desc(), Ticket.id).dicts())
    return {**_shares(row), "breach_count": int(row["breach_count"] or 0),
            "breaches": [dict(b, late=float(b["late"])) for b in breaches]}


DIMENSIONS = {
    "topic": (Ticket.topic, HelpTopic),
    "department": (Ticket.department, Department),
    "agent": (Ticket.assignee, User),
}


def _table(dimension, period, filters, now, figures_read):
    """{key: row} for one dimension: the period's tickets (created, or for agents assigned
    to them), resolved of those, median times, SLA shares, and the open load now."""
    found = figures_read or figures(period, filters, now=now, dimensions=(dimension,))
    rows = {}
    for key, row in found["period"][dimension].items():
        rows[key] = {"created": int(row["tickets"]), "resolved": int(row["resolved"] or 0),
                     **_shares(row), "open_now": 0,
                     "response_median": row[Ticket.response_seconds.name][50],
                     "resolution_median": row[Ticket.resolution_seconds.name][50]}
    blank = {"created": 0, "resolved": 0, "answered_in_time": None, "resolved_in_time": None,
             "response_median": None, "resolution_median": None}
    for key, row in found["open"][dimension].items():
        rows.setdefault(key, dict(blank))["open_now"] = int(row["tickets"])
    return rows


def _named(dimension, rows):
    """The rows as a list in name order, each with its ``id`` and ``name``."""
    model = DIMENSIONS[dimension][1]
    label = fn.COALESCE(fn.NULLIF(User.full_name, ""), User.email) if model is User \
        else model.name
    names = dict(model.select(model.id, label).where(model.id.in_(list(rows))).tuples())
    return sorted(({"id": key, "name": names.get(key, ""), **row} for key, row in rows.items()),
                  key=lambda r: (r["name"].lower(), r["id"]))


def by_topic(period, filters=NO_FILTERS, *, now, figures_read=None):
    return _named("topic", _table("topic", period, filters, now, figures_read))


def by_agent(period, filters=NO_FILTERS, *, now, figures_read=None):
    """Per assignee: "created" counts the period's tickets now assigned to them."""
    return _named("agent", _table("agent", period, filters, now, figures_read))


def by_department(period, filters=NO_FILTERS, *, now, figures_read=None):
    """Per (current) department, with the transfers in and out during the period."""
    rows = _table("department", period, filters, now, figures_read)
    blank = {"created": 0, "resolved": 0, "answered_in_time": None, "resolved_in_time": None,
             "open_now": 0, "response_median": None, "resolution_median": None}
    for row in rows.values():
        row.update(transfers_in=0, transfers_out=0)
    for key, into, out in _transfers(period, filters):
        row = rows.setdefault(key, dict(blank, transfers_in=0, transfers_out=0))
        row["transfers_in"] += into
        row["transfers_out"] += out
    return _named("department", rows)


def _transfers_of(period, filters, *columns):
    """Transfers of the period; with a department filter those into or out of it."""
    query = TicketTransfer.select(*columns).where(period.holds(TicketTransfer.created_at))
    if filters.topic:
        query = query.join(Ticket).where(Ticket.topic == filters.topic)
    if filters.department:
        query = query.where((TicketTransfer.source == filters.department)
                            | (TicketTransfer.target == filters.department))
    return query


def _transfers(period, filters):
    """[(department id, transfers in, transfers out)] of the period."""
    counted = fn.COUNT(SQL("*"))
    into = _transfers_of(period, filters, TicketTransfer.target, counted) \
        .where(TicketTransfer.target.is_null(False)).group_by(TicketTransfer.target).tuples()
    out = _transfers_of(period, filters, TicketTransfer.source, counted) \
        .where(TicketTransfer.source.is_null(False)).group_by(TicketTransfer.source).tuples()
    return [(key, n, 0) for key, n in into] + [(key, 0, n) for key, n in out]


def daily(period, filters=NO_FILTERS):
    """Created and resolved per local day (per ISO week, from its Monday, for periods
    longer than WEEKLY_AFTER_DAYS) and the open backlog at the end of each:
    [{"day": date, "created": n, "resolved": n, "backlog": n}]. The backlog counts tickets
    created and not resolved by then (by their present resolution time). Every number is
    a count over a range of an index (one statement), no date computed per ticket."""
    weekly = period.days > WEEKLY_AFTER_DAYS
    where = filters.condition()
    first = period.first - timedelta(days=period.first.weekday() if weekly else 0)
    step = timedelta(days=7 if weekly else 1)
    days = [first + step * i for i in range((period.last - first) // step + 1)]
    bounds = [max(period.start, period._utc(day)) for day in days] + [period.end]
    counts = {}
    for i, (start, end) in enumerate(zip(bounds, bounds[1:])):
        for name, column in (("created", Ticket.created_at), ("resolved", Ticket.resolved_at)):
            counts[f"{name}{i}"] = _count(where & (column >= start) & (column < end))
    before = where & (Ticket.created_at < period.start)
    counts["unresolved"] = _count(before & Ticket.resolved_at.is_null())
    counts["resolved_since"] = _count(before & (Ticket.resolved_at >= period.start))
    found = _one_row(counts)
    backlog = found["unresolved"] + found["resolved_since"]
    series = []
    for i, day in enumerate(days):
        created, resolved = found[f"created{i}"], found[f"resolved{i}"]
        backlog += created - resolved
        series.append({"day": day, "created": created, "resolved": resolved,
                       "backlog": backlog})
    return series
