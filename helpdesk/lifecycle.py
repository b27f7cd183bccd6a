"""THE writer of tickets: every state change goes through a function here.

Each function runs one transaction: check, change, write the thread entry or event,
queue the e-mails. Mail is delivered after commit (see ``mailer``), so a failed send
never undoes a change. Functions take the acting user explicitly and never read the
request, so the web, the CLI and cron call them the same way.
"""
import secrets
from contextlib import contextmanager
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import IntegrityError

from . import notifications, uploads
from .db import atomic, db
from .models import (
    Attachment,
    EntryKind,
    Ticket,
    TicketEvent,
    TicketStatus,
    ThreadEntry,
    utcnow,
)


class NotAllowed(Exception):
    """The actor may not do this; the message is shown to them."""


class InvalidTransition(Exception):
    """The ticket's state does not allow this; the message is shown to the user."""


def open_ticket(*, by, topic, subject, message, files=(), now=None):
    """A citizen opens a ticket under a help topic; returns the ticket."""
    now = now or utcnow()
    if not topic.active:
        raise NotAllowed(_l("This help topic is no longer available; please choose another."))
    with _stored(files) as stored, atomic():
        ticket = _create_with_number(
            subject=" ".join(subject.split()), topic=topic, department=topic.department_id,
            requester=by, status=TicketStatus.OPEN, created_at=now, updated_at=now,
            due_at=now + timedelta(hours=topic.sla_hours))
        _add_entry(ticket, by, EntryKind.MESSAGE, message, stored, now)
        TicketEvent.create(ticket=ticket, actor=by, kind="opened", created_at=now)
        notifications.ticket_opened(ticket)
    return ticket


def reply(ticket, *, by, message, files=(), now=None):
    """The requester adds a message; a resolved ticket is reopened. Returns the entry."""
    now = now or utcnow()
    if by.id != ticket.requester_id:
        raise NotAllowed(_l("Only the person who opened this ticket can reply here."))
    with _stored(files) as stored, atomic():
        current = _locked(ticket)
        if current.status == TicketStatus.CLOSED:
            raise InvalidTransition(_l(
                "Ticket #%(number)s is closed and cannot take new replies. Please open a new "
                "ticket and mention #%(number)s in it.", number=ticket.number))
        entry = _add_entry(ticket, by, EntryKind.MESSAGE, message, stored, now)
        changes = {Ticket.updated_at: now}
        if current.status == TicketStatus.RESOLVED:
            changes.update({Ticket.status: TicketStatus.OPEN, Ticket.resolved_at: None})
            TicketEvent.create(ticket=ticket, actor=by, kind="reopened", created_at=now,
                               detail="reply")
        Ticket.update(changes).where(Ticket.id == ticket.id).execute()
    return entry


def _locked(ticket):
    """The ticket as it is now, read inside the current transaction and locked against
    concurrent changes (FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE transaction
    already holds the write lock)."""
    query = Ticket.select().where(Ticket.id == ticket.id)
    return (query.for_update() if db.database.for_update else query).get()


def _create_with_number(**fields):
    """Insert the ticket under a fresh random 7-digit number (never starting with 0)."""
    for _ in range(20):
        number = 1_000_000 + secrets.randbelow(9_000_000)
        try:
            with atomic():  # a savepoint: a collision rolls back only this insert
                return Ticket.create(number=number, **fields)
        except IntegrityError:
            if not Ticket.select().where(Ticket.number == number).exists():
                raise  # some other constraint failed
    raise RuntimeError("no free ticket number found")


def _add_entry(ticket, author, kind, body, stored, now):
    entry = ThreadEntry.create(ticket=ticket, author=author, kind=kind, body=body.strip(),
                               created_at=now)
    for checked, stored_name, sha256 in stored:
        Attachment.create(entry=entry, ticket=ticket, original_name=checked.name,
                          stored_name=stored_name, content_type=checked.content_type,
                          size=checked.size, sha256=sha256, created_at=now)
    return entry


@contextmanager
def _stored(files):
    """Write the checked files to the upload folder before the transaction starts (so it
    is not held open while copying), and remove them again if the change fails.
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
