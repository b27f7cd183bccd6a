"""The open tickets counted without reading each one: whole UTC days come from the
tally the lifecycle keeps (``OpenTally``, through ``report_summary``), and only the day a
boundary falls in is counted on the tickets, through an index on its time column. The
cost follows the days of backlog, not the number of tickets."""
from datetime import datetime, time, timedelta

from peewee import SQL, NodeList, Select, Value, fn

from . import queries
from .db import db
from .models import Ticket, TicketStatus
from .summary_models import OpenTally


def _tallied(condition):
    return OpenTally.select(fn.COALESCE(fn.SUM(OpenTally.tickets), 0)).where(condition)


def _counts(named):
    """{name: scalar query} run as one statement: {name: int}."""
    query = Select(columns=[NodeList((SQL("("), q, SQL(")"))).alias(name)
                            for name, q in named.items()])
    row = db.database.execute(query).fetchone()
    return {name: int(value or 0) for name, value in zip(named, row)}


def _before(moment, day_column, column, filters, inclusive):
    """Open tickets whose ``column`` is before ``moment`` (or at it when ``inclusive``),
    as two queries: whole days from the tally, the day of ``moment`` from the tickets."""
    day = moment.date()
    upto = column <= moment if inclusive else column < moment
    return (_tallied(filters.condition(OpenTally) & (day_column < day)),
            Ticket.select(fn.COUNT(SQL("*"))).where(
                filters.condition(), Ticket.status == TicketStatus.OPEN,
                column >= datetime.combine(day, time()), upto))


def _opened_by(moment, filters):
    """Open tickets created at or before ``moment`` (naive UTC)."""
    return _before(moment, OpenTally.created_day, Ticket.created_at, filters, True)


def backlog(filters, now, ages):
    """{"open", "overdue" (due before ``now``), and per (name, younger, older) of
    ``ages``: the open tickets created between ``older`` (excluded; None: ever) and
    ``younger`` days before now}, in one statement."""
    parts = {"open": _tallied(filters.condition(OpenTally))}
    parts["overdue_days"], parts["overdue_today"] = _before(
        now, OpenTally.due_day, Ticket.due_at, filters, False)
    boundaries = sorted({days for _, *pair in ages for days in pair if days is not None})
    for days in boundaries:
        parts[f"by_{days}_days"], parts[f"by_{days}_today"] = _opened_by(
            now - timedelta(days=days), filters)
    counts = _counts(parts)

    def opened(days):
        return counts[f"by_{days}_days"] + counts[f"by_{days}_today"]

    figures = {"overdue": counts["overdue_days"] + counts["overdue_today"],
               "open": counts["open"]}
    for name, younger, older in ages:
        figures[name] = opened(younger) - (opened(older) if older is not None else 0)
    return figures


def desk_counts(user):
    """An agent's desk home: open tickets assigned to them, unassigned in their
    departments, and flagged overdue among those they can act on
    (``queries.tickets_actionable_by``)."""
    if queries.oversees(user):
        theirs = Value(1) == 1
    elif user.has_role("agent"):
        theirs = OpenTally.department.in_(queries.department_ids_of(user))
    else:
        return {"mine": 0, "none": 0, "overdue": 0}
    return _counts({"mine": _tallied(OpenTally.assignee == user.id),
                    "none": _tallied((OpenTally.assignee == 0) & theirs),
                    "overdue": _tallied((OpenTally.overdue == 1)
                                        & (theirs | (OpenTally.assignee == user.id)))})
