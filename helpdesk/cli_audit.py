"""``flask audit prune``: the audit trail's entries older than AUDIT_RETENTION_DAYS go
(the app's scheduled work does the same every day, ``helpdesk/scheduler.py``)."""
import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import force_locale, ngettext

from . import audit
from .db import atomic, db


@click.group("audit")
def audit_group():
    """The audit trail."""


@audit_group.command("prune")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Keep this many days instead of AUDIT_RETENTION_DAYS.")
@with_appcontext
def prune(days):
    """Delete the audit entries older than the retention period."""
    days = days or current_app.config["AUDIT_RETENTION_DAYS"]
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]), \
            db.database.connection_context():
        with atomic():
            removed = audit.prune(days)
        click.echo(ngettext("%(num)d audit entry older than %(days)s days removed.",
                            "%(num)d audit entries older than %(days)s days removed.",
                            removed, days=days))
