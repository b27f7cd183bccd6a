"""The open tickets counted without reading each one: whole UTC days come from the
tally the lifecycle keeps (``OpenTally``, through ``report_summary``), and only the day a
boundary falls in is counted on the tickets, through an index on its time column. The
cost follows the days of backlog, not the number of tickets."""
from dataclasses import replace
from datetime import datetime, time, timedelta

from peewee import SQL, Case, NodeList, Select, Value, fn

from . import queries
from .models import Ticket, TicketStatus
from .reused_sql import reused
from .summary_models import OpenTally


class _Tallied:
    """The open tickets of the tally rows ``condition`` holds for: summed with the
    statement's other tallies in one pass over the tally (``_select``)."""

    def __init__(self, condition):
        self.condition = condition


def _tallied(condition):
    return _Tallied(condition)


def _select(named):
    """{name: scalar query, or ``_Tallied``} as one statement of one row. The tallies are
    the sums of one read of the tally (a few thousand rows a year, read once instead of
    once per figure); the other queries are subqueries."""
    tallies = {name: part for name, part in named.items() if isinstance(part, _Tallied)}
    sums = None
    if tallies:
        sums = OpenTally.select(*[
            fn.SUM(Case(None, [(part.condition, OpenTally.tickets)], 0)).alias(name)
            for name, part in tallies.items()]).alias("tallied")
    columns = [sums.c[name].alias(name) if name in tallies
               else NodeList((SQL("("), query, SQL(")"))).alias(name)
               for name, query in named.items()]
    return Select(from_list=[sums] if sums is not None else None, columns=columns)


_names = {}  # a statement's key -> the names of its columns


def _counts(key, named, values):
    """``named(*values)`` ({name: scalar query}) run as one statement, its SQL built once
    per ``key`` (``reused_sql``): {name: int}."""
    def build(*stand_ins):
        parts = named(*stand_ins)
        _names[key] = list(parts)
        return _select(parts)

    row = reused(key, build, values).fetchone()
    return {name: int(value or 0) for name, value in zip(_names[key], row)}


def _moment(moment):
    """What a count up to ``moment`` needs: the moment, its UTC day and that day's start."""
    day = moment.date()
    return [moment, day, datetime.combine(day, time())]


def _before(moment, day, midnight, day_column, column, filters, inclusive, since=False):
    """Open tickets whose ``column`` is before ``moment`` (or at it when ``inclusive``),
    as two queries: whole days (before ``day``) from the tally, the day of ``moment``
    (from ``midnight``) from the tickets. ``since``: the tally's part is instead the
    tickets of ``day`` and later, to be taken from all the open ones: the tally's index
    leads with the day created, so that reads only the recent days (at a million tickets
    a sum per day boundary over the whole tally cost 2.7 ms of the desk home's 6)."""
    upto = column <= moment if inclusive else column < moment
    days = (day_column >= day) if since else (day_column < day)
    return (OpenTally.select(fn.COALESCE(fn.SUM(OpenTally.tickets), 0)).where(
                filters.condition(OpenTally) & days),
            Ticket.select(fn.COUNT(SQL("*"))).where(
                filters.condition(), Ticket.status == TicketStatus.OPEN,
                column >= midnight, upto))


def filter_values(filters):
    """(key, values, reshape) for a statement built once (``reused_sql``) under
    ``filters``: ``reshape(*stand_ins)`` gives the filters with the stand-ins of
    ``values`` in place of their topic and department."""
    chosen = tuple(name for name in ("topic", "department") if getattr(filters, name))
    return ((type(filters), chosen), [getattr(filters, name) for name in chosen],
            lambda *given: replace(filters, **dict(zip(chosen, given))))


def backlog(filters, now, ages):
    """{"open", "overdue" (due before ``now``), and per (name, younger, older) of
    ``ages``: the open tickets created between ``older`` (excluded; None: ever) and
    ``younger`` days before now}, in one statement."""
    boundaries = sorted({days for _, *pair in ages for days in pair if days is not None})
    shape, values, reshape = filter_values(filters)
    values += _moment(now)
    for days in boundaries:
        values += _moment(now - timedelta(days=days))

    def named(*given):
        shaped = reshape(*given)
        moments = given[len(given) - 3 * (len(boundaries) + 1):]
        parts = {"open": _tallied(shaped.condition(OpenTally))}
        parts["overdue_days"], parts["overdue_today"] = _before(
            *moments[:3], OpenTally.due_day, Ticket.due_at, shaped, False)
        for n, days in enumerate(boundaries, start=1):
            parts[f"since_{days}_days"], parts[f"by_{days}_today"] = _before(
                *moments[3 * n:3 * n + 3], OpenTally.created_day, Ticket.created_at,
                shaped, True, since=True)
        return parts

    counts = _counts(("backlog", shape, tuple(boundaries)), named, values)

    def opened(days):
        return counts["open"] - counts[f"since_{days}_days"] + counts[f"by_{days}_today"]

    figures = {"overdue": counts["overdue_days"] + counts["overdue_today"],
               "open": counts["open"]}
    for name, younger, older in ages:
        figures[name] = opened(younger) - (opened(older) if older is not None else 0)
    return figures


def desk_counts(user):
    """An agent's desk home and the queue's shortcuts: among the open tickets they can
    act on (``queries.tickets_actionable_by``), all, those assigned to them, the
    unassigned and those flagged overdue; apart from them, those awaiting the citizen
    (not open for the desk: nothing is due from it, and they are never overdue), counted
    on the tickets through the (department, status, next_due_at) index."""
    oversees = queries.oversees(user)
    if not oversees and not user.has_role("agent"):
        return {"open": 0, "mine": 0, "none": 0, "overdue": 0, "awaiting": 0}

    def named(me):
        theirs = (Value(1) == 1) if oversees \
            else OpenTally.department.in_(queries.department_ids_of(me))
        their_tickets = (Value(1) == 1) if oversees \
            else Ticket.department.in_(queries.department_ids_of(me))
        return {"open": _tallied(theirs | (OpenTally.assignee == me)),
                "mine": _tallied(OpenTally.assignee == me),
                "none": _tallied((OpenTally.assignee == 0) & theirs),
                "overdue": _tallied((OpenTally.overdue == 1)
                                    & (theirs | (OpenTally.assignee == me))),
                # the status written in the statement, not as a parameter: PostgreSQL's
                # generic plan of the prepared statement then knows it is a rare one
                # (as a parameter it planned for a quarter of a million tickets: 5 ms)
                "awaiting": Ticket.select(fn.COUNT(SQL("*"))).where(
                    Ticket.status == SQL(f"'{TicketStatus.AWAITING}'"),
                    their_tickets | (Ticket.assignee == me))}

    return _counts(("desk", oversees), named, [user.id])
