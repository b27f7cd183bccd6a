"""Which clock of a ticket needs attention, as the queue shows it: each running clock is
late (past its due time) or at risk (due within the next RISK_SECONDS of working time, in
the calendar of the ticket's plan; around the clock when the plan has none)."""
from . import sla_plans, working_time
from .models import TicketStatus

RISK_SECONDS = 4 * 3600
LATE, AT_RISK = "late", "at_risk"
FIRST_RESPONSE, RESOLUTION = "first_response", "resolution"


def risks(ticket, now):
    """[(clock, LATE | AT_RISK)] of the ticket's running clocks that need attention, the
    first response's first. A ticket awaiting the citizen, resolved or closed has none."""
    if ticket.status not in TicketStatus.RUNNING:
        return []
    targets = sla_plans.targets_for(ticket.topic_id)
    calendar = targets.first_response_calendar or targets.resolution_calendar
    found = []
    if ticket.first_response_at is None and ticket.first_response_due_at is not None:
        found.append((FIRST_RESPONSE, _state(calendar, ticket.first_response_due_at, now)))
    late = ticket.overdue or ticket.due_at < now
    found.append((RESOLUTION, LATE if late else _state(calendar, ticket.due_at, now)))
    return [(clock, state) for clock, state in found if state]


def _state(calendar, due, now):
    if due < now:
        return LATE
    if working_time.measure(calendar, now, due) <= RISK_SECONDS:
        return AT_RISK
    return None
