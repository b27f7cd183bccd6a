"""The deadline watch, one pass per clock: open tickets past their resolution due time are
marked overdue once, open tickets still unanswered past their first response's due time
are flagged once; each breach is an event saying how late, and one alert to the assignee
(or the department). Tickets awaiting the citizen, resolved or closed are never flagged:
their clocks do not run."""
from peewee import fn

from .. import notifications, report_summary
from ..models import Ticket, TicketStatus, utcnow
from ._common import event, refreshed, transaction

BATCH = 500


def mark_overdue(*, now=None):
    """Flag the breaches of both clocks; returns how many were newly breached (each
    ticket once per clock).

    Safe to run often and from several processes at once: each ticket is flagged by a
    conditional UPDATE, and only the run that flags it writes the event and the alert.
    A ticket reopened after an earlier breach is flagged again without a second alert."""
    now = now or utcnow()
    return (_each(_late_resolutions, _flag_resolution, now)
            + _each(_late_answers, _flag_answer, now))


def _each(late, flag, now):
    breached, last = 0, 0
    while True:
        candidates = list(late(now, last).limit(BATCH))
        for candidate in candidates:
            breached += flag(candidate, now)
        if len(candidates) < BATCH:
            return breached
        last = candidates[-1].id


def _late_resolutions(now, last):
    return (Ticket.select(Ticket.id, Ticket.due_at, Ticket.sla_breached_at)
            .where(_resolution_late(now), Ticket.id > last).order_by(Ticket.id))


def _resolution_late(now):
    return (Ticket.status == TicketStatus.OPEN) & ~Ticket.overdue & (Ticket.due_at < now)


def _late_answers(now, last):
    return (Ticket.select(Ticket.id, Ticket.first_response_due_at)
            .where(_answer_late(now), Ticket.id > last).order_by(Ticket.id))


def _answer_late(now):
    return ((Ticket.status == TicketStatus.OPEN) & Ticket.first_response_at.is_null()
            & Ticket.first_response_breached_at.is_null()
            & (Ticket.first_response_due_at < now))


def _flag_resolution(candidate, now):
    with transaction():
        won = (Ticket.update({Ticket.overdue: True,
                              Ticket.sla_breached_at: fn.COALESCE(Ticket.sla_breached_at, now)})
               .where(Ticket.id == candidate.id, _resolution_late(now))
               .execute())
        if not won:
            return 0
        flagged = report_summary.state_of(candidate.id)  # the row is ours until commit
        report_summary.record(candidate.id, flagged[:-1] + (False,), flagged)
        if candidate.sla_breached_at is not None:
            return 0
        event(candidate, None, "overdue", now, clock="resolution",
              late=_late(candidate.due_at, now))
        notifications.overdue(refreshed(candidate))
        return 1


def _flag_answer(candidate, now):
    with transaction():
        won = (Ticket.update({Ticket.first_response_breached_at: now})
               .where(Ticket.id == candidate.id, _answer_late(now)).execute())
        if not won:
            return 0
        event(candidate, None, "response_overdue", now, clock="first_response",
              late=_late(candidate.first_response_due_at, now))
        notifications.response_overdue(refreshed(candidate))
        return 1


def _late(due, now):
    """Whole seconds past the due time when the watch found it."""
    return int((now - due).total_seconds())
