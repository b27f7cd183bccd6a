"""Delivery of the outbox: SMTP when MAIL_SERVER is set, else .eml files in MAIL_FOLDER.

Rows are claimed one by one with a conditional UPDATE, so several app processes and a
cron ``send-mail`` can drain the same outbox without sending a message twice. A failed
send is retried with growing delays; it never touches the change that queued it.
"""
import json
import logging
import re
import smtplib
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from flask import current_app, g
from flask_mail import Connection, Message

from .background import Periodic
from .models import OutboxMail, utcnow

log = logging.getLogger(__name__)

RETRY_DELAYS = [timedelta(minutes=m) for m in (1, 5, 15, 60, 180, 360, 720)]
LEASE = timedelta(minutes=5)


def deliver_pending(now=None, limit=200):
    """Send what is due; returns (sent, failed)."""
    now = now or utcnow()
    max_attempts = current_app.config["MAIL_MAX_ATTEMPTS"]
    due = list(OutboxMail.select()
               .where(OutboxMail.sent_at.is_null(), OutboxMail.next_attempt_at <= now,
                      OutboxMail.attempts < max_attempts)
               .order_by(OutboxMail.id).limit(limit))
    claimed = [row for row in due if _claim(row, now)]
    if not claimed:
        return 0, 0
    sent = failed = 0
    try:
        with _transport() as send:
            for row in claimed:
                try:
                    send(_message(row))
                except Exception as exc:  # one bad message must not hold up the others
                    _failed(row, exc, now)
                    failed += 1
                else:
                    OutboxMail.update(sent_at=utcnow(), last_error=None).where(
                        OutboxMail.id == row.id).execute()
                    sent += 1
    except (OSError, smtplib.SMTPException) as exc:  # could not connect at all
        for row in claimed[sent + failed:]:
            _failed(row, exc, now)
            failed += 1
    return sent, failed


def _claim(row, now):
    """Take the row for LEASE, unless another process took it first."""
    return OutboxMail.update(next_attempt_at=now + LEASE).where(
        OutboxMail.id == row.id, OutboxMail.sent_at.is_null(),
        OutboxMail.next_attempt_at == row.next_attempt_at).execute() == 1


def _failed(row, exc, now):
    attempts = row.attempts + 1
    delay = RETRY_DELAYS[min(attempts, len(RETRY_DELAYS)) - 1]
    OutboxMail.update(attempts=attempts, last_error=f"{type(exc).__name__}: {exc}"[:1000],
                      next_attempt_at=now + delay).where(OutboxMail.id == row.id).execute()
    log.warning("mail %s to %s failed (attempt %s): %s", row.id, row.recipient, attempts, exc)


def _message(row):
    msg = Message(row.subject, recipients=[row.recipient], body=row.body_text,
                  html=row.body_html or None,
                  sender=current_app.config["MAIL_DEFAULT_SENDER"])
    headers = json.loads(row.headers or "{}")
    if "Message-ID" in headers:
        msg.msgId = headers.pop("Message-ID")
    msg.extra_headers = headers
    return msg


class _SmtpConnection(Connection):
    """Flask-Mail's connection with a timeout: its own has none, so a server that accepts
    and never answers would block the sender forever."""

    def __init__(self, mail, timeout):
        super().__init__(mail)
        self.timeout = timeout

    def configure_host(self):
        factory = smtplib.SMTP_SSL if self.mail.use_ssl else smtplib.SMTP
        host = factory(self.mail.server, self.mail.port, timeout=self.timeout)
        if self.mail.use_tls:
            host.starttls()
        if self.mail.username and self.mail.password:
            host.login(self.mail.username, self.mail.password)
        return host


@contextmanager
def _transport():
    """Yields ``send(message)``: over one SMTP connection, or into .eml files."""
    config = current_app.config
    if not config["MAIL_SERVER"]:
        yield _write_eml
        return
    connection = _SmtpConnection(current_app.extensions["mail"], config["MAIL_SMTP_TIMEOUT"])
    with connection:
        yield connection.send


def _write_eml(msg):
    folder = Path(current_app.config["MAIL_FOLDER"])
    folder.mkdir(parents=True, exist_ok=True)
    name = re.sub(r"[^A-Za-z0-9._-]", "_", msg.msgId.strip("<>"))
    path = folder / f"{utcnow():%Y%m%d-%H%M%S}-{name}.eml"
    path.write_bytes(msg.as_bytes())
    links = re.findall(r"https?://\S+", msg.body or "")
    log.warning("mail to %s saved as %s%s", ", ".join(msg.recipients), path,
                f" — links: {' '.join(links)}" if links else "")


def _deliver_all(app):
    while deliver_pending()[0]:
        pass


def init_app(app):
    if not app.config["MAIL_BACKGROUND_DELIVERY"]:
        return
    # a thread per app process sends right after a request queued mail, and retries every
    # MAIL_POLL_SECONDS: no second process is needed in the default setup
    dispatcher = Periodic(app, "mail-dispatcher", "MAIL_POLL_SECONDS", _deliver_all)
    app.extensions["mail_dispatcher"] = dispatcher

    @app.teardown_request
    def _deliver_after_change(exc):
        if g.pop("mail_queued", False):
            dispatcher.wake()
