"""Commands: ``flask --app app <command>``."""
import sys
from datetime import timedelta

import click
from flask import current_app
from flask_babel import gettext as _, lazy_gettext as _l
from flask.cli import with_appcontext
from flask_security import hash_password
from flask_security.recoverable import send_reset_password_instructions

from . import jobs, lifecycle, mailer, migrations, seed as seeding, status_links, uploads
from .cli_locale import option
from .db import atomic, db
from .models import AgentDepartment, Department, STAFF_ROLES, Ticket, utcnow


@click.command("init-db",
               help=_l("Create or upgrade the schema and seed roles, departments and help "
                       "topics."))
@with_appcontext
def init_db():
    with db.database.connection_context():
        applied = migrations.upgrade(db.database)
        with atomic():
            seeding.seed()
    click.echo(_("Database ready (%(migrations)s).",
                 migrations=", ".join(applied) or _("no migration pending")))


@click.group("staff", help=_l("Manage staff accounts."))
def staff():
    pass


@staff.command("add", help=_l("Create a confirmed staff account, or give an existing one a "
                              "role and departments."))
@click.argument("email")
@option("--role", type=click.Choice(STAFF_ROLES), required=True)
@option("--department", "departments", multiple=True,
              help=_l("Department name (repeat for several)."))
@option("--name", "full_name", default="", help=_l("Full name."))
@option("--password-stdin", is_flag=True,
              help=_l("Read the password from the first line of standard input."))
@option("--password", envvar="HELPDESK_STAFF_PASSWORD", show_envvar=True,
              help=_l("Discouraged: a password on the command line shows in the process "
                      "list and the shell's history. Set HELPDESK_STAFF_PASSWORD or use "
                      "--password-stdin instead. Without any of them a terminal asks for it, "
                      "and elsewhere (a script, a container) a new account is e-mailed a "
                      "link to choose its password."))
@with_appcontext
def staff_add(email, role, departments, full_name, password_stdin, password):
    security = current_app.extensions["security"]
    try:
        email = security._mail_util.validate(email)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="EMAIL") from exc
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    elif password is None and _interactive():
        password = click.prompt(_("Password"), hide_input=True,
                                confirmation_prompt=_("Repeat for confirmation"))
    if password is not None:
        problems, password = security._password_util.validate(password, True, email=email)
        if problems:
            raise click.BadParameter(" ".join(map(str, problems)), param_hint="--password")
    elif not current_app.config["PUBLIC_URL"]:
        raise click.UsageError(_("Without a password the account is e-mailed a link to "
                                 "choose one: set FLASK_PUBLIC_URL (the site's address) for "
                                 "the link."))
    with db.database.connection_context(), atomic():
        found = {d.name: d for d in Department.select().where(Department.name.in_(departments))}
        missing = sorted(set(departments) - set(found))
        if missing:
            raise click.BadParameter(_("unknown department(s): %(names)s",
                                       names=", ".join(missing)), param_hint="--department")
        user = add_staff(security.datastore, email, role, found.values(), full_name, password)
        mailed = not user.password
        if mailed:
            send_reset_password_instructions(user)
    if departments:
        click.echo(_("%(email)s: %(role)s in %(departments)s", email=user.email,
                     role=role, departments=", ".join(departments)))
    else:
        click.echo(_("%(email)s: %(role)s", email=user.email, role=role))
    if mailed:
        click.echo(_("An e-mail to choose a password is queued for %(email)s (sent by the "
                     "running helpdesk, or by `flask --app app send-mail`).", email=user.email))


def _interactive():
    return sys.stdin.isatty()


def add_staff(datastore, email, role, departments, full_name="", password=None):
    """Create (or update) a confirmed staff account with a role and departments.

    An existing account is found whatever the case of the address; it is marked confirmed,
    since an administrator vouches for it."""
    user = datastore.find_user(case_insensitive=True, email=email)
    if user is None:
        user = datastore.create_user(email=email, full_name=full_name or email.split("@")[0],
                                     password=password and hash_password(password),
                                     confirmed_at=utcnow())
    else:
        if password:
            user.password = hash_password(password)
        user.confirmed_at = user.confirmed_at or utcnow()
        user.full_name = full_name or user.full_name
        user.save()
    datastore.add_role_to_user(user, role)
    for department in departments:
        AgentDepartment.get_or_create(agent=user, department=department)
    return user


@click.command("send-mail",
               help=_l("Send the e-mails waiting in the outbox (for cron or a worker).\n\n"
                       "Without options only what is due is sent: e-mail that failed waits for "
                       "its next attempt. An e-mail that used every attempt, or that the server "
                       "refused for good, is marked failed and is sent again only after Retry "
                       "in the desk or --retry-failed."))
@option("--now", is_flag=True,
              help=_l("Send every queued e-mail at once, even those waiting to be retried "
                      "later. Failed e-mails are left alone unless --retry-failed is given."))
@option("--retry-failed", is_flag=True,
              help=_l("Queue the failed e-mails again with a fresh set of attempts (like "
                      "Retry all in the desk's Outbox), then send."))
@with_appcontext
def send_mail(now, retry_failed):
    with db.database.connection_context():
        retried = mailer.retry() if retry_failed else 0
        hurried = mailer.expedite() if now else 0
        sent, failed = _drain_outbox()
        counts = mailer.outbox_counts()
    if retry_failed:
        click.echo(_("%(count)d failed e-mail(s) queued again", count=retried))
    if now:
        click.echo(_("%(count)d e-mail(s) waiting for a retry made due now", count=hurried))
    click.echo(_("%(sent)d sent, %(failed)d failed; %(queued)d queued, %(given_up)d given up "
                 "(see the desk's Outbox)", sent=sent, failed=failed,
                 queued=counts["queued"], given_up=counts["failed"]))


def _drain_outbox():
    total_sent = total_failed = 0
    while True:
        sent, failed = mailer.deliver_pending()
        total_sent, total_failed = total_sent + sent, total_failed + failed
        if not sent:
            return total_sent, total_failed


@click.command("sla-check",
               help=_l("Mark open tickets past due as overdue and alert their agents (safe to "
                       "run often)."))
@with_appcontext
def sla_check():
    if not current_app.config["PUBLIC_URL"]:
        raise click.UsageError(_("Set FLASK_PUBLIC_URL (the site's address, e.g. "
                                 "https://helpdesk.kemensos.go.id): the alerts link to the "
                                 "desk."))
    with db.database.connection_context():
        breached = lifecycle.mark_overdue()
        jobs.record_run(jobs.SLA_WATCH)
        sent, failed = _drain_outbox()
    click.echo(_("%(overdue)d ticket(s) newly overdue; %(sent)d e-mail(s) sent, %(failed)d "
                 "failed", overdue=breached, sent=sent, failed=failed))


@click.command("auto-close",
               help=_l("Close the resolved tickets their requesters left unanswered "
                       "AUTO_CLOSE_DAYS, and e-mail the requesters (safe to run often, and from "
                       "several machines)."))
@with_appcontext
def auto_close():
    if not current_app.config["PUBLIC_URL"]:
        raise click.UsageError(_("Set FLASK_PUBLIC_URL (the site's address, e.g. "
                                 "https://helpdesk.kemensos.go.id): the e-mails link to the "
                                 "tickets."))
    with db.database.connection_context():
        closed = lifecycle.auto_close()
        sent, failed = _drain_outbox()
    click.echo(_("%(closed)d ticket(s) closed automatically; %(sent)d mail(s) sent, "
                 "%(failed)d failed", closed=closed, sent=sent, failed=failed))


@click.command("revoke-link",
               help=_l("Make every status-check link of ticket NUMBER stop working."))
@click.argument("number", type=int)
@with_appcontext
def revoke_link(number):
    with db.database.connection_context():
        ticket = Ticket.get_or_none(Ticket.number == number)
        if ticket is None:
            raise click.UsageError(_("There is no ticket #%(number)s.", number=number))
        revoked = status_links.revoke(ticket)
    click.echo(_("The link of ticket #%(number)s no longer works.", number=number) if revoked
               else _("Ticket #%(number)s had no working link.", number=number))


@click.command("clean-uploads",
               help=_l("Remove upload files no attachment names (left by killed processes), and "
                       "give a saved but unrenamed file its final name."))
@option("--older-than", "minutes", type=click.IntRange(min=0), default=60,
              show_default=True,
              help=_l("Remove only leftovers at least this many minutes old."))
@with_appcontext
def clean_uploads(minutes):
    folder = current_app.config["UPLOAD_FOLDER"]
    with db.database.connection_context():
        done = uploads.clean_leftovers(folder, older_than=timedelta(minutes=minutes))
    for name in done.finalized:
        click.echo(_("finalized %(name)s (its attachment was saved)", name=name))
    for path, size in done.removed:
        click.echo(_("removed %(path)s (%(size)d bytes)", path=path, size=size))
    click.echo(_("%(removed)d file(s) removed, %(bytes)d bytes; %(finalized)d finalized",
                 removed=len(done.removed), bytes=done.removed_bytes,
                 finalized=len(done.finalized)))


def init_app(app):
    from . import cli_audit, cli_fetch, cli_holidays, cli_intake, cli_report, demo
    from .cli_locale import speaking

    for command in (init_db, staff, send_mail, sla_check, auto_close, revoke_link,
                    clean_uploads, demo.demo_data, cli_report.report,
                    cli_report.report_summary_command, cli_audit.audit_group,
                    cli_intake.receive_mail, cli_fetch.fetch_mail,
                    cli_holidays.holidays_group):
        app.cli.add_command(speaking(command))
