"""The read side: every ticket or file a user sees is loaded through a scoped query here."""
from .models import (
    AgentDepartment,
    Attachment,
    EntryKind,
    HelpTopic,
    Ticket,
    ThreadEntry,
    User,
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


def tickets_visible_to(user):
    """What a staff member may see: supervisors and admins everything, agents the tickets
    of their departments and those assigned to them; anyone else nothing."""
    if user.has_role("supervisor") or user.has_role("admin"):
        return Ticket.select()
    if user.has_role("agent"):
        departments = AgentDepartment.select(AgentDepartment.department).where(
            AgentDepartment.agent == user)
        return Ticket.select().where(
            Ticket.department.in_(departments) | (Ticket.assignee == user))
    return Ticket.select().where(False)


def public_thread(ticket):
    """The messages and staff replies the requester sees, in time order, with the authors."""
    return (ThreadEntry.select(ThreadEntry, User)
            .join(User, on=(ThreadEntry.author == User.id))
            .where(ThreadEntry.ticket == ticket, ThreadEntry.kind.in_(EntryKind.PUBLIC))
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
