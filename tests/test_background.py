"""The background thread's database connection: on SQLite it is kept between runs, as a
request thread keeps its own, and closed when a run fails and when the thread stops; on
PostgreSQL it goes back to the pool after each run. Many wakes make few runs."""
import os
import queue
import threading
import time

import pytest

from helpdesk import background
from helpdesk.background import Periodic
from helpdesk.db import db


on_sqlite = pytest.mark.sqlite_only  # SQLite's kept connection


class Probe:
    """A job that reports, run by run, its connection and whether a query worked."""

    def __init__(self, app, fail=()):
        self.runs, self.fail = queue.Queue(), set(fail)
        self.entered, self.release = threading.Event(), threading.Event()
        self.release.set()
        self.job = Periodic(app, "probe", "MAIL_POLL_SECONDS", self.work)
        self.count = 0

    def work(self, app):
        self.count += 1
        self.entered.set()
        self.release.wait(5)
        connection = db.database.connection()
        answer = db.database.execute_sql("SELECT 1").fetchone()
        self.runs.put((connection, answer))
        if self.count in self.fail:
            raise RuntimeError("a run that fails")

    def run(self):
        self.job.wake()
        return self.runs.get(timeout=5)


def closed(connection):
    """Whether a SQLite connection was closed (asked without running anything on it)."""
    try:
        connection.total_changes
    except Exception:
        return True
    return False


@on_sqlite
def test_the_connection_is_kept_between_runs_and_closed_when_the_thread_stops(app):
    probe = Probe(app)
    first, answer = probe.run()
    assert answer == (1,)
    assert probe.run()[0] is first
    probe.job.stop()
    assert closed(first)


@on_sqlite
def test_a_run_that_fails_closes_its_connection_and_the_next_opens_another(app):
    probe = Probe(app, fail={1})
    failed, _ = probe.run()
    again, answer = probe.run()
    assert answer == (1,)
    assert again is not failed
    probe.job.stop()
    assert closed(failed) and closed(again)


@pytest.mark.postgresql_only
def test_a_postgresql_connection_is_let_go_after_each_run(app):
    """Closed, or with ``postgresql+pool://`` back in the pool, as a request's is."""
    probe = Probe(app)
    first, _ = probe.run()
    probe.run()  # the first run has ended
    lent = getattr(db.database.obj, "_in_use", None)
    if lent is None:
        assert first.closed
    else:
        assert all(held.connection is not first for held in lent.values())
    probe.job.stop()


def test_wakes_during_a_run_make_one_more_run(app):
    probe = Probe(app)
    probe.release.clear()
    probe.job.wake()
    assert probe.entered.wait(5)  # the first run is under way, held
    for _ in range(50):
        probe.job.wake()
    probe.release.set()
    probe.runs.get(timeout=5), probe.runs.get(timeout=5)
    probe.job.stop()
    assert probe.count == 2


def test_wakes_close_together_make_one_run(app):
    """The mail thread waits a moment after a wake: the mail of the requests that follow
    closely goes out in the same run."""
    probe = Probe(app)
    probe.job.gather = 0.3
    for _ in range(5):
        probe.job.wake()
        time.sleep(0.01)
    probe.runs.get(timeout=5)
    time.sleep(0.3)
    probe.job.stop()
    assert probe.count == 1


@on_sqlite
def test_a_forked_process_leaves_the_parents_connection_alone(app):
    """The child's jobs run on threads of their own with connections of their own; the
    connection the parent's thread keeps is neither used nor closed there."""
    probe = Probe(app)
    parents, _ = probe.run()
    reading, writing = os.pipe()
    child = os.fork()
    if child == 0:  # the child reports and leaves at once, whatever happens
        try:
            mine, answer = probe.run()
            ok = (mine is not parents and answer == (1,) and not closed(parents)
                  and parents in background._inherited)
            os.write(writing, b"ok" if ok else b"wrong")
        finally:
            os._exit(0)
    os.close(writing)
    report = os.read(reading, 10)
    os.waitpid(child, 0)
    assert report == b"ok"
    assert probe.run()[0] is parents and not closed(parents)
    probe.job.stop()
