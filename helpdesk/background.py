"""A daemon thread per app process for recurring work (mail delivery, the SLA watch).

It starts on demand, runs ``work(app)`` every ``app.config[interval_key]`` seconds or at
once when woken (after ``gather`` seconds, if given), inside an app context, and survives
any error of a run. Wakes that come while a run is under way (or gathered) make one more
run after it, however many they are.

Its database connection is the request threads' kind: on SQLite it stays open between
runs that leave it idle (opening one costs its pragmas, closing the last one checkpoints
the WAL), and is closed after a run that failed or left a transaction open, and when the
thread stops; a PostgreSQL connection goes back to the pool after every run.
"""
import logging
import os
import threading
import weakref

from .db import close_connection, db, kept_open

log = logging.getLogger(__name__)

_jobs = weakref.WeakSet()  # every Periodic of this process, for forks
_inherited = []  # connections kept open by a parent process's threads (see below)


class Periodic:
    def __init__(self, app, name, interval_key, work, gather=0):
        """``gather``: seconds a wake waits before the run, for the wakes that follow it
        closely to join it (one run for several requests' work)."""
        self.app, self.name, self.interval_key, self.work = app, name, interval_key, work
        self.gather = gather
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = None
        self._lock = threading.Lock()
        self._kept = None  # the connection the thread keeps open between runs
        _jobs.add(self)

    def wake(self):
        """Run now (and start the thread if it is not running)."""
        thread = self._thread
        if thread is None or not thread.is_alive():
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
        try:
            while not self._stop.is_set():
                if self._wake.wait(self.app.config[self.interval_key]) and self.gather:
                    self._stop.wait(self.gather)
                self._wake.clear()
                if self._stop.is_set():
                    break
                self.run_once()
        finally:
            self._kept = None
            close_connection(db.database)

    def run_once(self):
        """One run of the work, as the thread makes it when it wakes."""
        database = db.database
        try:
            with self.app.app_context():
                database.connect(reuse_if_open=True)
                self.work(self.app)
                if not database.is_closed() and kept_open(database):
                    self._kept = database.connection()
                    return
        except Exception:  # keep the thread alive whatever happens
            log.exception("%s failed", self.name)
        self._kept = None
        close_connection(database)


def _forget_parent_threads():
    """In a process just forked, the jobs' threads are the parent's and are gone: their
    connections are kept referenced, never closed (closing would reach the parent's
    database files; dropped, the garbage collector would close them), and a wake starts a
    new thread, with its own connection and new locks."""
    for job in list(_jobs):
        if job._kept is not None:
            _inherited.append(job._kept)
        job._kept, job._thread = None, None
        job._lock, job._wake = threading.Lock(), threading.Event()


os.register_at_fork(after_in_child=_forget_parent_threads)
