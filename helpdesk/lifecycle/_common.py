"""What every lifecycle function shares: the errors, locking, entries, events, files."""
import json
from contextlib import contextmanager

from flask import current_app
from flask_babel import lazy_gettext as _l
from peewee import Case

from .. import prepared, queries, report_summary, search, survey, uploads
from ..db import atomic, db
from . import clocks
from ..report_sql import exact_seconds
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


@contextmanager
def transaction():
    """The one transaction of a lifecycle call. The reports' summary changes it makes are
    written together at its end, in a fixed order (``report_summary.deferred``), so
    concurrent calls lock summary rows in the same order and need no lock of their own."""
    with atomic(), report_summary.deferred():
        yield


def locked(ticket):
    """The ticket as it is now, read inside the current transaction and locked against
    concurrent changes (FOR UPDATE on PostgreSQL; on SQLite the IMMEDIATE transaction
    already holds the write lock)."""
    query = Ticket.select().where(Ticket.id == ticket.id)
    return (query.for_update() if db.database.for_update else query).get()


def change(ticket, changes):
    """Update the ticket, and the reports' summary when a counted field moves."""
    counted = report_summary.changes_summary(changes)
    before = report_summary.state_of(ticket.id) if counted else None
    Ticket.update(changes).where(Ticket.id == ticket.id).execute()
    if counted:
        report_summary.record(ticket.id, before, report_summary.state_of(ticket.id))


def seconds_since_created(current, when):
    """The duration the reports keep beside a first response or resolution time (None
    when the time is cleared), exact to the microsecond like ``fill_durations``."""
    return None if when is None else (when - current.created_at).total_seconds()


def seconds_late(due, resolved):
    """How long after its due time ``due`` a ticket resolved at ``resolved`` was (None
    when it was not late, or is not resolved)."""
    if resolved is None or resolved <= due:
        return None
    return (resolved - due).total_seconds()


# each time the reports measure from the ticket's creation, and the column keeping it
DURATIONS = ((Ticket.first_response_at, Ticket.response_seconds),
             (Ticket.resolved_at, Ticket.resolution_seconds))


def fill_durations(where=None, late=True):
    """Set every duration column from the times it follows, in the database (exact to the
    microsecond like ``seconds_since_created``): for tickets written before the columns,
    or inserted in bulk (demo data)."""
    changes = {seconds: exact_seconds(moment, Ticket.created_at)
               for moment, seconds in DURATIONS}
    if late:  # (not for a schema from before that column)
        changes[Ticket.late_seconds] = Case(None, [(
            Ticket.resolved_at > Ticket.due_at,
            exact_seconds(Ticket.resolved_at, Ticket.due_at))], None)
    query = Ticket.update(changes)
    (query.where(where) if where is not None else query).execute()


def event(ticket, by, kind, now, **detail):
    """Record what happened; ``detail`` keeps names as they were (the proof of a transfer
    survives a later renaming of the departments)."""
    counters = report_summary.event_counters(
        kind, by is not None and by.id == getattr(ticket, "requester_id", None))
    if counters:
        report_summary.counted(ticket.id, now, counters)
    return prepared.create(TicketEvent, ticket=ticket, actor=by, kind=kind, created_at=now,
                           detail=json.dumps(detail, ensure_ascii=False) if detail else "")


def participate(ticket, user):
    """Remember that ``user`` worked on the ticket (read access after a transfer)."""
    if user.is_staff:
        TicketParticipant.insert(ticket=ticket, user=user).on_conflict_ignore().execute()


def add_entry(ticket, author, kind, body, stored, now, new_ticket=False):
    """A thread entry with its files, indexed for search (``new_ticket``: with the
    ticket's subject)."""
    entry = prepared.create(ThreadEntry, ticket=ticket, author=author, kind=kind,
                            body=body.strip(), created_at=now)
    search.index_entry(entry, subject=ticket.subject if new_ticket else None)
    for checked, stored_name, sha256 in stored:
        Attachment.create(entry=entry, ticket=ticket, original_name=checked.name,
                          stored_name=stored_name, content_type=checked.content_type,
                          size=checked.size, sha256=sha256, created_at=now)
    return entry


def status_changes(current, status, now, department=None):
    """The fields that move with a status: the times for reports, the overdue flag
    (cleared when the ticket is no longer open; the breach stays in sla_breached_at),
    the resolution clock and the nearer due time (``clocks``), the departments'
    holdings (of ``department`` when a transfer reopens the ticket)."""
    clocks.holding_moves(current, status, now, department)
    changes = clocks.moving(current, status, now)
    if status == TicketStatus.RESOLVED:
        resolved = now
        changes[Ticket.closed_at] = None
    elif status == TicketStatus.CLOSED:
        resolved = current.resolved_at or now
        changes[Ticket.closed_at] = now
    else:
        changes.update({Ticket.status: status, Ticket.resolved_at: None,
                        Ticket.resolution_seconds: None, Ticket.late_seconds: None,
                        Ticket.closed_at: None})
        if status == TicketStatus.AWAITING:
            changes[Ticket.overdue] = False  # a paused clock is never late
        return with_next_due(current, changes)
    due = changes.get(Ticket.due_at, current.due_at)
    changes.update({Ticket.status: status, Ticket.resolved_at: resolved,
                    Ticket.resolution_seconds: seconds_since_created(current, resolved),
                    Ticket.late_seconds: seconds_late(due, resolved), Ticket.overdue: False})
    return with_next_due(current, changes)


def with_next_due(current, changes):
    """``changes`` with the ticket's nearer due time (the queue's order) following them."""
    return {**changes, Ticket.next_due_at: clocks.next_due(current, changes)}


def after_closing(ticket, by, now):
    """What follows every closing, whoever closes the ticket (staff, its requester, or
    the system when ``by`` is None), inside the closing's transaction once the ticket is
    Closed. Every path that closes a ticket calls it (``desk.set_status``,
    ``desk.respond``, ``closing``): the requester is invited to the satisfaction
    survey."""
    survey.invite(refreshed(ticket), now)


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
