"""The clocks of tickets written without them: by the migration that added them
(0022_ticket_clocks), and by the demo data's bulk load. See that migration for what an
older ticket's clocks become."""
from peewee import fn

from .. import sla_plans, working_time
from ..clock_models import TicketHolding
from ..db import db, utcnow
from ..models import Ticket, TicketStatus, TicketTransfer
from ..report_sql import on_postgres

BATCH = 5000
READ = (Ticket.id, Ticket.topic, Ticket.status, Ticket.created_at, Ticket.due_at,
        Ticket.first_response_at, Ticket.resolved_at, Ticket.closed_at)
WRITTEN = ("first_response_due_at", "first_response_breached_at", "next_due_at",
           "resolution_used_seconds", "paused_at")


def fill_clocks(first_id=0):
    """Every clock field of the tickets from id ``first_id`` on, from their creation, due
    time and answers, by id in batches: each batch's values are computed here (working
    time, holidays) and written in one statement, every field at once (each pass over
    the table rewrites its rows and every index entry on PostgreSQL)."""
    targets, last, now = {}, first_id - 1, utcnow()
    while True:
        rows = list(Ticket.select(*READ).where(Ticket.id > last).order_by(Ticket.id)
                    .limit(BATCH).tuples())
        if not rows:
            return
        for row in rows:
            if row[1] not in targets:
                targets[row[1]] = sla_plans.targets_for(row[1])
        _write([_clocks(row, targets[row[1]], now) for row in rows])
        last = rows[-1][0]


def _clocks(row, plan, now):
    """(id, *WRITTEN) of one ticket."""
    ticket_id, _topic, status, created, due, answered, resolved, closed = row
    answer_due = working_time.add(plan.first_response_calendar, created,
                                  plan.first_response_seconds)
    waiting = status == TicketStatus.OPEN and answered is None
    stopped = status in (TicketStatus.RESOLVED, TicketStatus.CLOSED)
    used = (resolved - created).total_seconds() if stopped and resolved else 0.0
    return (ticket_id, answer_due, answer_due if waiting and answer_due < now else None,
            min(answer_due, due) if waiting else due, used,
            (resolved or closed) if stopped else None)


def _write(values):
    if on_postgres():
        from psycopg2.extras import execute_values
        assigned = ", ".join(f"{name} = v.{name}" for name in WRITTEN)
        execute_values(db.database.cursor(), (
            f"UPDATE ticket SET {assigned} FROM (VALUES %s) AS v(id, {', '.join(WRITTEN)}) "
            # the batch's range, so that the planner reads it from the key's index
            # rather than the whole table for each batch
            f"WHERE ticket.id = v.id AND ticket.id BETWEEN {int(values[0][0])} "
            f"AND {int(values[-1][0])}"), values, page_size=len(values),
            template="(%s, %s::timestamp, %s::timestamp, %s::timestamp, %s::real, "
                     "%s::timestamp)")
    else:
        assigned = ", ".join(f"{name} = ?" for name in WRITTEN)
        db.database.cursor().executemany(
            f"UPDATE ticket SET {assigned} WHERE id = ?",
            [(*(_text(v) for v in row[1:]), row[0]) for row in values])


def _text(value):
    """A time as the SQLite text peewee writes ("YYYY-MM-DD HH:MM:SS[.ffffff]")."""
    return value if value is None or isinstance(value, float) else str(value)


def fill_holdings(first_id=0):
    """The open tickets' departments hold them since their last transfer in, or their
    creation."""
    moved_in = (TicketTransfer.select(fn.MAX(TicketTransfer.created_at))
                .where(TicketTransfer.ticket == Ticket.id))
    TicketHolding.insert_from(
        Ticket.select(Ticket.id, Ticket.department,
                      fn.COALESCE(moved_in, Ticket.created_at))
        .where(Ticket.status == TicketStatus.OPEN, Ticket.id >= first_id),
        [TicketHolding.ticket, TicketHolding.department, TicketHolding.started_at]).execute()
