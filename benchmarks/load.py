"""Prints how many pages per second the helpdesk serves under load, and their p50/p95:
gunicorn on loopback (2 sync workers by default), a bounded number of concurrent clients
(8), each signed in like a browser (staff for the desk, a citizen for the portal).

    python benchmarks/load.py --tickets 100000 [--backends sqlite,postgresql] [--seconds 15]
        [--sqlite-url sqlite:////tmp/bench_{tickets}.db]
        [--postgres-url postgresql+pool://postgres@127.0.0.1:5432/bench13_{tickets}] [--reuse]
        [--only WORD]

Each size and backend gets its database filled by ``demo-data`` (its tables dropped first)
unless --reuse keeps what the URL already holds. ``{tickets}`` in a URL becomes the size.
``--only`` runs the scenarios whose name contains WORD.
The scenarios, each run for --seconds by every client at once:

- staff queue, default: ``/admin/ticket/`` and the page its redirect leads to
- ticket page: the desk's page of a ticket picked at random
- desk home: ``/admin/`` for a supervisor (the month's headline) and for an agent (counters)
- search: the queue searched for a subject word
- citizen opens a ticket: the form, its POST and the ticket page the redirect leads to

``--floor`` first measures the floor on the same database, gunicorn and clients
(``floor_app.py``, a bare Flask app): one indexed 50-row page, and a committed one-row
insert. Machines differ by half or more in what they serve; the floor says how fast this
one is, and the helpdesk's figures are read against it.

The clients run in this process and share its cores with the server: on a small machine
the figures are lower than a separate load generator would show, and noisy; repeat them.
``cpu ms`` is the app server's CPU per page (gunicorn's processes, until their mail
threads have sent what the pages queued), steadier than the rate on a busy machine; ``db
ms`` is the PostgreSQL server's CPU per page (its processes serving the database, read from
/proc: a server on this machine), which shares the same cores.
"""
import argparse
import os
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tests")]

from _faults_kit import Browser  # noqa: E402
from browser.live import LiveServer  # noqa: E402
from browser.people import AGENT, CITIZEN, SUPERVISOR  # noqa: E402
from playhouse.db_url import connect  # noqa: E402

SEARCH_WORD = "sinkronisasi"  # in the subjects demo-data writes


def fill(url, tickets):
    """Drop the tables of ``url`` (creating a PostgreSQL database if missing) and fill it
    with ``demo-data``."""
    from _common import bench_app
    from desk import fill as demo_fill

    if url.startswith("postgres"):
        _create_postgres_database(url)
    seconds = demo_fill(bench_app(url), tickets)
    print(f"  filled {tickets:,} tickets in {seconds:.0f} s", flush=True)


def _create_postgres_database(url):
    import psycopg2
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url.replace("+pool", ""))
    name = parts.path.lstrip("/")
    connection = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,))
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def ticket_ids(url, count=500):
    database = connect(url.replace("+pool", ""))
    with database.connection_context():
        top = database.execute_sql("SELECT MAX(id) FROM ticket").fetchone()[0]
    database.close()
    return [random.randint(1, top) for _ in range(count)]


def scenarios(ids):
    """(name, who, one page: a function of a Browser returning True when it went well)."""
    def queue(browser):
        first = browser.get("/admin/ticket/")
        return first.status == 302 and browser.get(first.location).status == 200

    def ticket(browser):
        return browser.get(f"/admin/ticket/details/?id={random.choice(ids)}").status == 200

    def home(browser):
        return browser.get("/admin/").status == 200

    def search(browser):
        return browser.get(f"/admin/ticket/?flt0_status=any&search={SEARCH_WORD}").status == 200

    def new_ticket(browser):
        reply = browser.new_ticket(f"Beban uji {random.randrange(10**9)}")
        return reply.number is not None and browser.get(reply.location).status == 200

    return [("staff queue, default (redirect + page)", SUPERVISOR, queue),
            ("ticket page", SUPERVISOR, ticket),
            ("desk home, supervisor (headline)", SUPERVISOR, home),
            ("desk home, agent (counters)", AGENT, home),
            (f"search, a subject word ({SEARCH_WORD})", SUPERVISOR, search),
            ("citizen opens a ticket (form + POST + redirect)", CITIZEN, new_ticket)]


def run(browsers, page, seconds):
    """Every browser requests pages for ``seconds``; (pages/s, p50 ms, p95 ms, failures)."""
    times, failures, lock = [], [0], threading.Lock()
    deadline = time.monotonic() + seconds

    def client(browser):
        while time.monotonic() < deadline:
            start = time.monotonic()
            try:
                good = page(browser)
            except OSError:
                good = False
            took = time.monotonic() - start
            with lock:
                times.append(took) if good else failures.__setitem__(0, failures[0] + 1)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(b,)) for b in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    if not times:
        return 0.0, 0.0, 0.0, failures[0]
    cuts = statistics.quantiles(times, n=20) if len(times) > 1 else times * 19
    return len(times) / elapsed, statistics.median(times) * 1000, cuts[18] * 1000, failures[0]


def server_cpu(pid):
    """CPU seconds used so far by the process ``pid`` and its children (gunicorn's master
    and workers, their threads included), read from /proc: steadier than pages per second
    on a machine shared with other work."""
    total, ticks = 0.0, os.sysconf("SC_CLK_TCK")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:  # a worker that has just ended
        return 0.0
    total += (int(fields[11]) + int(fields[12])) / ticks
    return total + sum(server_cpu(int(child)) for child in children)


def database_cpu(url):
    """CPU seconds used so far by the PostgreSQL server processes connected to the
    database of ``url`` (0 for SQLite, or a server elsewhere)."""
    from _common import postgres_server_pids

    return sum(server_cpu(pid) for pid in postgres_server_pids(url))


def newest_mail(url):
    """The id of the newest outbox row: mail queued before this run (left by another
    program, or due later) is not waited for."""
    database = connect(url.replace("+pool", ""))
    with database.connection_context():
        newest = database.execute_sql("SELECT MAX(id) FROM outboxmail").fetchone()[0] or 0
    database.close()
    return newest


def wait_for_mail(url, after, timeout=300):
    """Wait until the server has sent every mail queued since the outbox row ``after``
    (its mail thread falls behind under load), so that a scenario's CPU counts the
    delivery of its own mail, and only that; returns the seconds it took."""
    database = connect(url.replace("+pool", ""))
    started = time.monotonic()
    with database.connection_context():
        while time.monotonic() - started < timeout and database.execute_sql(
                "SELECT COUNT(*) FROM outboxmail WHERE sent_at IS NULL AND failed_at IS NULL"
                f" AND id > {int(after)}").fetchone()[0]:
            time.sleep(0.2)
    database.close()
    return time.monotonic() - started


def measure_floor(url, args):
    """The floor (``floor_app.py``: a bare Flask app) under the same gunicorn and clients:
    one indexed 50-row page, and one committed one-row insert per request."""
    import subprocess
    from floor_app import create_probe_table

    create_probe_table(url)
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "--bind", f"127.0.0.1:{port}",
         "--workers", str(args.workers), "floor_app:app"], cwd=ROOT / "benchmarks",
        env={**os.environ, "FLOOR_DATABASE_URL": url}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    base, rows = f"http://127.0.0.1:{port}", []
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                Browser(base).get("/page")
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the floor app did not start")
                time.sleep(0.1)
        for name, page in (
                ("floor: bare Flask, one indexed 50-row page", lambda b: b.get(
                    "/page").status == 200),
                ("floor: bare Flask, a one-row insert", lambda b: b.post(
                    "/insert", {"note": "beban"}).status == 204)):
            browsers = [Browser(base) for _ in range(args.clients)]
            for browser in browsers:
                page(browser)
            before, served = server_cpu(process.pid), database_cpu(url)
            clients_before = time.process_time()
            rate, p50, p95, failed = run(browsers, page, args.seconds)
            pages = max(1, rate * args.seconds)
            rows.append((name, rate, p50, p95, failed,
                         (server_cpu(process.pid) - before) * 1000 / pages,
                         (time.process_time() - clients_before) * 1000 / pages,
                         (database_cpu(url) - served) * 1000 / pages))
    finally:
        process.terminate()
        process.wait(10)
    return rows


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def measure(url, args):
    folder = Path(tempfile.mkdtemp(prefix="helpdesk-load-"))
    ids = ticket_ids(url)
    after = newest_mail(url)
    # gunicorn as the README's "Production" runs it: no access log of its own (the app
    # writes a line per request; gunicorn's cost its workers some 17 µs a request)
    server = LiveServer(folder, database_url=url, threads=1, workers=args.workers,
                        access_log=False)
    # the clients are one citizen on one address opening hundreds of tickets a minute: the
    # per-account and per-address ticket limits would answer most of them 429
    server.settings.update(THROTTLE_TICKET_ACCOUNT="1000000 per hour",
                           THROTTLE_TICKET_ADDRESS="1000000 per hour",
                           SEARCH_WINDOW_SECONDS=0)  # demo-data placed the recent index
    server.start(timeout=300)
    rows = []
    try:
        for name, person, page in scenarios(ids):
            if args.only not in name:
                continue
            browsers = [Browser(server.url).sign_in(person) for _ in range(args.clients)]
            for browser in browsers:  # warm: templates compiled, connections opened
                page(browser)
            wait_for_mail(url, after)  # what earlier scenarios queued is not this one's
            before, served = server_cpu(server.process.pid), database_cpu(url)
            clients_before = time.process_time()
            rate, p50, p95, failed = run(browsers, page, args.seconds)
            pages = max(1, rate * args.seconds)
            clients = (time.process_time() - clients_before) * 1000 / pages
            wait_for_mail(url, after)
            cpu = (server_cpu(server.process.pid) - before) * 1000 / pages
            rows.append((name, rate, p50, p95, failed, cpu, clients,
                         (database_cpu(url) - served) * 1000 / pages))
    finally:
        server.stop()
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", default="100000")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--sqlite-url", default="sqlite:///" + tempfile.gettempdir()
                        + "/helpdesk-load-{tickets}.db")
    parser.add_argument("--postgres-url",
                        default="postgresql+pool://postgres@127.0.0.1:5432/bench_load_{tickets}")
    parser.add_argument("--reuse", action="store_true", help="keep the databases' data")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--only", default="", help="the scenarios whose name contains this")
    parser.add_argument("--floor", action="store_true",
                        help="first measure a bare Flask app on the same database")
    args = parser.parse_args()
    urls = {"sqlite": args.sqlite_url, "postgresql": args.postgres_url}
    for tickets in (int(n) for n in args.tickets.split(",")):
        for backend in args.backends.split(","):
            url = urls[backend].format(tickets=tickets)
            print(f"\n{backend}, {tickets:,} tickets, {args.workers} sync workers, "
                  f"{args.clients} clients, {args.seconds:g} s each", flush=True)
            if not args.reuse:
                fill(url, tickets)
            print(f"  {'scenario':<50} {'pages/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
                  f"{'failed':>6} {'cpu ms':>7} {'clients':>7} {'db ms':>6}")
            rows = measure_floor(url, args) if args.floor else []
            for name, rate, p50, p95, failed, cpu, clients, served in rows + measure(url, args):
                print(f"  {name:<50} {rate:8.1f} {p50:8.1f} {p95:8.1f} {failed:6d} {cpu:7.1f}"
                      f" {clients:7.1f} {served:6.1f}", flush=True)


if __name__ == "__main__":
    main()
