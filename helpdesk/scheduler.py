"""The recurring jobs inside each app process, so the default setup needs no cron:
- the SLA watch, ``lifecycle.mark_overdue`` every SLA_CHECK_SECONDS. Several processes may
  run it at once; the lifecycle's conditional updates make each breach count once;
- the upload cleaner, ``uploads.clean_leftovers`` every UPLOAD_CLEAN_SECONDS (safe to run
  twice: it only removes what no attachment names);
- the auto-closer, ``lifecycle.auto_close`` every AUTO_CLOSE_CHECK_SECONDS: resolutions
  left unanswered AUTO_CLOSE_DAYS close (conditional updates: safe from several processes);
- the audit pruner, ``audit.prune`` every AUDIT_PRUNE_SECONDS (a day): entries older than
  AUDIT_RETENTION_DAYS go (safe to run twice);
- the mail intake, ``intake.imap.poll`` every INTAKE_POLL_SECONDS when INTAKE_IMAP_URL is
  set (safe to run twice and in several processes: a message is known by its Message-ID);
- on PostgreSQL, the search's recent index, ``search_recent.keep_recent`` at the first
  request and every SEARCH_WINDOW_SECONDS (an hour): built again further on once three
  steps of rows came (one process at a time: the others find it locked and leave it)."""
import logging

from flask import request

from . import audit, jobs, lifecycle, search_recent, uploads
from .intake import imap as mail_intake
from .background import Periodic
from .report_sql import on_postgres

log = logging.getLogger(__name__)


def _watch(app):
    breached = lifecycle.mark_overdue()
    jobs.record_run(jobs.SLA_WATCH)
    if breached and "mail_dispatcher" in app.extensions:
        app.extensions["mail_dispatcher"].wake()  # send the alerts now


def _auto_close(app):
    closed = lifecycle.auto_close()
    if closed and "mail_dispatcher" in app.extensions:
        app.extensions["mail_dispatcher"].wake()  # send the requesters' mails now


def _clean_uploads(app):
    done = uploads.clean_leftovers(app.config["UPLOAD_FOLDER"])
    if done.removed or done.finalized:
        log.warning("upload leftovers: %d file(s) removed (%d bytes): %s; %d finalized",
                    len(done.removed), done.removed_bytes,
                    ", ".join(path for path, _ in done.removed), len(done.finalized))


def _prune_audit(app):
    removed = audit.prune(app.config["AUDIT_RETENTION_DAYS"])
    if removed:
        log.info("audit trail: %d entries older than %s days removed", removed,
                 app.config["AUDIT_RETENTION_DAYS"])


def _keep_search_window(app):
    if on_postgres() and search_recent.keep_recent():
        log.info("search: the index of recent rows moved on")


def _first_at_once(job):
    """Start ``job`` with the first request and run it at once, then every period: a
    process restarted more often than hourly (deploys) would otherwise never check the
    search's recent index, and searches would read ever more rows."""
    started = []

    def start():
        if started:
            job.ensure_started()
        else:
            started.append(True)
            job.wake()
    return start


def _fetch_mail(app):
    run = mail_intake.poll(app.config)
    if run.fetched and "mail_dispatcher" in app.extensions:
        app.extensions["mail_dispatcher"].wake()  # receipts and auto-answers now


def _start_mail_intake(app):
    try:
        mail_intake.parse_url(app.config["INTAKE_IMAP_URL"])
    except ValueError as exc:
        log.error("FLASK_INTAKE_IMAP_URL is %s: the mailbox is not read", exc)
        return
    if not app.config["PUBLIC_URL"]:  # the answers link to the site
        log.warning("FLASK_INTAKE_IMAP_URL is set but FLASK_PUBLIC_URL is not: the "
                    "mailbox is not read (the intake's answers link to the site)")
        return
    intake = Periodic(app, "mail-intake", "INTAKE_POLL_SECONDS", _fetch_mail)
    app.extensions["mail_intake"] = intake
    app.before_request(intake.ensure_started)  # by requests, not CLI commands


def init_app(app):
    if app.config["INTAKE_IMAP_URL"] and app.config["INTAKE_POLL_SECONDS"]:
        _start_mail_intake(app)
    if app.config["AUDIT_PRUNE_SECONDS"]:
        pruner = Periodic(app, "audit-pruner", "AUDIT_PRUNE_SECONDS", _prune_audit)
        app.extensions["audit_pruner"] = pruner
        app.before_request(pruner.ensure_started)  # by requests, not CLI commands
    if app.config["SEARCH_WINDOW_SECONDS"]:
        window = Periodic(app, "search-window", "SEARCH_WINDOW_SECONDS", _keep_search_window)
        app.extensions["search_window"] = window
        app.before_request(_first_at_once(window))  # by requests, not CLI commands
    if app.config["UPLOAD_CLEAN_SECONDS"]:
        cleaner = Periodic(app, "upload-cleaner", "UPLOAD_CLEAN_SECONDS", _clean_uploads)
        app.extensions["upload_cleaner"] = cleaner
        app.before_request(cleaner.ensure_started)  # by requests, not CLI commands
    # the jobs whose mails link to the site: started by the first request (not by CLI
    # commands or imports), which gives them the site's address when PUBLIC_URL is unset
    linking = [Periodic(app, name, setting, work) for name, setting, work in (
        ("sla-watch", "SLA_CHECK_SECONDS", _watch),
        ("auto-closer", "AUTO_CLOSE_CHECK_SECONDS", _auto_close)) if app.config[setting]]
    for job in linking:
        app.extensions[job.name.replace("-", "_")] = job
    if not linking:
        return

    @app.before_request
    def _start_linking_jobs():
        if (not app.config["PUBLIC_URL"] and "SEEN_URL_ROOT" not in app.config
                and request.blueprint != "health"):  # probes use internal addresses
            app.config["SEEN_URL_ROOT"] = request.url_root  # links in the jobs' mails
        for job in linking:
            job.ensure_started()
