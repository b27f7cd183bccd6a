"""The two clocks of a ticket and the departments' holdings.

The first response is due ``first_response_due_at`` (the plan's first-response target from
the opening) and stops at the first public staff reply. The resolution clock runs while
the ticket is open and stops when it awaits the citizen, is resolved or closed: the time
it used is kept in ``resolution_used_seconds``, and when it runs again the due time is
what is left of the target from that moment (a reopen continues, it does not restart).
``due_at`` of a stopped ticket is where the due time would be had it resumed when it
stopped; awaiting then resolved, it is moved to the moment of the resolution, so that
"resolved by its due time" (the reports' test) stays true exactly when the clock did not
run out. Every value here is computed from the ticket's help topic's plan
(``sla_plans.targets_for``), cached per process."""
from datetime import timedelta

from .. import prepared, sla_plans, working_time
from ..models import Ticket, TicketStatus
from ..clock_models import TicketHolding


def opening(topic, now):
    """The clock fields of a ticket opened at ``now`` under ``topic`` (field names)."""
    targets = sla_plans.targets_for(topic)
    due = working_time.add(targets.resolution_calendar, now, targets.resolution_seconds)
    answer_due = working_time.add(targets.first_response_calendar, now,
                                  targets.first_response_seconds)
    return {"due_at": due, "first_response_due_at": answer_due,
            "resolution_used_seconds": 0.0, "paused_at": None,
            "next_due_at": min(due, answer_due)}


def left(calendar, now, due):
    """The clock's time left at ``now`` before ``due``; negative when past it."""
    if due >= now:
        return working_time.measure(calendar, now, due)
    return -working_time.measure(calendar, due, now)


def projected(calendar, now, remaining):
    """The due time of a clock started at ``now`` with ``remaining`` seconds left; when
    nothing is left, as far before ``now`` as the clock overran (around the clock)."""
    if remaining >= 0:
        return working_time.add(calendar, now, remaining)
    return now - timedelta(seconds=-remaining)


def moving(current, status, now):
    """{field: value} of the resolution clock when ``current`` (the locked ticket) moves
    to ``status``: stopped, kept stopped, or continued from the time used."""
    was_running = current.status in TicketStatus.RUNNING
    runs = status in TicketStatus.RUNNING
    if was_running and runs:
        return {}
    targets = sla_plans.targets_for(current.topic_id)
    calendar = targets.resolution_calendar
    if was_running:  # stops now: the due time stays, the time used is kept
        used = targets.resolution_seconds - left(calendar, now, current.due_at)
        return {Ticket.resolution_used_seconds: used, Ticket.paused_at: now}
    used = current.resolution_used_seconds or 0.0
    changes = {}
    if runs or current.status == TicketStatus.AWAITING:
        changes[Ticket.due_at] = projected(calendar, now, targets.resolution_seconds - used)
    changes[Ticket.paused_at] = None if runs else current.paused_at
    return changes


def next_due(current, changes):
    """The nearer due time of the clocks running once ``changes`` apply to ``current``:
    the first response's while it is open and unanswered, else the resolution's. A
    stopped ticket keeps its resolution due time (the queue of every status stays in due
    order)."""
    def value(field):
        return changes[field] if field in changes else getattr(current, field.name)
    due = value(Ticket.due_at)
    answer_due = value(Ticket.first_response_due_at)
    if (value(Ticket.status) in TicketStatus.RUNNING and answer_due is not None
            and value(Ticket.first_response_at) is None):
        return min(due, answer_due)
    return due


def hold(ticket, department, now):
    """``department`` starts holding the ticket (its INSERT built once: every new ticket
    runs it)."""
    prepared.create(TicketHolding, ticket=ticket, department=department, started_at=now)


def let_go(current, now):
    """The department holding the ticket stops: its holding gets its end and lengths."""
    targets = sla_plans.targets_for(current.topic_id)
    calendar = targets.resolution_calendar or targets.first_response_calendar
    for holding in TicketHolding.select().where(TicketHolding.ticket == current.id,
                                                TicketHolding.ended_at.is_null()):
        (TicketHolding.update(
            ended_at=now,
            working_seconds=working_time.measure(calendar, holding.started_at, now),
            calendar_seconds=max((now - holding.started_at).total_seconds(), 0.0))
         .where(TicketHolding.id == holding.id).execute())


HELD = (TicketStatus.OPEN, TicketStatus.AWAITING)


def holding_moves(current, status, now, department=None):
    """Holdings follow the status: resolved or closed, the department lets go; open or
    awaiting again after that, it (or ``department``, a transfer's) holds it anew."""
    if current.status in HELD and status not in HELD:
        let_go(current, now)
    elif status in HELD and current.status not in HELD:
        hold(current.id, department or current.department_id, now)
