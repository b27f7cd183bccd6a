"""The clocks of tickets written without them: by the migration that added them
(0022_ticket_clocks), and by the demo data's bulk load. See that migration for what an
older ticket's clocks become."""
from peewee import Case, fn

from .. import sla_plans, working_time
from ..clock_models import TicketHolding
from ..db import db, utcnow
from ..models import Ticket, TicketStatus, TicketTransfer
from ..report_sql import exact_seconds, on_postgres

BATCH = 5000


def fill_clocks(first_id=0):
    """Every clock field of the tickets from id ``first_id`` on, from their creation, due
    time and answers."""
    _first_response_due(first_id)
    mine = Ticket.id >= first_id
    stopped = Ticket.status.in_([TicketStatus.RESOLVED, TicketStatus.CLOSED])
    (Ticket.update({Ticket.resolution_used_seconds: fn.COALESCE(
        exact_seconds(Ticket.resolved_at, Ticket.created_at), 0),
        Ticket.paused_at: fn.COALESCE(Ticket.resolved_at, Ticket.closed_at)})
     .where(mine, stopped).execute())
    running = (Ticket.status == TicketStatus.OPEN) & Ticket.first_response_at.is_null()
    Ticket.update({Ticket.first_response_breached_at: Ticket.first_response_due_at}).where(
        mine, running, Ticket.first_response_due_at < utcnow()).execute()
    Ticket.update({Ticket.next_due_at: Case(None, [(
        running & (Ticket.first_response_due_at < Ticket.due_at),
        Ticket.first_response_due_at)], Ticket.due_at)}).where(mine).execute()


def _first_response_due(first_id):
    """first_response_due_at of every ticket, by id in batches: each batch's times are
    computed here (working time, holidays) and written in one statement."""
    targets, last = {}, first_id - 1
    while True:
        rows = list(Ticket.select(Ticket.id, Ticket.topic, Ticket.created_at)
                    .where(Ticket.id > last).order_by(Ticket.id).limit(BATCH).tuples())
        if not rows:
            return
        due = []
        for ticket_id, topic_id, created in rows:
            if topic_id not in targets:
                targets[topic_id] = sla_plans.targets_for(topic_id)
            plan = targets[topic_id]
            due.append((ticket_id, working_time.add(plan.first_response_calendar, created,
                                                    plan.first_response_seconds)))
        _write(due)
        last = rows[-1][0]


def _write(due):
    """Set first_response_due_at of [(ticket id, time)]: one statement on PostgreSQL (a
    CASE of thousands of branches is tested row by row), one prepared statement run for
    each row on SQLite (no round trips there)."""
    if on_postgres():
        from psycopg2.extras import execute_values
        execute_values(db.database.cursor(), (
            "UPDATE ticket SET first_response_due_at = v.due FROM (VALUES %s) AS v(id, due) "
            "WHERE ticket.id = v.id"), due, page_size=len(due))
    else:
        db.database.cursor().executemany(
            "UPDATE ticket SET first_response_due_at = ? WHERE id = ?",
            [(str(moment), ticket_id) for ticket_id, moment in due])


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
