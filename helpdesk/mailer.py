"""Delivery of the outbox: SMTP when MAIL_SERVER is set, else .eml files in MAIL_FOLDER.

Rows are claimed one by one with a conditional UPDATE, so several app processes and a
cron ``send-mail`` can drain the same outbox without two of them sending a message at
once. A failed send is retried with growing delays; it never touches the change that
queued it. Mail the server refuses for good (a 5xx answer) or that used every attempt is
marked failed: the desk's Outbox lists it for an administrator to retry.

Delivery is at least once: a process killed after the server took a message but before
the row was marked sent leaves the row claimed, and it is sent again when the claim
(LEASE) runs out. Every row keeps the Message-ID it was queued with, so the copy carries
the same Message-ID as the first and mail systems can recognise it.
"""
import json
import logging
import re
import smtplib
import time
from contextlib import contextmanager
from datetime import timedelta
from functools import partial
from pathlib import Path

from flask import current_app, g
from flask_mail import BadHeaderError
from peewee import SQL, Value, fn

from .background import Periodic
from .db import atomic, db
from .mail_bytes import FastMessage
from .mail_smtp import SmtpConnection
from .models import OutboxAttachment, OutboxMail, utcnow
from .outbox_models import recipient_of
from .prepared import Prepared, slot
from .wal import Checkpoints

log = logging.getLogger(__name__)

RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 360, 720)]
LEASE = timedelta(minutes=5)

# Both start with sent_at, so that the (sent_at, failed_at) index serves them
QUEUED = OutboxMail.sent_at.is_null() & OutboxMail.failed_at.is_null()
FAILED = OutboxMail.sent_at.is_null() & OutboxMail.failed_at.is_null(False)


BATCH = 200  # messages claimed at once


def deliver_pending(now=None, limit=BATCH, give_up=True):
    """Send what is due; returns (sent, failed). ``give_up``: first mark failed the rows
    that used every attempt (the claim passes them by in any case)."""
    now = now or utcnow()
    if give_up:
        _give_up_exhausted(now)
    claimed = _claim_due(now, limit)
    if not claimed:
        return 0, 0
    files = _files_of(claimed)
    sent = failed = 0
    marks = _Marks()
    try:
        with _transport() as send, marks:
            for row in claimed:
                try:
                    refused = send(_message(row, files.get(row.id, ())))
                except Exception as exc:  # one bad message must not hold up the others
                    if not _refused_apart(row, exc, now):
                        _failed(row, exc, now)
                    failed += 1
                else:
                    if refused:  # the server took it for some of its recipients only
                        _refused_apart(row, smtplib.SMTPRecipientsRefused(refused), now)
                    else:
                        _sent(row, marks)
                    sent += 1
    except (OSError, smtplib.SMTPException) as exc:  # could not connect (or sign in) at all
        if is_permanent(exc):  # a setting to fix: the mail waits, failed, for Retry all
            log.error("the SMTP server refused this sender (%s); check the MAIL_* settings, "
                      "then use Retry all in the desk's Outbox", exc)
        for row in claimed[sent + failed:]:
            _failed(row, exc, now)
            failed += 1
    return sent, failed


def _claim_due(now, limit):
    """Take the first ``limit`` due rows for LEASE in one statement, and return them by
    id. Two processes claiming at once take different rows: on PostgreSQL the rows one
    has locked are skipped by the other (and a row taken meanwhile is no longer due when
    checked again); SQLite runs one writer at a time. The rows hold what sending needs
    (the times are not read: converting them took longer than the statement), and
    whether they have attachments (``has_files``)."""
    at = OutboxMail.next_attempt_at.db_value
    claimed = _claim(now=at(now), until=at(now + LEASE), limit=limit,
                     tries=current_app.config["MAIL_MAX_ATTEMPTS"])
    return sorted(claimed, key=lambda row: row.id)


def _claim_query():
    due = QUEUED & (OutboxMail.next_attempt_at <= slot("now")) & (
        OutboxMail.attempts < slot("tries"))
    first = OutboxMail.select(OutboxMail.id).where(due).order_by(OutboxMail.id).limit(
        slot("limit"))
    if db.database.for_update:
        first = first.for_update(skip_locked=True)
    files = fn.EXISTS(OutboxAttachment.select(SQL("1")).where(
        OutboxAttachment.mail == OutboxMail.id))
    return OutboxMail.update(next_attempt_at=slot("until")).where(
        OutboxMail.id.in_(first), due).returning(*_SENDING, files.alias("has_files"))


_SENDING = (OutboxMail.id, OutboxMail.recipient, OutboxMail.subject, OutboxMail.body_text,
            OutboxMail.body_html, OutboxMail.headers, OutboxMail.attempts)


_claim = Prepared(_claim_query)


def _files_of(rows):
    """The attachments of ``rows``, by mail id (one query for the batch, none when no row
    has any)."""
    files = {}
    ids = [row.id for row in rows if row.has_files]
    if not ids:
        return files
    for file in OutboxAttachment.select().where(
            OutboxAttachment.mail.in_(ids)).order_by(OutboxAttachment.id):
        files.setdefault(file.mail_id, []).append(file)
    return files


MARK_SECONDS = 0.2  # how often a run marks what the server took (see _Marks)

_mark_sent = Prepared(lambda: OutboxMail.update(sent_at=slot("at"), last_error=None).where(
    OutboxMail.id == slot("id")))


def _sent(row, marks):
    """To be marked sent (``_Marks``): the server took it."""
    marks.add(row.id)


class _Marks:
    """The rows a run sent, marked in one statement at the end of the run, or sooner once
    MARK_SECONDS have passed since the last mark: a process killed between sending and
    marking sends again what it sent in that time (with the same Message-ID), and a run
    of many messages writes once instead of once per message (on PostgreSQL each mark was
    a commit of its own, waiting for the disk)."""

    def __init__(self):
        self.ids, self.since = [], time.monotonic()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.mark()

    def add(self, id):
        self.ids.append(id)
        if time.monotonic() - self.since >= MARK_SECONDS:
            self.mark()

    def mark(self):
        ids, self.ids, self.since = self.ids, [], time.monotonic()
        at = OutboxMail.sent_at.db_value(utcnow())
        if len(ids) == 1:
            _mark_sent.run(at=at, id=ids[0])
        elif ids:
            OutboxMail.update(sent_at=at, last_error=None).where(
                OutboxMail.id.in_(ids)).execute()


def _failed(row, exc, now):
    attempts = row.attempts + 1
    delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
    error = f"{type(exc).__name__}: {exc}"[:1000]
    permanent = is_permanent(exc)
    given_up = permanent or attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]
    OutboxMail.update(attempts=attempts, last_error=error, next_attempt_at=now + delay,
                      failed_at=now if given_up else None).where(
        OutboxMail.id == row.id).execute()
    if permanent:
        log.error("mail %s to %s refused for good, marked failed: %s", row.id, row.recipient,
                  error)
    elif given_up:
        log.error("mail %s to %s failed %s times, marked failed: %s", row.id, row.recipient,
                  attempts, error)
    else:
        log.warning("mail %s to %s failed (attempt %s): %s", row.id, row.recipient, attempts,
                    error)


def _refused_apart(row, exc, now):
    """A message to several people that the server refused for some of them (``exc``, an
    ``SMTPRecipientsRefused``): the row keeps the addresses that took it, marked sent, and
    the refused ones go to rows of their own with the same message, one for the answers
    worth retrying (4xx: backoff as usual) and one for the refusals for good (5xx: failed,
    for an administrator to see and retry). When the server refused every address, the
    row keeps the temporary refusals and the permanent ones get their own row. Returns
    False when there is nothing to split (one recipient, or one kind of refusal for all)."""
    if not isinstance(exc, smtplib.SMTPRecipientsRefused) or len(row.recipients) < 2:
        return False
    answers = {address.lower(): answer for address, answer in exc.recipients.items()}
    groups = {"sent": [], "later": [], "never": []}
    for address in row.recipients:
        answer = answers.get(address.lower())
        groups["sent" if answer is None else "never" if answer[0] >= 500 else "later"].append(
            address)
    parts = [(name, addresses) for name, addresses in groups.items() if addresses]
    if len(parts) < 2:
        return False
    with atomic():
        for n, (name, addresses) in enumerate(parts):
            part = row if n == 0 else _copy(row, addresses)
            if n == 0:
                row.recipient = recipient_of(addresses)
                OutboxMail.update(recipient=row.recipient).where(
                    OutboxMail.id == row.id).execute()
            if name == "sent":  # marked with the split, in its transaction
                _mark_sent.run(at=OutboxMail.sent_at.db_value(utcnow()), id=part.id)
            else:
                _failed(part, smtplib.SMTPRecipientsRefused(
                    {a: answers[a.lower()] for a in addresses}), now)
    return True


def _copy(row, addresses):
    """A new outbox row with ``row``'s message (and files) for ``addresses``."""
    whole = OutboxMail.get_by_id(row.id)  # the claim read only what sending needs
    fields = {name: getattr(whole, name) for name in (
        "subject", "body_text", "body_html", "headers", "kind", "created_at", "attempts")}
    part = OutboxMail.create(recipient=recipient_of(addresses), **fields)
    files = OutboxAttachment.select(OutboxAttachment.filename, OutboxAttachment.content_type,
                                    OutboxAttachment.data, Value(part.id)).where(
        OutboxAttachment.mail == row.id)
    OutboxAttachment.insert_from(files, [
        OutboxAttachment.filename, OutboxAttachment.content_type, OutboxAttachment.data,
        OutboxAttachment.mail]).execute()
    return part


def is_permanent(exc):
    """A refusal that retrying will not change: an SMTP 5xx answer (recipient unknown,
    sign-in refused, message rejected) or a message that cannot be built. Connection
    failures, timeouts and 4xx answers are temporary."""
    if isinstance(exc, BadHeaderError):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _give_up_exhausted(now):
    """Rows that used every attempt (MAIL_MAX_ATTEMPTS may have been lowered since) are
    marked failed rather than left queued for ever."""
    exhausted = QUEUED & (OutboxMail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"])
    if OutboxMail.select().where(exhausted).exists():  # read first: no write lock each poll
        OutboxMail.update(failed_at=now).where(exhausted).execute()


def retry(ids=None, now=None):
    """Queue mail again for delivery at once, with a fresh set of attempts: the rows
    ``ids`` that are not sent yet, or every failed row. Returns how many."""
    now = now or utcnow()
    where = OutboxMail.id.in_(ids) & OutboxMail.sent_at.is_null() if ids is not None else FAILED
    return OutboxMail.update(attempts=0, failed_at=None, next_attempt_at=now).where(
        where).execute()


def expedite(now=None):
    """Make every queued row due now, whatever its backoff; returns how many were waiting.
    (A row an app process is sending at this very moment may then go out twice.)"""
    now = now or utcnow()
    return OutboxMail.update(next_attempt_at=now).where(
        QUEUED, OutboxMail.next_attempt_at > now).execute()


def failed_count():
    return OutboxMail.select().where(FAILED).count()


def outbox_counts():
    """Queued and failed rows, and when a message was last sent (indexed queries)."""
    return {
        "queued": OutboxMail.select().where(QUEUED).count(),
        "failed": failed_count(),
        "last_sent_at": OutboxMail.select(fn.MAX(OutboxMail.sent_at)).scalar(),
    }


def wake(app=None):
    """Start delivery now in this process (when background delivery is on)."""
    dispatcher = (app or current_app).extensions.get("mail_dispatcher")
    if dispatcher is not None:
        dispatcher.wake()


def _message(row, files=()):
    addresses = row.recipients
    several = len(addresses) > 1  # each in Bcc: no recipient sees another's address
    msg = FastMessage(row.subject, recipients=[] if several else addresses,
                      bcc=addresses if several else None, body=row.body_text,
                      html=row.body_html or None,
                      sender=current_app.config["MAIL_DEFAULT_SENDER"])
    headers = json.loads(row.headers or "{}")
    if "Message-ID" in headers:
        msg.msgId = headers.pop("Message-ID")
    msg.extra_headers = headers
    for file in files:
        msg.attach(file.filename, file.content_type, bytes(file.data))
    return msg


@contextmanager
def _transport():
    """Yields ``send(message)``: over one SMTP connection, or into .eml files."""
    config = current_app.config
    if not config["MAIL_SERVER"]:
        folder = Path(config["MAIL_FOLDER"])
        folder.mkdir(parents=True, exist_ok=True)  # once a batch
        yield partial(_write_eml, folder)
        return
    connection = SmtpConnection(current_app.extensions["mail"], config["MAIL_SMTP_TIMEOUT"])
    with connection:
        yield connection.send


def _write_eml(folder, msg):
    name = re.sub(r"[^A-Za-z0-9._-]", "_", msg.msgId.strip("<>"))
    path = folder / f"{utcnow():%Y%m%d-%H%M%S}-{name}.eml"
    path.write_bytes(msg.as_bytes())
    links = re.findall(r"https?://\S+", msg.body or "")
    log.warning("mail to %s saved as %s%s", ", ".join(msg.recipients or msg.bcc), path,
                f" — links: {' '.join(links)}" if links else "")
    return {}


class _Delivery:
    """The mail thread's work: batches sent while a whole batch went out (after a shorter
    one nothing else was due: a request that queues mail meanwhile wakes the thread again,
    and after a failure the next poll tries again). Rows that used every attempt are
    looked for once every MAIL_POLL_SECONDS, not at each of the many wakes; they only
    appear when MAIL_MAX_ATTEMPTS is lowered, and the claim passes them by meanwhile.
    Each new ticket wakes it: it also checkpoints SQLite's log (``wal.Checkpoints``)."""

    def __init__(self):
        self.looked = None  # time.monotonic() of the last look
        self.checkpoint = Checkpoints()

    def __call__(self, app):
        now = time.monotonic()
        give_up = self.looked is None or now - self.looked >= app.config["MAIL_POLL_SECONDS"]
        if give_up:
            self.looked = now
        self.checkpoint()
        while deliver_pending(give_up=give_up)[0] == BATCH:
            give_up = False


# a wake waits this long before delivering: under load the next requests' mail joins the
# batch (a run for several tickets, not one each); a person waits no longer for it to show
GATHER = 0.05


def dispatcher(app):
    """The thread that delivers the outbox in an app process (started by a wake)."""
    return Periodic(app, "mail-dispatcher", "MAIL_POLL_SECONDS", _Delivery(), GATHER)


def init_app(app):
    if not app.config["MAIL_BACKGROUND_DELIVERY"]:
        return
    # a thread per app process sends right after a request queued mail, and retries every
    # MAIL_POLL_SECONDS: no second process is needed in the default setup
    thread = app.extensions["mail_dispatcher"] = dispatcher(app)

    @app.teardown_request
    def _deliver_after_change(exc):
        if g.pop("mail_queued", False):
            thread.wake()
