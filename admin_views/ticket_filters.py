"""Filters of the ticket queue. Each works on a column of Ticket itself (no join for
Flask-Admin to add), has a fixed URL key (``?flt0_status=open``, stable across languages)
and lists its options from the database on each request: help topics, departments and
staff members read in one statement (``directory_options``)."""
from datetime import timedelta

from flask import g, has_request_context
from flask_admin.contrib.peewee.filters import BasePeeweeFilter, DateBetweenFilter
from flask_babel import get_timezone, lazy_gettext as _l
from flask_login import current_user
from peewee import SQL, Value

from helpdesk import queries
from helpdesk.db import among, unindexed
from helpdesk.localtime import midnight_utc
from helpdesk.models import (STAFF_ROLES, Department, HelpTopic, Role, Ticket, TicketStatus,
                             User, UserRoles)
from helpdesk.reused_sql import reused

TOPICS, DEPARTMENTS, STAFF = 1, 2, 3


def _options_statement():
    """(kind, id, name, e-mail address) of every help topic, department and active staff
    member, each kind by name (``queries.staff_members``' order for the staff)."""
    staff = UserRoles.select(UserRoles.user).join(Role).where(Role.name.in_(STAFF_ROLES))
    return (HelpTopic.select(Value(TOPICS), HelpTopic.id, HelpTopic.name, SQL("NULL"))
            + Department.select(Value(DEPARTMENTS), Department.id, Department.name,
                                SQL("NULL"))
            + User.select(Value(STAFF), User.id, User.full_name, User.email)
            .where(User.active, among(User.id, staff))).order_by(SQL("1, 3, 4"))


def directory_options():
    """The rows of ``_options_statement``, read once per request (a tuple: the view
    rebuilds its filters only when it changes)."""
    if "queue_options" not in g:
        g.queue_options = tuple(tuple(row) for row in reused(
            "queue filter options", _options_statement).fetchall())
    return g.queue_options


def _options(kind):
    return [(str(id), name) for k, id, name, _ in directory_options() if k == kind]


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
        if value == self.ANY:
            return query
        # open and awaiting tickets are few, read from the (status, next_due_at) index;
        # resolved and closed ones are most of them, read in the list's order and checked
        # one by one
        column = Ticket.status if value not in (TicketStatus.RESOLVED, TicketStatus.CLOSED) \
            else unindexed(Ticket.status)
        return query.where(column == value)


class TopicFilter(ChoiceFilter):
    def choices(self):
        return _options(TOPICS)

    def apply(self, query, value):
        return query.where(Ticket.topic == int(value))


class DepartmentFilter(ChoiceFilter):
    def choices(self):
        return _options(DEPARTMENTS)

    def apply(self, query, value):
        return query.where(Ticket.department == int(value))


class AssigneeFilter(ChoiceFilter):
    MINE, NOBODY = "mine", "none"

    def choices(self):
        return [(self.MINE, _l("me")), (self.NOBODY, _l("nobody (unassigned)"))] + [
            (str(id), name or email) for kind, id, name, email in directory_options()
            if kind == STAFF]

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
        return query.where(queries.worked_on_condition(current_user))

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
