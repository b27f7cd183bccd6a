"""What every lifecycle function shares: the errors, locking, entries, events, files."""
import json
from contextlib import contextmanager

from flask import current_app
from flask_babel import lazy_gettext as _l

from .. import queries, uploads
from ..db import db
from ..models import Attachment, Ticket, TicketEvent, TicketParticipant, TicketStatus, ThreadEntry


class NotAllowed(Exception):
    """The actor may not do this; the message is shown to them."""


class InvalidTransition(Exception):
    """The ticket's state does not allow this; the message is shown to the user."""


def require_desk_access(ticket, user):
    """Staff may act on a ticket of their departments or assigned to them (supervisors
    and admins on any). Agents who only worked on it before keep read access elsewhere."""
    if not queries.can_act(user, ticket):
        raise NotAllowed(_l("You cannot act on ticket #%(number)s: it belongs to another "
                            "department.", number=ticket.number))


def locked(ticket):
    """The ticket as it is now, read inside the current transaction and locked against
    concurrent changes (FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE transaction
    already holds the write lock)."""
    query = Ticket.select().where(Ticket.id == ticket.id)
    return (query.for_update() if db.database.for_update else query).get()


def change(ticket, changes):
    Ticket.update(changes).where(Ticket.id == ticket.id).execute()


def event(ticket, by, kind, now, **detail):
    """Record what happened; ``detail`` keeps names as they were (the proof of a transfer
    survives a later renaming of the departments)."""
    return TicketEvent.create(ticket=ticket, actor=by, kind=kind, created_at=now,
                              detail=json.dumps(detail, ensure_ascii=False) if detail else "")


def participate(ticket, user):
    """Remember that ``user`` worked on the ticket (read access after a transfer)."""
    if user.is_staff:
        TicketParticipant.insert(ticket=ticket, user=user).on_conflict_ignore().execute()


def add_entry(ticket, author, kind, body, stored, now):
    entry = ThreadEntry.create(ticket=ticket, author=author, kind=kind, body=body.strip(),
                               created_at=now)
    for checked, stored_name, sha256 in stored:
        Attachment.create(entry=entry, ticket=ticket, original_name=checked.name,
                          stored_name=stored_name, content_type=checked.content_type,
                          size=checked.size, sha256=sha256, created_at=now)
    return entry


def status_changes(current, status, now):
    """The fields that move with a status: the times for reports and the overdue flag
    (cleared when the ticket is no longer open; the breach stays in sla_breached_at)."""
    if status == TicketStatus.RESOLVED:
        return {Ticket.status: status, Ticket.resolved_at: now, Ticket.closed_at: None,
                Ticket.overdue: False}
    if status == TicketStatus.CLOSED:
        return {Ticket.status: status, Ticket.closed_at: now,
                Ticket.resolved_at: current.resolved_at or now, Ticket.overdue: False}
    return {Ticket.status: TicketStatus.OPEN, Ticket.resolved_at: None,
            Ticket.closed_at: None}


def refreshed(ticket):
    """The ticket as committed so far in this transaction, for the e-mails."""
    return Ticket.get_by_id(ticket.id)


@contextmanager
def stored_files(files):
    """Write the checked files to the upload folder under temporary names before the
    transaction starts (so it is not held open while copying); they get their final names
    once the change has committed, and are removed if it fails. A process killed in
    between leaves temporary files to ``uploads.clean_leftovers``.
    Yields [(checked file, stored name, sha256)]."""
    folder = current_app.config["UPLOAD_FOLDER"]
    stored = []
    try:
        for checked in files:
            stored.append((checked, *uploads.store(checked, folder)))
        yield stored
    except BaseException:
        uploads.remove(folder, [name for _, name, _ in stored])
        raise
    uploads.finalize(folder, [name for _, name, _ in stored])
