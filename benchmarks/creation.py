"""Prints the statements each request of a citizen opening a ticket runs, with the time
the database call took, and the CPU the request took in all; then what delivering the
mail it queued costs (the outbox drained into .eml files, as the load benchmark does), per
ticket: each ticket's mail alone, and the mail of BATCH tickets at once (the app's mail
thread, woken by each request that queued mail, finds several tickets' mail waiting when
tickets come faster than it sends them). On PostgreSQL (a server on this machine) ``server
ms`` is the CPU of the server processes serving the database, per ticket (read from
/proc: the requests' connection and the mail thread's), and ``wait ms`` the wall time
neither this process nor those were on a core: round trips, and commits flushed to disk.

    python benchmarks/creation.py --url sqlite:////path/copy.db [--repeat 50] [--sql]
        [--smtp HOST:PORT]

Use a copy of a ``demo-data`` database: tickets and mail are added. ``--sql`` prints
every statement of the last repeat, with its time. ``--smtp`` sends the mail to an SMTP
server instead of .eml files, as production does (a sink in another process, so that its
CPU is not counted: ``python -m aiosmtpd -n -c aiosmtpd.handlers.Sink -l 127.0.0.1:8025``).
"""
import argparse
import logging
import random
import queue
import re
import sys
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tests")]

from _common import bench_app, postgres_server_pids, signed_in  # noqa: E402
from _faults_kit import hidden_fields  # noqa: E402
from helpdesk import mailer  # noqa: E402
from helpdesk.db import db  # noqa: E402
from helpdesk.models import OutboxMail, utcnow  # noqa: E402
from helpdesk.settings import DEFAULTS  # noqa: E402
from statements import _cpu_seconds  # noqa: E402

SERVERS = []  # the PostgreSQL server processes serving the app's connections


class StatementLog:
    """Wraps the database's ``execute_sql``: each statement with the seconds it took."""

    def __init__(self, database):
        self.database, self.rows = database, []
        self._original = database.execute_sql

    def __enter__(self):
        def timed(sql, params=None, *args, **kwargs):
            start = time.perf_counter()
            try:
                return self._original(sql, params, *args, **kwargs)
            finally:
                self.rows.append((sql, time.perf_counter() - start))
        self.database.execute_sql = timed
        return self

    def __exit__(self, *exc):
        del self.database.execute_sql


BATCH = 8  # tickets whose mail is delivered at once in the second round


class MailThread:
    """Delivers in a thread of its own, one run as the app's mail thread makes it when a
    request wakes it (its connection handling included)."""

    def __init__(self, app):
        self.dispatcher = mailer.dispatcher(app)
        self._asked, self._done = queue.Queue(), queue.Queue()
        threading.Thread(target=self._serve, name="mail-dispatcher", daemon=True).start()

    def _serve(self):
        while True:
            self._asked.get()
            self.dispatcher.run_once()
            self._done.put(None)

    def deliver(self):
        self._asked.put(None)
        self._done.get()


@contextmanager
def measured(totals, name, log):
    first = len(log.rows)
    cpu, wall, served = time.process_time(), time.perf_counter(), _served()
    yield
    totals[name]["cpu"] += time.process_time() - cpu
    totals[name]["wall"] += time.perf_counter() - wall
    totals[name]["server"] += _served() - served
    rows = log.rows[first:]
    totals[name]["statements"] += len(rows)
    totals[name]["db"] += sum(took for _, took in rows)
    totals[name]["last"] = rows


def _served():
    return sum(_cpu_seconds(pid) for pid in SERVERS)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--citizen", default="warga.0@contoh.id")
    parser.add_argument("--sql", action="store_true")
    parser.add_argument("--smtp", help="HOST:PORT of an SMTP server taking the mail")
    args = parser.parse_args()
    app = bench_app(args.url)
    if args.smtp:
        mail = app.extensions["mail"]
        mail.server, port = args.smtp.rsplit(":", 1)
        mail.port = int(port)
        app.config.update(MAIL_SERVER=mail.server, MAIL_PORT=mail.port)
    app.config.update({key: "1000000 per hour" for key in DEFAULTS
                       if key.startswith("THROTTLE_") and isinstance(DEFAULTS[key], str)})
    for name in ("helpdesk.access", "helpdesk.mailer"):  # a line per request, per mail
        logging.getLogger(name).setLevel(logging.ERROR)
    citizen = signed_in(app, args.citizen)
    topic = re.search(r'<option[^>]*value="(\d+)"',
                      citizen.get("/tickets/new").get_data(as_text=True)).group(1)
    with app.app_context(), db.database.connection_context():  # what demo-data left queued
        OutboxMail.update(sent_at=utcnow()).where(mailer.QUEUED).execute()
    totals = defaultdict(lambda: defaultdict(float))
    database = getattr(db.database, "obj", db.database)
    mail = MailThread(app)
    alone, batched = "mail, each ticket's alone", f"mail, {BATCH} tickets' at once"
    with StatementLog(database) as log:
        for n in range(args.repeat + 5):
            if n == 5:  # warm: templates compiled, statements prepared
                totals.clear()
                SERVERS[:] = postgres_server_pids(args.url)
            open_ticket(citizen, topic, totals, log)
            with measured(totals, alone, log):
                mail.deliver()
        for n in range(args.repeat):
            open_ticket(citizen, topic, defaultdict(lambda: defaultdict(float)), log)
            if n % BATCH == BATCH - 1 or n == args.repeat - 1:
                with measured(totals, batched, log):
                    mail.deliver()
    print(f"{'request (per ticket)':<30} {'cpu ms':>7} {'wall ms':>8} {'stmts':>6} "
          f"{'db ms':>7} {'server ms':>9} {'wait ms':>7}")
    for name, row in totals.items():
        per = {key: value * 1000 / args.repeat for key, value in row.items() if key != "last"}
        print(f"{name:<30} {per['cpu']:7.2f} {per['wall']:8.2f} "
              f"{row['statements'] / args.repeat:6.1f} {per['db']:7.2f} {per['server']:9.2f} "
              f"{max(per['wall'] - per['cpu'] - per['server'], 0):7.2f}")
    if args.sql:
        for name, row in totals.items():
            print(f"\n{name}")
            for sql, took in row["last"]:
                print(f"  {took * 1000:6.3f}  {' '.join(sql.split())[:150]}")


def open_ticket(citizen, topic, totals, log):
    """The three requests of a citizen opening a ticket, each measured into ``totals``."""
    with measured(totals, "new ticket form", log):
        page = citizen.get("/tickets/new").get_data(as_text=True)
    fields = hidden_fields(page, 'class="ticket-form"')
    fields.update(topic=topic, subject=f"Beban uji {random.randrange(10**9)}",
                  message="Mohon bantuan, aplikasi tidak bisa dibuka.")
    with measured(totals, "POST", log):
        sent = citizen.post("/tickets/new", data=fields)
    assert sent.status_code == 302, sent.status_code
    with measured(totals, "ticket page (redirect)", log):
        assert citizen.get(sent.location).status_code == 200


if __name__ == "__main__":
    main()
