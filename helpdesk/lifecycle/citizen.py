"""What requesters do: open a ticket, reply to it."""
import secrets

from flask_babel import lazy_gettext as _l

from .. import notifications, prepared, report_summary
from ..models import EntryKind, Ticket, TicketStatus, utcnow
from . import clocks
from ._common import (InvalidTransition, NotAllowed, add_entry, change, event, locked,
                      refreshed, status_changes, stored_files, transaction)


class AlreadyOpened(Exception):
    """The same new-ticket form was sent before (a retry, a double click): ``ticket`` is
    the one it opened. Raised inside the transaction, so nothing of the repeat is kept."""

    def __init__(self, ticket):
        super().__init__(ticket.number)
        self.ticket = ticket


def open_ticket(*, by, topic, subject, message, files=(), submission_key=None, now=None):
    """A citizen opens a ticket under a help topic; returns the ticket. The topic's
    department gets it; its first response and resolution are due after the targets of
    the topic's plan (``clocks.opening``). A ``submission_key`` this citizen
    already used raises AlreadyOpened with that ticket: the unique (requester, key) index
    settles even two requests at once; the repeat's stored files are removed."""
    now = now or utcnow()
    if not topic.active:
        raise NotAllowed(_l("This help topic is no longer available; please choose another."))
    with stored_files(files) as stored, transaction():
        ticket = _create_with_number(
            subject=" ".join(subject.split()), topic=topic, department=topic.department,
            requester=by, status=TicketStatus.OPEN, created_at=now, updated_at=now,
            submission_key=submission_key, **clocks.opening(topic, now))
        clocks.hold(ticket, topic.department_id, now)
        entry = add_entry(ticket, by, EntryKind.MESSAGE, message, stored, now, new_ticket=True)
        event(ticket, by, "opened", now)
        notifications.ticket_opened(ticket, entry, with_files=bool(stored))
    return ticket


def reply(ticket, *, by, message, files=(), now=None):
    """The requester adds a message; a resolved ticket is reopened, one awaiting the
    requester is open again (its resolution clock runs on); the assignee (or the
    department, when nobody has the ticket) is alerted. Returns the entry."""
    now = now or utcnow()
    if by.id != ticket.requester_id:
        raise NotAllowed(_l("Only the person who opened this ticket can reply here."))
    with stored_files(files) as stored, transaction():
        current = locked(ticket)
        if current.status == TicketStatus.CLOSED:
            raise InvalidTransition(_l(
                "Ticket #%(number)s is closed and cannot take new replies. Please open a new "
                "ticket and mention #%(number)s in it.", number=ticket.number))
        entry = add_entry(ticket, by, EntryKind.MESSAGE, message, stored, now)
        changes = {Ticket.updated_at: now}
        reopened = current.status == TicketStatus.RESOLVED
        if reopened or current.status == TicketStatus.AWAITING:
            changes.update(status_changes(current, TicketStatus.OPEN, now))
            event(ticket, by, "reopened" if reopened else "resumed", now, reason="reply")
        change(ticket, changes)
        notifications.requester_replied(refreshed(ticket), entry, reopened=reopened,
                                        resumed=current.status == TicketStatus.AWAITING)
    return entry


def _create_with_number(**fields):
    """Insert the ticket under a fresh random 7-digit number (never starting with 0). The
    insert does nothing on a unique key already there (a savepoint and a failed statement
    would cost four round trips more): the citizen's ``submission_key`` raises
    AlreadyOpened; a number taken is drawn again."""
    for _ in range(20):
        number = 1_000_000 + secrets.randbelow(9_000_000)
        ticket = prepared.create(Ticket, conflict="NOTHING", number=number, **fields)
        if ticket is not None:
            report_summary.record(ticket.id, None, report_summary.state_of_new(ticket))
            return ticket  # its subject is indexed with its first message
        _raise_if_already_opened(fields["requester"], fields["submission_key"])
    raise RuntimeError("no free ticket number found")


def _raise_if_already_opened(requester, submission_key):
    earlier = submission_key and Ticket.get_or_none(Ticket.requester == requester,
                                                    Ticket.submission_key == submission_key)
    if earlier:
        raise AlreadyOpened(earlier)
