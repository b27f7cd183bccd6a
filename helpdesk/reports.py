"""The figures of the supervisors' dashboard, computed by SQL aggregates in the database
(the same on SQLite and PostgreSQL); only aggregated rows (one per topic, department, agent
or day) come back to Python. Read-only, like ``queries``.

A period is a span of local dates in the helpdesk's zone (Asia/Jakarta): its bounds are
midnight local time, stored as naive UTC like every time in the database. "The period's
tickets" are those created in it: their response and resolution times, their SLA.
"""
import operator
from datetime import timedelta
from functools import reduce

from peewee import JOIN, SQL, Value, fn

from . import open_counts, report_percentiles
from .models import Department, HelpTopic, ReportDay, Ticket, TicketStatus, User
from .report_period import NO_FILTERS, PRESETS, Filters, Period  # noqa: F401 (the reports' API)
from .report_percentiles import SHARES
from .report_sql import grouped, seconds_between
from .reused_sql import reused

BACKLOG_AGES = (("under_1_day", 0, 1), ("1_to_2_days", 1, 2), ("2_to_7_days", 2, 7),
                ("over_7_days", 7, None))
WEEKLY_AFTER_DAYS = 90


def _day_sums(first, last, filters, columns, *group_by):
    """SUM of the summary's ``columns`` ({name: ReportDay column name}) over the local days
    ``first`` to ``last`` (None: from the first), per ``group_by`` columns, as dicts."""
    if not group_by:  # the desk home's headline: its SQL built once (reused_sql)
        shape, values, reshape = open_counts.filter_values(filters)
        days = [last] if first is None else [first, last]
        key = ("day_sums", shape, len(days), tuple(columns.items()))

        def build(*given):
            chosen, days_given = given[:-len(days)], given[-len(days):]
            return _day_sums_query(days_given[0] if first is not None else None,
                                   days_given[-1], reshape(*chosen), columns)
        row = reused(key, build, values + days).fetchone()
        return [dict(zip(columns, row))]
    return _day_sums_query(first, last, filters, columns, *group_by).dicts()


def _day_sums_query(first, last, filters, columns, *group_by):
    where = filters.condition(ReportDay) & (ReportDay.day <= last)
    if first is not None:
        where &= ReportDay.day >= first
    sums = [fn.COALESCE(fn.SUM(getattr(ReportDay, c)), 0).alias(n) for n, c in columns.items()]
    query = ReportDay.select(*group_by, *sums).where(where)
    return query.group_by(*group_by) if group_by else query


# the citizens' side of closing: closings by the requester or the system, reopenings by
# the requester (headline, and per topic and per department)
CLOSE_LOOP = {"closed_by_citizen": "citizen_closures", "closed_automatically": "auto_closures",
              "reopened_by_citizen": "citizen_reopenings"}


def headline(period, filters=NO_FILTERS, *, now):
    """Counts of the period and the open backlog at ``now`` (naive UTC), by age."""
    counted = {"created": "created", "first_responses": "responses",
               "resolved": "resolutions", "closed": "closures", "reopened": "reopenings",
               # with a department: the transfers into or out of it
               "transferred": "transfers", "transfers_in": "transfers_in",
               "transfers_out": "transfers_out", **CLOSE_LOOP}
    figures = {n: int(v) for n, v in _day_sums(period.first, period.last, filters,
                                                counted)[0].items()}
    into, out = figures.pop("transfers_in"), figures.pop("transfers_out")
    if filters.department:
        figures["transferred"] = into + out
    figures["backlog"] = {name: int(count) for name, count in
                          open_counts.backlog(filters, now, BACKLOG_AGES).items()}
    return figures


DURATIONS = (Ticket.response_seconds, Ticket.resolution_seconds)
COHORT = ("created", "answered", "answered_in_time", "resolved", "resolved_in_time",
          "resolved_late")
SUMMARY_KEYS = {"all": None, "topic": ReportDay.topic, "department": ReportDay.department,
                "agent": ReportDay.assignee}


def figures(period, filters=NO_FILTERS, *, now=None, dimensions=("all", "topic", "department",
                                                                  "agent")):
    """What the tables, times and SLA shares read, for every dimension: {"period": per
    dimension ("all": every ticket, under the key 0) and key, the period's tickets (count,
    resolved, SLA sums when ``now`` is given, percentiles of both durations), "open": per
    dimension (but "all") and key, the open tickets now}. The counts come from the
    summary's days, the percentiles from its histograms (``report_percentiles``), and
    only what ``now`` decides (tickets past due without an answer or resolution) from
    the tickets themselves."""
    found = {"period": {name: {} for name in dimensions}}
    for row in _cohort_counts(period, filters, dimensions):
        name, key = row.pop("dimension"), row.pop("key")
        if name == "all" or (key and row["created"]):
            found["period"][name][key] = {c: int(v) for c, v in row.items()}
    if now is not None:
        _add_past_due(found["period"], period, filters, now, dimensions)
    shares = {name: SHARES if name == "all" else (50,) for name in dimensions}
    times_found = report_percentiles.percentiles(period, filters, dimensions, shares)
    for name, rows in found["period"].items():
        for key, row in rows.items():
            row["tickets"] = row["created"]
            if now is not None:
                row.update(first_response_at_known=row["answered"] + row["unanswered"],
                           first_response_at_in_time=row["answered_in_time"],
                           resolved_at_known=row["resolved"] + row["unresolved"],
                           resolved_at_in_time=row["resolved_in_time"],
                           breach_count=row["resolved_late"] + row["unresolved"])
            known = times_found.get(name, {}).get(key, {})
            for d in DURATIONS:
                row[d.name] = {s: known.get(d.name, {}).get(s) for s in SHARES}
    keys = {name: DIMENSIONS[name][0] for name in dimensions if name != "all"}
    found["open"] = grouped(keys, filters.condition() & (Ticket.status == TicketStatus.OPEN),
                            {}) if keys else {}
    return found


def _cohort_counts(period, filters, dimensions):
    """The summary's counts of the period's tickets per dimension and key, in one
    statement: [{"dimension", "key", each of COHORT}]."""
    sums = [fn.COALESCE(fn.SUM(getattr(ReportDay, c)), 0).alias(c) for c in COHORT]
    where = filters.condition(ReportDay) & ReportDay.day.between(period.first, period.last)
    parts = []
    for name in dimensions:
        key = SUMMARY_KEYS[name]
        query = ReportDay.select(Value(name).alias("dimension"),
                                 (Value(0) if key is None else key).alias("key"), *sums)
        parts.append(query.where(where).group_by(*([] if key is None else [key])))
    return list(reduce(operator.add, parts).dicts())


def _add_past_due(rows, period, filters, now, dimensions):
    """Count, per group, the period's tickets past due at ``now`` without an answer
    ("unanswered") or a resolution ("unresolved"): the only figures the summary cannot
    hold, read from the tickets through partial indexes (a few thousand at most), one
    statement each, per (topic, department, assignee) and added up here."""
    # (a ticket awaiting its requester is never late: its clocks wait with it)
    cohort = filters.condition() & period.holds(Ticket.created_at) & (
        Ticket.status != TicketStatus.AWAITING)
    columns = {"topic": Ticket.topic, "department": Ticket.department,
               "agent": Ticket.assignee}
    answer_due = fn.COALESCE(Ticket.first_response_due_at, Ticket.due_at)
    for name, missing, due in (("unanswered", Ticket.first_response_at, answer_due),
                               ("unresolved", Ticket.resolved_at, Ticket.due_at)):
        counted = {dimension: {} for dimension in rows}
        query = (Ticket.select(*columns.values(), fn.COUNT(SQL("*")))
                 .where(cohort & missing.is_null() & (due < now))
                 .group_by(*columns.values()).tuples())
        for *keys, n in query:
            for dimension, key in (("all", 0), *zip(columns, keys)):
                if dimension in counted:
                    counted[dimension][key] = counted[dimension].get(key, 0) + n
        for dimension, groups in rows.items():
            for key, row in groups.items():
                row[name] = counted[dimension].get(key, 0)


def times(period, filters=NO_FILTERS, *, figures_read=None):
    """Median and 90th percentile (seconds) of the first-response and resolution times of
    the period's tickets (those answered or resolved so far); None when there is none.
    ``figures_read``: what ``figures`` returned for the same period and filters."""
    row = (figures_read or figures(period, filters, dimensions=("all",)))["period"]["all"][0]
    response, resolution = (row[d.name] for d in DURATIONS)
    return {"response": {"median": response[50], "p90": response[90]},
            "resolution": {"median": resolution[50], "p90": resolution[90]}}


def _shares(row):
    def share(kind):
        known = int(row[f"{kind}_known"] or 0)
        return int(row[f"{kind}_in_time"] or 0) / known if known else None
    return {"answered_in_time": share("first_response_at"),
            "resolved_in_time": share("resolved_at")}


def sla(period, filters=NO_FILTERS, *, now, limit=50, offset=0, figures_read=None):
    """Shares of the period's tickets answered and resolved before due, and the breaches
    (not resolved by their due time, latest first, then oldest first):
    {"breaches": [...], "breach_count": n}."""
    cohort = filters.condition() & period.holds(Ticket.created_at)
    row = (figures_read or figures(period, filters, now=now, dimensions=("all",)))[
        "period"]["all"][0]
    wanted = None if limit is None else limit + offset
    # the most late of those resolved late, and of those still unresolved past due (the
    # earliest due first)
    resolved_late = cohort & Ticket.late_seconds.is_null(False)
    if wanted is not None and _walk_is_shorter(row, filters, wanted):
        # read the index of the most late in its order, skipping other periods' tickets,
        # rather than sorting the period's (a database may not see which is shorter)
        resolved_late = filters.condition() & Ticket.late_seconds.is_null(False) & \
            period.holds(fn.COALESCE(Ticket.created_at, Ticket.created_at))
    breaches = [*_breaches(Ticket.late_seconds, resolved_late, Ticket.late_seconds.desc(),
                           wanted),
                *_breaches(seconds_between(now, Ticket.due_at),
                           cohort & Ticket.resolved_at.is_null() & (Ticket.due_at < now)
                           & (Ticket.status != TicketStatus.AWAITING),
                           Ticket.due_at, wanted)]
    breaches.sort(key=lambda b: (-b["late"], b["id"]))
    return {**_shares(row), "breach_count": int(row["breach_count"] or 0),
            "breaches": breaches[offset:wanted]}


def _walk_is_shorter(row, filters, wanted):
    """Whether finding the ``wanted`` most late of the period's tickets resolved late by
    walking the index of every ticket resolved late reads fewer rows than sorting the
    period's tickets (``row``: the period's counts for every ticket)."""
    everywhere = ReportDay.select(fn.SUM(ReportDay.resolved_late)).where(
        filters.condition(ReportDay)).scalar() or 0
    in_period = row["resolved_late"]
    return in_period and wanted * everywhere / in_period < row["created"]


def _breaches(late, where, order, limit):
    """The tickets matching ``where`` in ``order`` (then oldest first), up to ``limit``,
    with how ``late`` they are: chosen from the ticket table alone (in an index's order),
    then named."""
    worst = (Ticket.select(Ticket.id, late.alias("late")).where(where)
             .order_by(order, Ticket.id).limit(limit).alias("w"))
    assignees = User.alias()
    query = (Ticket.select(Ticket.id, Ticket.number, HelpTopic.name.alias("topic"),
                           Department.name.alias("department"),
                           Ticket.assignee.alias("assignee_id"),
                           assignees.full_name.alias("assignee"), worst.c.late.alias("late"))
             .from_(worst).join(Ticket, on=Ticket.id == worst.c.id)
             .join(HelpTopic, on=Ticket.topic == HelpTopic.id, src=Ticket)
             .join(Department, on=Ticket.department == Department.id, src=Ticket)
             .join(assignees, JOIN.LEFT_OUTER, on=Ticket.assignee == assignees.id, src=Ticket))
    return [dict(b, late=float(b["late"])) for b in query.dicts()]


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
    for key, row in found["open"][dimension].items():
        rows.setdefault(key, dict(BLANK_ROW))["open_now"] = int(row["tickets"])
    return rows


BLANK_ROW = {"created": 0, "resolved": 0, "answered_in_time": None, "resolved_in_time": None,
             "open_now": 0, "response_median": None, "resolution_median": None}


def _with_day_sums(rows, period, filters, columns, key):
    """Add to each row the period's sums of the summary's ``columns`` ({name: column})
    for its ``key``; a group with such counts and no row gets a blank one."""
    for row in rows.values():
        row.update(dict.fromkeys(columns, 0))
    for found in _day_sums(period.first, period.last, filters, columns, key.alias("key")):
        if any(found[name] for name in columns):
            row = rows.setdefault(found["key"], {**BLANK_ROW, **dict.fromkeys(columns, 0)})
            for name in columns:
                row[name] += int(found[name])
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
    """Per topic, with the period's closings and reopenings by requesters or the system."""
    rows = _table("topic", period, filters, now, figures_read)
    return _named("topic", _with_day_sums(rows, period, filters, CLOSE_LOOP, ReportDay.topic))


def by_agent(period, filters=NO_FILTERS, *, now, figures_read=None):
    """Per assignee: "created" counts the period's tickets now assigned to them."""
    return _named("agent", _table("agent", period, filters, now, figures_read))


def by_department(period, filters=NO_FILTERS, *, now, figures_read=None):
    """Per (current) department, with the transfers in and out during the period, and
    its closings and reopenings by requesters or the system."""
    rows = _table("department", period, filters, now, figures_read)
    counted = {"transfers_in": "transfers_in", "transfers_out": "transfers_out", **CLOSE_LOOP}
    return _named("department", _with_day_sums(rows, period, filters, counted,
                                               ReportDay.department))


def daily(period, filters=NO_FILTERS):
    """Created and resolved per local day (per ISO week, from its Monday, for periods
    longer than WEEKLY_AFTER_DAYS) and the open backlog at the end of each:
    [{"day": date, "created": n, "resolved": n, "backlog": n}]. The backlog counts tickets
    created and not resolved by then (by their present resolution time): those created
    before, less those resolved before (a ticket is resolved after it is created)."""
    weekly = period.days > WEEKLY_AFTER_DAYS
    first = period.first - timedelta(days=period.first.weekday() if weekly else 0)
    step = timedelta(days=7 if weekly else 1)
    days = [first + step * i for i in range((period.last - first) // step + 1)]
    counted = {"created": "created", "resolved": "resolutions"}
    per_day = {row["day"]: row for row in _day_sums(period.first, period.last, filters,
                                                    counted, ReportDay.day)}
    before = _day_sums(None, period.first - timedelta(days=1), filters, counted)[0]
    backlog = int(before["created"]) - int(before["resolved"])
    series = []
    for start in days:
        within = [per_day.get(start + timedelta(days=n), {}) for n in range(step.days)]
        created, resolved = (sum(int(row.get(name, 0)) for row in within)
                             for name in counted)
        backlog += created - resolved
        series.append({"day": start, "created": created, "resolved": resolved,
                       "backlog": backlog})
    return series
