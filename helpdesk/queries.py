"""The read side: every ticket or file a user sees is loaded through a scoped query here."""
import time

from peewee import JOIN, SQL, fn

from .db import among, on_sqlite, unindexed
from .models import (
    AgentDepartment,
    Attachment,
    Department,
    EntryKind,
    HelpTopic,
    InboundMail,
    Role,
    STAFF_ROLES,
    Ticket,
    TicketEvent,
    TicketParticipant,
    ThreadEntry,
    User,
    UserRoles,
)
from .prepared import Prepared, slot


def active_topics():
    """The topics a citizen may choose, with their departments (a new ticket's), read at
    every call. The same rows as the last read give the same objects, made once per
    process: making them took longer than reading them (a tenth of the new-ticket form).
    They are shared by the requests, so read them, never change them. The objects are made
    by the query's own cursor wrapper (peewee 4.5's ``_get_cursor_wrapper``, a private
    method: check it when upgrading peewee)."""
    return _reused_objects(_active_topics, None)


_active_topics = Prepared(lambda: (
    HelpTopic.select(HelpTopic, Department).join(Department)
    .where(HelpTopic.active).order_by(HelpTopic.sort_order, HelpTopic.name)))
_kept_objects = {}  # (prepared query, key) -> (the rows last read, the objects made of them)


def _reused_objects(prepared, key, **values):
    """The rows of ``prepared`` run with ``values``, as objects made once per process for
    the same rows (under ``key``): see ``active_topics``."""
    query, cursor = prepared.run(**values)
    rows = cursor.fetchall()
    kept_rows, objects = _kept_objects.get((prepared, key), (None, ()))
    if kept_rows != rows:
        objects = tuple(query._get_cursor_wrapper(_Fetched(cursor.description, rows)))
        if len(_kept_objects) >= 256:
            _kept_objects.clear()
        _kept_objects[prepared, key] = (rows, objects)
    return objects


class _Fetched:
    """Rows already fetched, as the cursor peewee makes model objects from."""

    def __init__(self, description, rows):
        self.description, self._rows = description, iter(rows)

    def fetchone(self):
        return next(self._rows, None)

    def close(self):
        pass


def tickets_of(citizen):
    """The tickets a citizen opened, newest activity first, with their topic."""
    return (Ticket.select(Ticket, HelpTopic)
            .join(HelpTopic)
            .where(Ticket.requester == citizen)
            .order_by(Ticket.updated_at.desc(), Ticket.id.desc()))


def own_ticket(citizen, number):
    """The ticket of that number if ``citizen`` opened it, else None (prepared)."""
    return _own_ticket.first(citizen=citizen.id, number=number)


_own_ticket = Prepared(lambda: tickets_of(slot("citizen")).where(Ticket.number == slot("number"))
                       .limit(1))


def oversees(user):
    """Supervisors and admins see and act on every ticket."""
    return user.has_role("supervisor") or user.has_role("admin")


def department_ids_of(user):
    return AgentDepartment.select(AgentDepartment.department).where(AgentDepartment.agent == user)


def tickets_visible_to(user, listed=False):
    """What a staff member may see: supervisors and admins everything; agents the tickets
    of their departments, those assigned to them, and (read-only) those they worked on
    before they moved elsewhere; anyone else nothing. ``listed``: for a list read in
    its sort order (``scope_of``)."""
    return _staff_scope(user, following=True, listed=listed)


def tickets_actionable_by(user, listed=False):
    """What a staff member works on: like ``tickets_visible_to`` without the tickets they
    only follow since those left their departments."""
    return _staff_scope(user, following=False, listed=listed)


def _staff_scope(user, following, listed=False):
    return scope_of(scope_shape(user), user, following, listed)


def scope_shape(user):
    """Which statement a staff member's scope is: every ticket, an agent's, or none."""
    return "all" if oversees(user) else "agent" if user.has_role("agent") else "none"


# an agent whose scope holds fewer tickets than this has a list of them gathered from the
# indexes and sorted; a larger scope is read in the list's order, each ticket checked. The
# size is looked at again after SCOPE_SIZE_SECONDS: it only chooses the plan, never the rows
FEW_IN_SCOPE = 2000
SCOPE_SIZE_SECONDS = 300
_small_scopes = {}  # (user id, following) -> (when looked at, small)


def scope_of(shape, user, following=True, listed=False):
    """The tickets of a scope of ``shape`` for ``user`` (an id or a prepared query's slot
    will do: only an agent's scope names the user). ``listed``: the tickets are read in
    a list's sort order. When the agent's departments and assignments hold a large share
    of all tickets, each ticket read in that order is checked (``db.unindexed``): SQLite
    would otherwise gather them all from their indexes and sort them. A small scope (a
    department of a few hundred tickets among a million) is gathered and sorted: read in
    the list's order, a page of it walks nearly every ticket, which both databases' plans
    did (0.3-0.5 s at a million), PostgreSQL guessing that three tickets in four match."""
    if shape == "all":
        return Ticket.select()
    if shape == "none":
        return Ticket.select().where(False)
    if not listed:
        return Ticket.select().where(
            _agent_condition(user, following, Ticket.department, Ticket.assignee))
    if _small_scope(user, following):
        return Ticket.select().where(
            _agent_condition(user, following, Ticket.department, Ticket.assignee)
            if on_sqlite() else among(Ticket.id, _scope_ids(user, following)))
    return Ticket.select().where(_agent_condition(
        user, following, unindexed(Ticket.department), unindexed(Ticket.assignee)))


def _agent_condition(user, following, department, assignee):
    mine = department.in_(department_ids_of(user)) | (assignee == getattr(user, "id", user))
    return mine | Ticket.id.in_(worked_on_by(user)) if following else mine


def _scope_parts(user, following):
    """The ticket ids of an agent's scope, part by part, each read from its own index.
    The departments are given by value: PostgreSQL then knows how many tickets each has."""
    user_id = getattr(user, "id", user)
    departments = [d for (d,) in department_ids_of(user_id).tuples()]
    parts = [Ticket.select(Ticket.id).where(Ticket.department.in_(departments)),
             Ticket.select(Ticket.id).where(Ticket.assignee == user_id)]
    return parts + [worked_on_by(user_id)] if following else parts


def _scope_ids(user, following):
    """The parts as one UNION ALL: a ticket may come twice, which ``among`` does not mind."""
    first, *rest = _scope_parts(user, following)
    for part in rest:
        first = first + part
    return first


def _small_scope(user, following):
    """Whether the scope holds fewer than FEW_IN_SCOPE tickets, each part counted up to
    that many (a few milliseconds for a large scope, so it is remembered for a while)."""
    key, now = (getattr(user, "id", user), following), time.monotonic()
    seen = _small_scopes.get(key)
    if seen is None or now - seen[0] > SCOPE_SIZE_SECONDS:
        counted = 0
        for part in _scope_parts(user, following):
            counted += part.limit(FEW_IN_SCOPE - counted).count()
            if counted >= FEW_IN_SCOPE:
                break
        seen = _small_scopes[key] = (now, counted < FEW_IN_SCOPE)
    return seen[1]


def worked_on_by(user):
    """Ids of the tickets ``user`` claimed, answered, noted, transferred or was given."""
    return TicketParticipant.select(TicketParticipant.ticket).where(
        TicketParticipant.user == user)


# a staff member with more participations than this has their "worked on" list read ticket
# by ticket in the list's order (a page needs a few hundred tickets tried); with fewer, their
# participations are read and sorted
FEW_PARTICIPATIONS = 2000


def tickets_worked_on(user):
    """``tickets_visible_to(user)`` that ``user`` worked on: every ticket one worked on
    stays visible to staff, so this is the worked-on condition alone, not the OR of the
    staff scope (which made PostgreSQL hash every participation of the user)."""
    if scope_shape(user) == "none":
        return Ticket.select().where(False)
    return Ticket.select().where(worked_on_condition(user))


def worked_on_condition(user):
    """Ticket is one ``user`` worked on, in the shape that reads least: many participations
    are an EXISTS per ticket on the (user, ticket) index, tried in the list's order and
    stopping at the page's end; few are read all (IN), then sorted."""
    counted = TicketParticipant.select(TicketParticipant.id).where(
        TicketParticipant.user == user).limit(FEW_PARTICIPATIONS).count()
    if counted < FEW_PARTICIPATIONS:
        return Ticket.id.in_(worked_on_by(user))
    return fn.EXISTS(TicketParticipant.select(TicketParticipant.id).where(
        TicketParticipant.user == user, TicketParticipant.ticket == Ticket.id))


def can_act(user, ticket):
    """Whether ``user`` may change ``ticket`` (supervisors and admins always)."""
    shape = scope_shape(user)
    return shape == "all" or (shape == "agent"
                              and _agent_acts_on.first(user=user.id, ticket=ticket.id) is not None)


_agent_acts_on = Prepared(lambda: scope_of("agent", slot("user"), following=False)
                          .select(Ticket.id).where(Ticket.id == slot("ticket")).limit(1))


def staff_members(roles=STAFF_ROLES):
    """Active users with one of ``roles``, by name (assignee filter and choices)."""
    holders = UserRoles.select(UserRoles.user).join(Role).where(Role.name.in_(roles))
    return (User.select().where(User.active, among(User.id, holders))
            .order_by(User.full_name, User.email))


def agents_of(department):
    """The active agents of a department (who get its alerts and can be assigned)."""
    return staff_members(["agent"]).where(among(User.id, (
        AgentDepartment.select(AgentDepartment.agent)
        .where(AgentDepartment.department == department))))


def agents_in(department_id):
    """``agents_of`` a department, as a list of what an alert needs of them (their
    names, addresses and languages), prepared: every new ticket alerts them. The same
    rows give the same objects (``_reused_objects``): read them, never change them."""
    return list(_reused_objects(_agents_in, department_id, department=department_id))


_agents_in = Prepared(lambda: agents_of(slot("department")).select(*named(User), User.locale))


# the events a requester reads in their ticket's thread
STATUS_EVENTS = ("resolved", "closed", "reopened", "confirmed", "withdrawn", "auto_closed",
                 "awaiting", "resumed")


def named(users):
    """The columns a user's name is made of (``str(user)``), of ``User`` or an alias: pages
    that only show who wrote or did something read these."""
    return users.id, users.full_name, users.email


def events_of(ticket, kinds=None):
    """The ticket's events in time order, with their actors' names (None for the system)."""
    actors = User.alias()
    query = (TicketEvent.select(TicketEvent, *named(actors))
             .join(actors, JOIN.LEFT_OUTER, on=(TicketEvent.actor == actors.id), attr="actor")
             .where(TicketEvent.ticket == ticket)
             .order_by(TicketEvent.created_at, TicketEvent.id))
    return query.where(TicketEvent.kind.in_(kinds)) if kinds else query


# The ticket pages' own reads, prepared (helpdesk/prepared.py): they run on every view
_events = Prepared(lambda: events_of(slot("ticket")))
_status_events = Prepared(lambda: events_of(slot("ticket"), STATUS_EVENTS))
_thread = Prepared(lambda: _entries(slot("ticket")).select_extend(fn.EXISTS(
    InboundMail.select(SQL("1")).where(InboundMail.entry == ThreadEntry.id)).alias("by_mail")))
_public_thread = Prepared(
    lambda: _entries(slot("ticket")).where(ThreadEntry.kind.in_(EntryKind.PUBLIC)))
_attachments = Prepared(lambda: Attachment.select().where(Attachment.ticket == slot("ticket"))
                        .order_by(Attachment.id))


def in_time_order(entries, events):
    """Entries and events merged by time: [("entry", entry) | ("event", event)]."""
    items = [(e.created_at, 0, e.id, ("entry", e)) for e in entries]
    items += [(ev.created_at, 1, ev.id, ("event", ev)) for ev in events]
    return [item for *_, item in sorted(items, key=lambda i: i[:3])]


def history(ticket, public=False):
    """The ticket's events in time order: every one for staff, the changes of status for
    its requester (``public``)."""
    return (_status_events if public else _events)(ticket=ticket.id)


def thread(ticket):
    """Everything staff see on a ticket: messages, responses and internal notes, each with
    whether it came by e-mail (``by_mail``)."""
    return list(_thread(ticket=ticket.id))


def public_thread(ticket):
    """The messages and staff replies the requester sees, in time order, with the authors."""
    return list(_public_thread(ticket=ticket.id))


def _entries(ticket):
    """The ticket's thread entries in time order, with their authors' names and whether
    they have attachments (``has_files``: a page whose entries have none reads none)."""
    files = fn.EXISTS(Attachment.select(SQL("1")).where(Attachment.entry == ThreadEntry.id))
    return (ThreadEntry.select(ThreadEntry, files.alias("has_files"), *named(User))
            .join(User, on=(ThreadEntry.author == User.id))
            .where(ThreadEntry.ticket == ticket)
            .order_by(ThreadEntry.created_at, ThreadEntry.id))


def attachments_by_entry(entries):
    """{entry id: [attachments]} for the given entries (of one ticket), in one query, or
    none when no entry has any."""
    grouped = {entry.id: [] for entry in entries}
    if any(entry.has_files for entry in entries):
        for attachment in _attachments(ticket=entries[0].ticket_id):
            if attachment.entry_id in grouped:  # not a note's, on the requester's page
                grouped[attachment.entry_id].append(attachment)
    return grouped


def public_attachment(ticket, attachment_id):
    """The attachment if it belongs to the public thread of ``ticket`` (a status link's
    one ticket); else None."""
    return (Attachment.select(Attachment, Ticket)
            .join(ThreadEntry).switch(Attachment).join(Ticket)
            .where(Attachment.id == attachment_id, Attachment.ticket == ticket.id,
                   ThreadEntry.kind.in_(EntryKind.PUBLIC))
            .first())


def attachment_for(user, attachment_id):
    """The attachment if ``user`` may download it: the requester of its ticket (from the
    public thread), or staff who can see the ticket; else None."""
    allowed = (Ticket.requester == user) & ThreadEntry.kind.in_(EntryKind.PUBLIC)
    if user.is_staff:
        allowed |= Attachment.ticket.in_(tickets_visible_to(user).select(Ticket.id))
    return (Attachment.select(Attachment, Ticket)
            .join(ThreadEntry).switch(Attachment).join(Ticket)
            .where(Attachment.id == attachment_id, allowed)
            .first())
