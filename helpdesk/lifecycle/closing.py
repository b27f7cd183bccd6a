"""Closing the loop: the requester confirms a resolution ("Yes, close it"), says it is not
solved ("No, it isn't"), or closes their own open ticket; a resolution left unanswered
for AUTO_CLOSE_DAYS closes by itself (``auto_close``, an event by the system)."""
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import notifications, report_summary
from ..models import EntryKind, Ticket, TicketStatus, utcnow
from ._common import (InvalidTransition, NotAllowed, add_entry, after_closing, change, event,
                      locked, refreshed, status_changes, transaction)

BATCH = 500
_STATE_NAMES = [field.name for field in report_summary.STATE]


def confirm(ticket, *, by, now=None):
    """"Yes, close it": the requester confirms the resolution and the ticket closes; its
    assignee is told. Returns the event."""
    now = now or utcnow()
    _require_requester(ticket, by)
    with transaction():
        current = locked(ticket)
        _require_resolved(current)
        done = _close(current, by, "confirmed", now)
        notifications.closed_by_requester(refreshed(ticket), confirmed=True)
    return done


def report_unsolved(ticket, *, by, message, now=None):
    """"No, it isn't": the requester's message (required) enters the thread, the ticket
    reopens, and its assignee (or its department, when nobody has it) is alerted."""
    now = now or utcnow()
    message = (message or "").strip()
    _require_requester(ticket, by)
    if not message:
        raise InvalidTransition(_l("Please tell us what is still not solved."))
    with transaction():
        current = locked(ticket)
        _require_resolved(current)
        entry = add_entry(ticket, by, EntryKind.MESSAGE, message, (), now)
        change(ticket, {**status_changes(current, TicketStatus.OPEN, now),
                        Ticket.updated_at: now})
        done = event(current, by, "reopened", now, reason="not_solved")
        notifications.reported_unsolved(refreshed(ticket), entry)
    return done


def withdraw(ticket, *, by, comment="", now=None):
    """The requester closes their own open ticket, with an optional comment kept with
    the event; whoever handles it is told."""
    now = now or utcnow()
    comment = (comment or "").strip()
    _require_requester(ticket, by)
    with transaction():
        current = locked(ticket)
        if current.status == TicketStatus.CLOSED:
            raise InvalidTransition(_already_closed(current))
        if current.status == TicketStatus.RESOLVED:
            raise InvalidTransition(_l(
                "Ticket #%(number)s is marked resolved: please answer whether your problem "
                "is solved.", number=current.number))
        done = _close(current, by, "withdrawn", now, **({"comment": comment} if comment else {}))
        notifications.closed_by_requester(refreshed(ticket), confirmed=False, comment=comment)
    return done


def auto_close(*, now=None, days=None):
    """Close the tickets resolved at least ``days`` (AUTO_CLOSE_DAYS) ago that their
    requester left unanswered; returns how many closed. Safe to run from several
    processes at once: each ticket is closed by a conditional UPDATE, and only the run
    that closed it writes the event and the requester's e-mail."""
    now = now or utcnow()
    days = current_app.config["AUTO_CLOSE_DAYS"] if days is None else days
    cutoff = now - timedelta(days=days)
    closed, last = 0, 0
    while True:
        candidates = [ticket_id for (ticket_id,) in (
            Ticket.select(Ticket.id)
            .where(Ticket.status == TicketStatus.RESOLVED, Ticket.resolved_at <= cutoff,
                   Ticket.id > last)
            .order_by(Ticket.id).limit(BATCH).tuples())]
        for ticket_id in candidates:
            closed += _close_unanswered(ticket_id, cutoff, days, now)
        if len(candidates) < BATCH:
            return closed
        last = candidates[-1]


def _close_unanswered(ticket_id, cutoff, days, now):
    with transaction():
        won = (Ticket.update({Ticket.status: TicketStatus.CLOSED, Ticket.closed_at: now,
                              Ticket.updated_at: now})
               .where(Ticket.id == ticket_id, Ticket.status == TicketStatus.RESOLVED,
                      Ticket.resolved_at <= cutoff)
               .execute())
        if not won:
            return 0
        closed = report_summary.state_of(ticket_id)  # the row is ours until commit
        before = list(closed)
        before[_STATE_NAMES.index("closed_at")] = None
        before[_STATE_NAMES.index("status")] = TicketStatus.RESOLVED
        report_summary.record(ticket_id, tuple(before), closed)
        ticket = Ticket.get_by_id(ticket_id)
        event(ticket, None, "auto_closed", now, days=days)
        after_closing(ticket, None, now)
        notifications.closed_automatically(ticket, days)
        return 1


def _close(current, by, kind, now, **detail):
    change(current, {**status_changes(current, TicketStatus.CLOSED, now),
                     Ticket.updated_at: now})
    done = event(current, by, kind, now, **detail)
    after_closing(current, by, now)
    return done


def _require_requester(ticket, by):
    if by is None or by.id != ticket.requester_id:
        raise NotAllowed(_l("Only the person who opened this ticket can do this."))


def _require_resolved(current):
    if current.status == TicketStatus.CLOSED:
        raise InvalidTransition(_already_closed(current))
    if current.status != TicketStatus.RESOLVED:
        raise InvalidTransition(_l(
            "Ticket #%(number)s has not been marked resolved yet: there is no resolution "
            "to answer.", number=current.number))


def _already_closed(current):
    return _l("Ticket #%(number)s is already closed.", number=current.number)
