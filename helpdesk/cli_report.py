"""``flask report``: the dashboard's workbook from the command line, for a cron job that
mails it every week or month."""
import getpass
import os
import socket
import sys
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _, lazy_gettext as _l
from xlsxwriter.exceptions import FileCreateError

from . import dashboard, demo, mailer, notifications, report_summary, report_workbook
from .cli_locale import option
from .db import atomic, db
from .models import Department, HelpTopic, Ticket, utcnow
from .reports import Filters, Period


@click.command("report",
               help=_l("Write the supervisors' dashboard for a period as an XLSX workbook, and "
                       "mail it."))
@option("--from", "first", required=True, metavar="YYYY-MM-DD",
              help=_l("First day of the period (in the helpdesk's time zone)."))
@option("--to", "last", required=True, metavar="YYYY-MM-DD",
              help=_l("Last day of the period (included)."))
@option("--topic", default=None, metavar="NAME", help=_l("Only this help topic."))
@option("--department", default=None, metavar="NAME", help=_l("Only this department."))
@option("--out", required=True, metavar="FILE.xlsx",
              help=_l("The workbook to write (.xlsx)."))
@option("--mail", "addresses", multiple=True, metavar="ADDRESS",
              help=_l("Send the workbook to this address (repeat for several)."))
@option("--by", "made_by", default=None, metavar="ADDRESS",
              help=_l("Who asked for the report, named in the workbook and the e-mail "
                      "(default: the account running the command)."))
@with_appcontext
def report(first, last, topic, department, out, addresses, made_by):
    with db.database.connection_context():
        period = _period(first, last)
        filters = Filters(topic=_named(HelpTopic, topic, _("help topic")),
                          department=_named(Department, department, _("department")))
        addresses = [_address(a) for a in addresses]
        _check_writable(out)
        made_by = made_by or f"{getpass.getuser()}@{socket.gethostname()}"
        board = _build(period, filters)
        made_at = utcnow()
        try:
            report_workbook.write_workbook(board, out, made_by=made_by, made_at=made_at)
        except (OSError, FileCreateError) as exc:  # XlsxWriter wraps the OSError
            cause = exc.args[0] if isinstance(exc, FileCreateError) else exc
            raise click.ClickException(_cannot_write(out, cause)) from exc
        click.echo(_("Workbook written: %(path)s", path=out))
        if addresses:
            _mail(board, out, addresses, made_by, made_at)


@click.command("report-summary",
               help=_l("Recompute the reports' summary from every ticket (after changing the "
                       "helpdesk's time zone, or after loading tickets into the database by "
                       "hand)."))
@with_appcontext
def report_summary_command():
    with db.database.connection_context():
        count = Ticket.select().count()
        with demo.progress(count, _("Summing up %(count)s tickets", count=count)) as advance:
            report_summary.rebuild(progress=advance)
        click.echo(_("The reports' summary now counts %(count)s tickets.", count=count))


def _period(first, last):
    days = []
    for name, value in (("--from", first), ("--to", last)):
        try:
            days.append(date.fromisoformat(value))
        except ValueError:
            raise click.ClickException(_(
                "%(option)s %(value)s is not a date: please write it as YYYY-MM-DD, "
                "e.g. 2026-11-30.", option=name, value=value)) from None
    if days[1] < days[0]:
        raise click.ClickException(_("The period cannot end before it starts."))
    return Period(*days, zone=current_app.config["BABEL_DEFAULT_TIMEZONE"])


def _named(model, name, kind):
    """The id of the topic or department called ``name`` (case ignored), or None."""
    if name is None:
        return None
    names = {row.name.casefold(): row for row in model.select()}
    found = names.get(name.strip().casefold())
    if found is None:
        valid = ", ".join(sorted(row.name for row in names.values()))
        raise click.ClickException(_("There is no %(kind)s called %(name)s. Please use one "
                                     "of: %(names)s.", kind=kind, name=name, names=valid))
    return found.id


def _address(address):
    try:
        return current_app.extensions["security"]._mail_util.validate(address)
    except ValueError:
        raise click.ClickException(_("%(address)s is not an e-mail address.",
                                     address=address)) from None


def _check_writable(path):
    """Refuse before the work: a folder that does not exist or cannot be written."""
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        reason = _("it is a folder")
    elif not os.path.isdir(folder):
        reason = _("the folder %(folder)s does not exist", folder=folder)
    elif not os.access(folder, os.W_OK) or (os.path.exists(path)
                                            and not os.access(path, os.W_OK)):
        reason = _("permission denied")
    else:
        return
    raise click.ClickException(_cannot_write(path, reason))


def _cannot_write(path, reason):
    return _("Cannot write the workbook to %(path)s: %(reason)s.", path=path,
             reason=getattr(reason, "strerror", None) or reason)


def _build(period, filters):
    """The dashboard, with a progress bar in a terminal and a line per step elsewhere."""
    steps = dashboard.STEPS
    label = _("Computing the report")
    if sys.stdout.isatty():
        with click.progressbar(length=len(steps), label=label) as bar:
            return dashboard.build(period, filters, now=utcnow(), breaches=None,
                                   progress=lambda step: bar.update(1))
    click.echo(label)
    done = []

    def progress(step):
        done.append(step)
        click.echo(f"  {len(done)}/{len(steps)} {_step_label(step)}")
    return dashboard.build(period, filters, now=utcnow(), breaches=None, progress=progress)


def _step_label(step):
    if step in dashboard.TABLES:
        return str(dashboard.TABLES[step][0])
    return {"headline": _("Tickets in the period"), "times": _("Times"), "sla": _("SLA"),
            "series": _("Per day"), "survey": _("Public satisfaction survey (SKM)")}[step]


def _mail(board, path, addresses, made_by, made_at):
    with open(path, "rb") as file:
        workbook = file.read()
    filename = report_workbook.file_name(board)
    with atomic():
        for address in addresses:
            notifications.report_made(address, workbook=workbook, filename=filename,
                                      board=board, made_by=made_by, made_at=made_at)
    sent = 0
    while more := mailer.deliver_pending()[0]:  # now; what fails stays queued for later
        sent += more
    click.echo(_("%(queued)s e-mail(s) queued, %(sent)s sent; any not sent yet stay in "
                 "the outbox.", queued=len(addresses), sent=sent))
