"""``flask audit prune``: the audit trail's entries older than AUDIT_RETENTION_DAYS go
(the app's scheduled work does the same every day, ``helpdesk/scheduler.py``)."""
import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import lazy_gettext as _l, ngettext

from . import audit
from .cli_locale import option
from .db import atomic, db


@click.group("audit", help=_l("The audit trail."))
def audit_group():
    pass


@audit_group.command("prune", help=_l("Delete the audit entries older than the retention "
                                      "period."))
@option("--days", type=click.IntRange(min=1), default=None,
              help=_l("Keep this many days instead of AUDIT_RETENTION_DAYS."))
@with_appcontext
def prune(days):
    days = days or current_app.config["AUDIT_RETENTION_DAYS"]
    with db.database.connection_context():
        with atomic():
            removed = audit.prune(days)
        click.echo(ngettext("%(num)d audit entry older than %(days)s days removed.",
                            "%(num)d audit entries older than %(days)s days removed.",
                            removed, days=days))
