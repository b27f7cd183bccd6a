"""The read side: every ticket or file a user sees is loaded through a scoped query here."""
from peewee import JOIN

from .models import (
    AgentDepartment,
    Attachment,
    EntryKind,
    HelpTopic,
    Role,
    STAFF_ROLES,
    Ticket,
    TicketEvent,
    TicketParticipant,
    ThreadEntry,
    User,
    UserRoles,
)


def active_topics():
    return HelpTopic.select().where(HelpTopic.active).order_by(HelpTopic.sort_order,
                                                               HelpTopic.name)


def tickets_of(citizen):
    """The tickets a citizen opened, newest activity first, with their topic."""
    return (Ticket.select(Ticket, HelpTopic)
            .join(HelpTopic)
            .where(Ticket.requester == citizen)
            .order_by(Ticket.updated_at.desc(), Ticket.id.desc()))


def oversees(user):
    """Supervisors and admins see and act on every ticket."""
    return user.has_role("supervisor") or user.has_role("admin")


def department_ids_of(user):
    return AgentDepartment.select(AgentDepartment.department).where(AgentDepartment.agent == user)


def tickets_visible_to(user):
    """What a staff member may see: supervisors and admins everything; agents the tickets
    of their departments, those assigned to them, and (read-only) those they worked on
    before they moved elsewhere; anyone else nothing."""
    return _staff_scope(user, following=True)


def tickets_actionable_by(user):
    """What a staff member works on: like ``tickets_visible_to`` without the tickets they
    only follow since those left their departments."""
    return _staff_scope(user, following=False)


def _staff_scope(user, following):
    if oversees(user):
        return Ticket.select()
    if not user.has_role("agent"):
        return Ticket.select().where(False)
    mine = Ticket.department.in_(department_ids_of(user)) | (Ticket.assignee == user)
    return Ticket.select().where(mine | Ticket.id.in_(worked_on_by(user)) if following else mine)


def worked_on_by(user):
    """Ids of the tickets ``user`` claimed, answered, noted, transferred or was given."""
    return TicketParticipant.select(TicketParticipant.ticket).where(
        TicketParticipant.user == user)


def can_act(user, ticket):
    """Whether ``user`` may change ``ticket`` (supervisors and admins always)."""
    return oversees(user) or tickets_actionable_by(user).where(Ticket.id == ticket.id).exists()


def staff_members(roles=STAFF_ROLES):
    """Active users with one of ``roles``, by name (assignee filter and choices)."""
    return (User.select().distinct()
            .join(UserRoles, on=(UserRoles.user == User.id))
            .join(Role, on=(UserRoles.role == Role.id))
            .where(User.active, Role.name.in_(roles))
            .order_by(User.full_name, User.email))


def agents_of(department):
    """The active agents of a department (who get its alerts and can be assigned)."""
    return staff_members(["agent"]).where(User.id.in_(
        AgentDepartment.select(AgentDepartment.agent)
        .where(AgentDepartment.department == department)))


# the events a requester reads in their ticket's thread
STATUS_EVENTS = ("resolved", "closed", "reopened", "confirmed", "withdrawn", "auto_closed")


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


def in_time_order(entries, events):
    """Entries and events merged by time: [("entry", entry) | ("event", event)]."""
    items = [(e.created_at, 0, e.id, ("entry", e)) for e in entries]
    items += [(ev.created_at, 1, ev.id, ("event", ev)) for ev in events]
    return [item for *_, item in sorted(items, key=lambda i: i[:3])]


def thread(ticket):
    """Everything staff see on a ticket: messages, responses and internal notes."""
    return _entries(ticket)


def public_thread(ticket):
    """The messages and staff replies the requester sees, in time order, with the authors."""
    return _entries(ticket).where(ThreadEntry.kind.in_(EntryKind.PUBLIC))


def _entries(ticket):
    """The ticket's thread entries in time order, with their authors' names."""
    return (ThreadEntry.select(ThreadEntry, *named(User))
            .join(User, on=(ThreadEntry.author == User.id))
            .where(ThreadEntry.ticket == ticket)
            .order_by(ThreadEntry.created_at, ThreadEntry.id))


def attachments_by_entry(entries):
    """{entry id: [attachments]} for the given entries, in one query."""
    grouped = {entry.id: [] for entry in entries}
    if grouped:
        for attachment in (Attachment.select()
                           .where(Attachment.entry.in_(list(grouped)))
                           .order_by(Attachment.id)):
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
