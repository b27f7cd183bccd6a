"""Filters of the ticket queue. Each works on a column of Ticket itself (no join for
Flask-Admin to add), has a fixed URL key (``?flt0_status=open``, stable across languages)
and lists its options from the database on each request."""
from datetime import timedelta

from flask import has_request_context
from flask_admin.contrib.peewee.filters import BasePeeweeFilter, DateBetweenFilter
from flask_babel import get_timezone, lazy_gettext as _l
from flask_login import current_user

from helpdesk import queries
from helpdesk.localtime import midnight_utc
from helpdesk.models import Department, HelpTopic, Ticket, TicketStatus, User


class ChoiceFilter(BasePeeweeFilter):
    """A drop-down filter; each subclass's ``choices()`` gives [(value, label)] when a
    request runs."""

    def __init__(self, key, name, column):
        super().__init__(column, name)
        self.key_name = key

    def get_options(self, view):
        return self.choices() if has_request_context() else []

    def validate(self, value):
        return value in {str(v) for v, _ in self.choices()}

    def operation(self):
        return _l("is")


class StatusFilter(ChoiceFilter):
    ANY = "any"

    def choices(self):
        return [*TicketStatus.LABELS.items(), (self.ANY, _l("any status"))]

    def apply(self, query, value):
        return query if value == self.ANY else query.where(Ticket.status == value)


class TopicFilter(ChoiceFilter):
    def choices(self):
        return [(str(id), name) for id, name in HelpTopic.select(HelpTopic.id, HelpTopic.name)
                .order_by(HelpTopic.name).tuples()]

    def apply(self, query, value):
        return query.where(Ticket.topic == int(value))


class DepartmentFilter(ChoiceFilter):
    def choices(self):
        return [(str(id), name) for id, name in Department.select(
            Department.id, Department.name).order_by(Department.name).tuples()]

    def apply(self, query, value):
        return query.where(Ticket.department == int(value))


class AssigneeFilter(ChoiceFilter):
    MINE, NOBODY = "mine", "none"

    def choices(self):
        return [(self.MINE, _l("me")), (self.NOBODY, _l("nobody (unassigned)"))] + [
            (str(u.id), str(u)) for u in queries.staff_members().select(
                User.id, User.full_name, User.email)]

    def apply(self, query, value):
        if value == self.MINE:
            return query.where(Ticket.assignee == current_user.id)
        if value == self.NOBODY:
            return query.where(Ticket.assignee.is_null())
        return query.where(Ticket.assignee == int(value))


class OverdueFilter(ChoiceFilter):
    def choices(self):
        return [("yes", _l("yes")), ("no", _l("no"))]

    def apply(self, query, value):
        return query.where(Ticket.overdue == (value == "yes"))


class WorkedOnFilter(ChoiceFilter):
    """The tickets I claimed, answered, noted, transferred or was given, wherever they
    are now (read-only once they left my departments)."""

    def choices(self):
        return [("me", _l("me"))]

    def apply(self, query, value):
        return query.where(Ticket.id.in_(queries.worked_on_by(current_user)))

    def operation(self):
        return _l("by")


class CreatedBetweenFilter(DateBetweenFilter):
    """Created (or another time ``column``) between two days, both included, in the
    desk's time zone."""

    def __init__(self, key, name, column=Ticket.created_at):
        super().__init__(column, name)
        self.key_name = key

    def apply(self, query, value):
        start, end = (_utc(day) for day in value)
        return query.where(self.column >= start, self.column < end + timedelta(days=1))


def _utc(day):
    """Local midnight of ``day`` as naive UTC (how times are stored)."""
    return midnight_utc(day, get_timezone())


def queue_filters():
    return [
        StatusFilter("status", _l("Status"), Ticket.status),
        TopicFilter("topic", _l("Help topic"), Ticket.topic),
        DepartmentFilter("department", _l("Department"), Ticket.department),
        AssigneeFilter("assignee", _l("Assignee"), Ticket.assignee),
        OverdueFilter("overdue", _l("Overdue"), Ticket.overdue),
        WorkedOnFilter("worked_on", _l("Worked on"), Ticket.id),
        CreatedBetweenFilter("created", _l("Created")),
    ]
