"""The SLA watch inside each app process: ``lifecycle.mark_overdue`` every
SLA_CHECK_SECONDS, so the default setup needs no cron. Several processes may run it at
once; the lifecycle's conditional updates make each breach count once."""
import logging
import threading

from flask import request

from . import lifecycle
from .db import db

log = logging.getLogger(__name__)


class SlaWatch:
    def __init__(self, app):
        self.app = app
        self._stop = threading.Event()
        self._thread = None
        self._lock = threading.Lock()

    def ensure_started(self):
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="sla-watch",
                                                daemon=True)
                self._thread.start()

    def stop(self, timeout=5):
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run_once(self):
        with self.app.app_context(), db.database.connection_context():
            breached = lifecycle.mark_overdue()
        if breached and "mail_dispatcher" in self.app.extensions:
            self.app.extensions["mail_dispatcher"].wake()
        return breached

    def _run(self):
        while not self._stop.wait(self.app.config["SLA_CHECK_SECONDS"]):
            try:
                self.run_once()
            except Exception:  # keep watching whatever happens
                log.exception("SLA check failed")


def init_app(app):
    if not app.config["SLA_CHECK_SECONDS"]:
        return
    watch = SlaWatch(app)
    app.extensions["sla_watch"] = watch

    @app.before_request
    def _start_watch():  # started by the first request, not by CLI commands or imports
        if not app.config["PUBLIC_URL"] and "SEEN_URL_ROOT" not in app.config:
            app.config["SEEN_URL_ROOT"] = request.url_root  # links in the watch's mails
        watch.ensure_started()
