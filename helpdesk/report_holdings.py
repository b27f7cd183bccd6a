"""How long each department held tickets (``TicketHolding``, kept by the lifecycle): the
holdings that ended in the period (by a transfer out, a resolution or a closing), per
department, in working time (the ticket's plan's hours) and around the clock."""
from peewee import SQL, fn

from .clock_models import TicketHolding
from .models import Department, Ticket
from .report_period import NO_FILTERS


def held_by_department(period, filters=NO_FILTERS):
    """[{"id", "name", "holdings", "working_seconds", "calendar_seconds",
    "working_average"}] in name order; the topic filter is the ticket's, the department
    filter the holding's."""
    condition = period.holds(TicketHolding.ended_at)
    if filters.topic:
        condition &= TicketHolding.ticket.in_(
            Ticket.select(Ticket.id).where(Ticket.topic == filters.topic))
    if filters.department:
        condition &= TicketHolding.department == filters.department
    query = (TicketHolding.select(TicketHolding.department, Department.name,
                                  fn.COUNT(SQL("*")), fn.SUM(TicketHolding.working_seconds),
                                  fn.SUM(TicketHolding.calendar_seconds))
             .join(Department).where(condition)
             .group_by(TicketHolding.department, Department.name).tuples())
    rows = [{"id": department, "name": name, "holdings": count,
             "working_seconds": working, "calendar_seconds": calendar,
             "working_average": working / count if count else None}
            for department, name, count, working, calendar in query]
    return sorted(rows, key=lambda row: (row["name"].lower(), row["id"]))
