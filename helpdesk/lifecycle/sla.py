"""The deadline watch: open tickets past their due time are marked overdue once."""
from peewee import fn

from .. import notifications, report_summary
from ..models import Ticket, TicketStatus, utcnow
from ._common import event, refreshed, transaction

BATCH = 500


def mark_overdue(*, now=None):
    """Mark open tickets past due as overdue; returns how many were newly breached.

    Safe to run often and from several processes at once: each ticket is flagged by a
    conditional UPDATE, and only the run that flags it writes the event and the alert.
    A ticket reopened after an earlier breach is flagged again without a second alert."""
    now = now or utcnow()
    breached = 0
    while True:
        candidates = list(Ticket.select(Ticket.id, Ticket.sla_breached_at)
                          .where(Ticket.status == TicketStatus.OPEN, ~Ticket.overdue,
                                 Ticket.due_at < now)
                          .order_by(Ticket.due_at).limit(BATCH))
        for candidate in candidates:
            breached += _flag(candidate, now)
        if len(candidates) < BATCH:
            return breached


def _flag(candidate, now):
    with transaction():
        won = (Ticket.update({Ticket.overdue: True,
                              Ticket.sla_breached_at: fn.COALESCE(Ticket.sla_breached_at, now)})
               .where(Ticket.id == candidate.id, Ticket.status == TicketStatus.OPEN,
                      ~Ticket.overdue, Ticket.due_at < now)
               .execute())
        if not won:
            return 0
        flagged = report_summary.state_of(candidate.id)  # the row is ours until commit
        report_summary.record(candidate.id, flagged[:-1] + (False,), flagged)
        if candidate.sla_breached_at is not None:
            return 0
        event(candidate, None, "overdue", now)
        notifications.overdue(refreshed(candidate))
        return 1
