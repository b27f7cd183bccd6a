"""What staff do to a ticket: claim, release, answer, note, transfer, assign, set status."""
from flask_babel import lazy_gettext as _l

from .. import notifications, queries, report_summary
from ..models import Department, EntryKind, Ticket, TicketStatus, TicketTransfer, utcnow
from . import clocks
from ._common import (InvalidTransition, NotAllowed, add_entry, after_closing, change, event,
                      locked, participate, refreshed, require_desk_access,
                      seconds_since_created, status_changes, stored_files, transaction,
                      with_next_due)


def claim(ticket, *, by, now=None):
    """Take an unassigned ticket. The database settles a race: of two agents claiming at
    the same moment exactly one wins; the other is told who has it."""
    now = now or utcnow()
    require_desk_access(ticket, by)
    with transaction():
        won = (Ticket.update({Ticket.assignee: by, Ticket.updated_at: now})
               .where(Ticket.id == ticket.id, Ticket.assignee.is_null(),
                      Ticket.status != TicketStatus.CLOSED)
               .execute())
        if not won:
            current = refreshed(ticket)
            if current.status == TicketStatus.CLOSED:
                raise InvalidTransition(_closed(ticket))
            if current.assignee_id == by.id:
                raise InvalidTransition(_l("You already have ticket #%(number)s.",
                                           number=ticket.number))
            raise NotAllowed(_l("Ticket #%(number)s is already claimed by %(name)s.",
                                number=ticket.number, name=str(current.assignee)))
        claimed = report_summary.state_of(ticket.id)  # the row is ours until commit
        report_summary.record(ticket.id, claimed[:3] + (None,) + claimed[4:], claimed)
        participate(ticket, by)
        return event(ticket, by, "claimed", now)


def release(ticket, *, by, now=None):
    """Give a claimed ticket back to its department's queue (the assignee, or a
    supervisor or admin)."""
    now = now or utcnow()
    require_desk_access(ticket, by)
    with transaction():
        current = locked(ticket)
        if current.assignee_id is None:
            raise InvalidTransition(_l("Ticket #%(number)s is not claimed by anyone.",
                                       number=ticket.number))
        if current.assignee_id != by.id and not queries.oversees(by):
            raise NotAllowed(_l("Only %(name)s or a supervisor can release ticket "
                                "#%(number)s.", name=str(current.assignee),
                                number=ticket.number))
        change(ticket, {Ticket.assignee: None, Ticket.updated_at: now})
        return event(ticket, by, "released", now, name=str(current.assignee))


def respond(ticket, *, by, message, files=(), status=None, now=None):
    """Post Reply: a public answer e-mailed to the requester, optionally with a new status.
    Records the first response; an unassigned ticket is claimed for the agent replying."""
    now = now or utcnow()
    require_desk_access(ticket, by)
    _check_status(status)
    with stored_files(files) as stored, transaction():
        current = locked(ticket)
        entry = add_entry(ticket, by, EntryKind.RESPONSE, message, stored, now)
        changes = {Ticket.updated_at: now}
        if current.first_response_at is None:
            changes[Ticket.first_response_at] = now
            changes[Ticket.response_seconds] = seconds_since_created(current, now)
        if current.assignee_id is None and by.has_role("agent"):
            changes[Ticket.assignee] = by
            event(ticket, by, "claimed", now, via="reply")
        new_status = status if status and status != current.status else None
        if new_status:
            changes.update(status_changes(current, new_status, now))
            event(ticket, by, _status_event(current, new_status), now)
        change(ticket, with_next_due(current, changes))
        participate(ticket, by)
        if new_status == TicketStatus.CLOSED:
            after_closing(ticket, by, now)
        notifications.responded(refreshed(ticket), entry, new_status=new_status)
    return entry


def add_note(ticket, *, by, message, files=(), now=None):
    """An internal note: staff only, never shown or e-mailed to the requester; the
    assignee is told when someone else writes it."""
    now = now or utcnow()
    require_desk_access(ticket, by)
    with stored_files(files) as stored, transaction():
        entry = add_entry(ticket, by, EntryKind.NOTE, message, stored, now)
        participate(ticket, by)
        notifications.noted(refreshed(ticket), entry)
    return entry


def transfer(ticket, *, by, to, comment, now=None):
    """Escalate to another department with a reason. The claim is released, a resolved or
    closed ticket reopens, and the new department's agents are alerted. The one who
    transferred keeps read access (participants)."""
    now = now or utcnow()
    comment = (comment or "").strip()
    require_desk_access(ticket, by)
    if not comment:
        raise InvalidTransition(_l("Please say why the ticket is transferred."))
    if not to.active:
        raise InvalidTransition(_l("%(department)s no longer takes tickets.",
                                   department=to.name))
    with transaction():
        current = locked(ticket)
        if current.department_id == to.id:
            raise InvalidTransition(_l("Ticket #%(number)s is already in %(department)s.",
                                       number=ticket.number, department=to.name))
        source = Department.get_by_id(current.department_id)
        changes = {Ticket.department: to, Ticket.assignee: None, Ticket.updated_at: now}
        if current.status in clocks.HELD:  # the department it leaves lets go
            clocks.let_go(current, now)
            clocks.hold(ticket, to, now)
        if current.status != TicketStatus.OPEN:  # (reopened: held by ``to`` from now)
            changes.update(status_changes(current, TicketStatus.OPEN, now, department=to))
            event(ticket, by, _status_event(current, TicketStatus.OPEN), now,
                  reason="transfer")
        change(ticket, changes)
        participate(ticket, by)
        TicketTransfer.create(ticket=ticket, source=source, target=to, created_at=now)
        report_summary.transferred(current.topic_id, source.id, to.id, now)
        done = event(ticket, by, "transferred", now, source=source.name, target=to.name,
                     comment=comment)
        notifications.transferred(refreshed(ticket), by=by, source=source.name,
                                  comment=comment)
    return done


def assign(ticket, *, by, to, now=None):
    """A supervisor or admin gives the ticket to an agent of its department, who is
    alerted."""
    now = now or utcnow()
    if not queries.oversees(by):
        raise NotAllowed(_l("Only supervisors and administrators can assign tickets."))
    with transaction():
        current = locked(ticket)
        if current.status == TicketStatus.CLOSED:
            raise InvalidTransition(_closed(ticket))
        if to.id not in {a.id for a in queries.agents_of(current.department_id)}:
            raise InvalidTransition(_l("%(name)s is not an active agent of this ticket's "
                                       "department.", name=str(to)))
        if current.assignee_id == to.id:
            raise InvalidTransition(_l("Ticket #%(number)s is already assigned to "
                                       "%(name)s.", number=ticket.number, name=str(to)))
        change(ticket, {Ticket.assignee: to, Ticket.updated_at: now})
        participate(ticket, by)
        participate(ticket, to)
        done = event(ticket, by, "assigned", now, name=str(to))
        notifications.assigned(refreshed(ticket), to=to, by=by)
    return done


def set_status(ticket, *, by, status, comment="", now=None):
    """Open, await the requester (the resolution clock pauses), resolve or close; the
    requester is told by e-mail."""
    now = now or utcnow()
    require_desk_access(ticket, by)
    _check_status(status)
    comment = (comment or "").strip()
    with transaction():
        current = locked(ticket)
        if current.status == status:
            raise InvalidTransition(_l("Ticket #%(number)s is already %(status)s.",
                                       number=ticket.number,
                                       status=TicketStatus.LABELS[status]))
        change(ticket, {**status_changes(current, status, now), Ticket.updated_at: now})
        participate(ticket, by)
        done = event(ticket, by, _status_event(current, status), now,
                     **({"comment": comment} if comment else {}))
        if status == TicketStatus.CLOSED:
            after_closing(ticket, by, now)
        notifications.status_changed(refreshed(ticket), comment=comment)
    return done


def _check_status(status):
    if status is not None and status not in TicketStatus.LABELS:
        raise InvalidTransition(_l("Unknown status."))


def _status_event(current, status):
    """The event's kind: "resumed" when a ticket awaiting its requester is open again
    (not a reopening), "reopened" when a resolved or closed one is, else the status."""
    if status == TicketStatus.OPEN:
        return "resumed" if current.status == TicketStatus.AWAITING else "reopened"
    return status


def _closed(ticket):
    return _l("Ticket #%(number)s is closed.", number=ticket.number)

