"""``flask fetch-mail``: read the helpdesk's mailbox once (for cron, or with polling off)."""
import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _, lazy_gettext as _l

from .cli import _drain_outbox
from .db import db
from .intake import imap


@click.command("fetch-mail",
               help=_l("Take in the messages waiting in the mailbox of INTAKE_IMAP_URL, then "
                       "send the e-mails they caused. Exits with status 1 when the mailbox "
                       "could not be read."))
@with_appcontext
def fetch_mail():
    url = current_app.config["INTAKE_IMAP_URL"]
    if not url:
        raise click.UsageError(_("Set FLASK_INTAKE_IMAP_URL (e.g. "
                                 "imaps://user:password@mail.example.id/INBOX) first."))
    if not current_app.config["PUBLIC_URL"]:
        raise click.UsageError(_("Set FLASK_PUBLIC_URL (the site's address): the answers "
                                 "link to it."))
    try:
        imap.parse_url(url)
    except ValueError:
        raise click.UsageError(_("FLASK_INTAKE_IMAP_URL must look like "
                                 "imaps://user:password@host/INBOX (or imap:// for an "
                                 "unencrypted connection).")) from None
    with db.database.connection_context():
        run = imap.poll(current_app.config)
        _drain_outbox()
    counts = run.counts
    click.echo(_("%(fetched)d message(s) read: %(replies)d reply(ies), %(new)d new "
                 "ticket(s), %(refused)d refused, %(quarantined)d quarantined, "
                 "%(duplicates)d already taken in, %(ignored)d ignored; %(left)d left for "
                 "the next run.",
                 fetched=run.fetched, replies=counts["reply"], new=counts["new_ticket"],
                 refused=counts["refused"], quarantined=counts["quarantined"],
                 duplicates=counts["duplicate"], ignored=counts["ignored"], left=run.left))
    if run.error:
        click.echo(_("The mailbox could not be read to the end: %(error)s. The messages "
                     "not yet taken in stay in the mailbox for the next run.",
                     error=run.error), err=True)
        raise SystemExit(1)
