"""The SLA watch inside each app process: ``lifecycle.mark_overdue`` every
SLA_CHECK_SECONDS, so the default setup needs no cron. Several processes may run it at
once; the lifecycle's conditional updates make each breach count once."""
from flask import request

from . import jobs, lifecycle
from .background import Periodic


def _watch(app):
    breached = lifecycle.mark_overdue()
    jobs.record_run(jobs.SLA_WATCH)
    if breached and "mail_dispatcher" in app.extensions:
        app.extensions["mail_dispatcher"].wake()  # send the alerts now


def init_app(app):
    if not app.config["SLA_CHECK_SECONDS"]:
        return
    watch = Periodic(app, "sla-watch", "SLA_CHECK_SECONDS", _watch)
    app.extensions["sla_watch"] = watch

    @app.before_request
    def _start_watch():  # started by the first request, not by CLI commands or imports
        if (not app.config["PUBLIC_URL"] and "SEEN_URL_ROOT" not in app.config
                and request.blueprint != "health"):  # probes use internal addresses
            app.config["SEEN_URL_ROOT"] = request.url_root  # links in the watch's mails
        watch.ensure_started()
