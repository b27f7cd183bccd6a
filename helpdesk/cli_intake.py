"""``flask receive-mail < message.eml``: the pipe of the mail intake, for an MTA alias.

Exit status 0 when the message was handled (also when it was refused, ignored or
quarantined: it is kept, and the MTA must not send it again), 75 (EX_TEMPFAIL) when it
could not be saved, so that the MTA keeps it and tries again later."""
import logging
import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _, lazy_gettext as _l
from peewee import InterfaceError, OperationalError

from . import intake, mailer
from .db import db

EX_TEMPFAIL = 75
log = logging.getLogger(__name__)

SAID = {
    "reply": lambda o: _("Message added to ticket #%(number)s.", number=o.ticket.number),
    "new_ticket": lambda o: _("Ticket #%(number)s opened from the message.",
                              number=o.ticket.number),
    "refused": lambda o: _("Message refused (%(reason)s); the sender was answered if "
                           "appropriate.", reason=o.reason),
    "quarantined": lambda o: _("Message quarantined for an administrator: %(reason)s",
                               reason=o.reason),
    "duplicate": lambda o: _("Message already received; nothing done."),
    "ignored": lambda o: _("Automatic message recorded; no answer sent (%(reason)s).",
                           reason=o.reason),
}


@click.command("receive-mail",
               help=_l("Take in one e-mail from standard input (a reply or a new ticket)."))
@with_appcontext
def receive_mail():
    if not current_app.config["PUBLIC_URL"]:
        _temporary(_("Set FLASK_PUBLIC_URL (the site's address): the answers link to it."))
    raw = sys.stdin.buffer.read()
    try:
        with db.database.connection_context():
            outcome = intake.receive(raw, source="pipe")
            _deliver()
    except (intake.TemporaryFailure, OperationalError, InterfaceError) as exc:
        _temporary(_("Message not saved, the mail server will try again later: "
                     "%(error)s", error=exc))
    click.echo(SAID[outcome.kind](outcome))


def _temporary(text):
    click.echo(text, err=True)
    sys.exit(EX_TEMPFAIL)


def _deliver():
    """Send the answers and alerts now (the running app would within MAIL_POLL_SECONDS);
    a failure leaves them queued."""
    try:
        while mailer.deliver_pending()[0]:
            pass
    except Exception:
        log.exception("mail intake: the outbox could not be sent now; it stays queued")
