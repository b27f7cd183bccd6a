"""A daemon thread per app process for recurring work (mail delivery, the SLA watch).

It starts on demand, runs ``work(app)`` every ``app.config[interval_key]`` seconds or at
once when woken, inside an app context with its own database connection, and survives
any error of a run.
"""
import logging
import threading

from .db import db

log = logging.getLogger(__name__)


class Periodic:
    def __init__(self, app, name, interval_key, work):
        self.app, self.name, self.interval_key, self.work = app, name, interval_key, work
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = None
        self._lock = threading.Lock()

    def wake(self):
        """Run now (and start the thread if it is not running)."""
        self.ensure_started()
        self._wake.set()

    def ensure_started(self):
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name=self.name,
                                                daemon=True)
                self._thread.start()

    def stop(self, timeout=5):
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self):
        while not self._stop.is_set():
            self._wake.wait(self.app.config[self.interval_key])
            self._wake.clear()
            if self._stop.is_set():
                break
            self.run_once()

    def run_once(self):
        """One run of the work, as the thread does it when it wakes."""
        try:
            with self.app.app_context(), db.database.connection_context():
                self.work(self.app)
        except Exception:  # keep the thread alive whatever happens
            log.exception("%s failed", self.name)
