"""One message in: saved, deduplicated, quarantined or handed to the routing."""
import logging

from flask import current_app
from flask_babel import force_locale
from peewee import IntegrityError, InterfaceError, OperationalError

from ..db import atomic
from ..intake_models import InboundMail
from ..models import utcnow
from . import files, parsing, routing
from .outcome import Outcome, TemporaryFailure
from .reasons import dumps, reason

log = logging.getLogger(__name__)

UNAVAILABLE = (OperationalError, InterfaceError, OSError)  # database down, disk full


def receive(raw, *, source, now=None):
    """Take in one message (bytes as received); returns an Outcome."""
    now = now or utcnow()
    try:
        return _receive(raw, source, now)
    except TemporaryFailure:
        raise
    except UNAVAILABLE as exc:
        log.warning("mail intake: message not saved, to be retried: %s", exc)
        raise TemporaryFailure(str(exc)) from exc


def _receive(raw, source, now):
    config = current_app.config
    if len(raw) > config["INTAKE_MAX_BYTES"]:
        message_id, sender, subject = parsing.headers_of(raw)
        return _quarantine(raw, source, now, message_id, sender, subject,
                           reason("too_large", size=len(raw), limit=config["INTAKE_MAX_BYTES"]))
    try:
        incoming = parsing.parse(raw, config["INTAKE_AUTHSERV_ID"])
    except parsing.Malformed as exc:
        message_id, sender, subject = parsing.headers_of(raw)
        return _quarantine(raw, source, now, message_id, sender, subject, exc.reason)
    key = parsing.key_of(raw, incoming.message_id, incoming.sender)
    earlier = _earlier(key)
    if earlier:
        return earlier
    stored_name = files.store_raw(raw)
    row = InboundMail(key=key, message_id=incoming.message_id, source=source, received_at=now,
                      sender=incoming.sender[:255], subject=incoming.subject[:255],
                      stored_name=stored_name, size=len(raw), outcome="received",
                      authentication=incoming.authentication_text,
                      authentication_failed=incoming.authentication_failed)
    try:
        with atomic():
            row.save(force_insert=True)  # first: a concurrent copy waits here, then fails
            outcome = routing.route(incoming, row, now)
            row.save()
        return outcome
    except UNAVAILABLE:
        files.remove_raw(stored_name)
        raise
    except Exception as exc:  # a message that trips a fault is kept, never lost
        files.remove_raw(stored_name)
        earlier = isinstance(exc, IntegrityError) and _earlier(key)
        if earlier:  # the same message, taken in by another process meanwhile
            return earlier
        log.exception("mail intake: message %s could not be processed", incoming.message_id)
        return _quarantine(raw, source, now, incoming.message_id, incoming.sender,
                           incoming.subject,
                           reason("fault", error=f"{type(exc).__name__}: {exc}"[:1000]))


def reprocess(row, now=None):
    """Take a quarantined message in again (after its cause was fixed: a higher
    INTAKE_MAX_BYTES, a fault corrected); returns the new Outcome. Its quarantine row
    goes only if the new attempt was saved."""
    raw = files.read_raw(row.stored_name)
    with atomic():
        InboundMail.delete().where(InboundMail.id == row.id,
                                   InboundMail.outcome == "quarantined").execute()
        outcome = receive(raw, source=row.source, now=now)
    files.remove_raw(row.stored_name)
    return outcome


def _earlier(key):
    """The Outcome of a message already taken in under ``key``, if any."""
    row = InboundMail.get_or_none(InboundMail.key == key)
    if row is None:
        return None
    return Outcome("duplicate", ticket=row.ticket, reasons=[reason("duplicate",
                                                                  outcome=row.outcome)])


def _quarantine(raw, source, now, message_id, sender, subject, why):
    """Keep a message that cannot be processed, with its reason, for an administrator."""
    key = parsing.key_of(raw, message_id, sender)
    earlier = _earlier(key)
    if earlier:
        return earlier
    stored_name = files.store_raw(raw)
    try:
        with atomic():
            row = InboundMail.create(key=key, message_id=message_id, source=source,
                                     received_at=now, sender=sender[:255],
                                     subject=subject[:255], outcome="quarantined",
                                     reason=dumps([why]), stored_name=stored_name,
                                     size=len(raw))
    except IntegrityError:
        files.remove_raw(stored_name)
        return _earlier(key)
    except BaseException:
        files.remove_raw(stored_name)
        raise
    with force_locale("en"):  # the log is in English
        said = str(why)
    log.warning("mail intake: message %s from %s quarantined: %s", message_id, sender, said)
    return Outcome("quarantined", reasons=[why], record=row)
