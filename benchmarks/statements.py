"""Prints each read page's SQL statements with the time each took, on one or more
databases side by side: the staff queue (its redirect and the page), the desk's ticket page,
the desk homes (supervisor, agent) and a search, as ``benchmarks/load.py`` requests them,
and other searches: a word in few rows (the newest), a word in a third of the rows, a word
found nowhere, a prefix, two words, an agent's search and a citizen's on "Tiket saya" (the citizen with most tickets).

    python benchmarks/statements.py --url sqlite:////path/bench.db \
        --url postgresql+pool://postgres@127.0.0.1:5432/bench_100000 [--repeat 30]
        [--staff supervisor@contoh.id] [--agent agent@contoh.id] [--only NAME,...] [--sql 110]

A statement's time runs from the driver's ``execute`` to its last row fetched (SQLite
steps through the rows while they are read, PostgreSQL sends them all at once), medians
over ``--repeat`` requests. ``request`` is the whole request in the same process, ``other``
what the request spent outside the statements (Python, mostly), ``app cpu`` this process's
CPU time per request (the statements' timing included), ``server cpu`` the CPU time
of the PostgreSQL server process serving the connection, per request (read from /proc, so
only for a server on this machine; the app's pool keeps one connection for this one
thread). Each database is measured in its own process, one after the other. Pages only
read: any database holding ``demo-data`` will do.
"""
import argparse
import json
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tests")]


class _TimedCursor:
    """A driver cursor whose execute and fetches add up into ``spent[0]``."""

    def __init__(self, cursor, spent):
        self._cursor, self._spent = cursor, spent

    def __getattr__(self, name):
        return getattr(self._cursor, name)

    def _timed(self, name, *args):
        start = time.perf_counter()
        try:
            return getattr(self._cursor, name)(*args)
        finally:
            self._spent[0] += time.perf_counter() - start

    def fetchone(self):
        return self._timed("fetchone")

    def fetchall(self):
        return self._timed("fetchall")

    def fetchmany(self, *args):
        return self._timed("fetchmany", *args)

    def __iter__(self):
        return iter(self.fetchall())


def _watch(database, log):
    """Wrap ``database.execute_sql``: each statement of this thread appends
    ``[sql, seconds]`` to ``log``, its time growing as its rows are fetched."""
    real = database.execute_sql
    me = threading.get_ident()

    def timed(sql, params=None, *args, **kwargs):
        if threading.get_ident() != me:
            return real(sql, params, *args, **kwargs)
        spent = [0.0]
        start = time.perf_counter()
        cursor = real(sql, params, *args, **kwargs)
        spent[0] += time.perf_counter() - start
        entry = [sql, spent]
        log.append(entry)
        return _TimedCursor(cursor, spent)
    database.execute_sql = timed


def _pages(app, args):
    from _common import signed_in
    from playhouse.db_url import connect

    database = connect(args.url.replace("+pool", ""))
    with database.connection_context():
        top = database.execute_sql("SELECT MAX(id) FROM ticket").fetchone()[0]
        citizen = database.execute_sql(
            'SELECT u.email FROM ticket t JOIN "users" u ON u.id = t.requester_id '
            "GROUP BY u.email ORDER BY count(*) DESC, u.email LIMIT 1").fetchone()[0]
    database.close()
    staff, agent = signed_in(app, args.staff), signed_in(app, args.agent)
    mine = signed_in(app, citizen)
    ids = random.Random(13).choices(range(1, top + 1), k=args.repeat + 5)
    picked = iter(ids * 3)

    def get(client, path, status=200):
        def page():
            response = client.get(path() if callable(path) else path)
            response.get_data()
            assert response.status_code == status, (path, response.status_code)
        return page

    search = "/admin/ticket/?flt0_status=any&search="
    return {"queue redirect": get(staff, "/admin/ticket/", 302),
            "queue": get(staff, "/admin/ticket/?flt0_status=open"),
            "ticket page": get(staff, lambda: f"/admin/ticket/details/?id={next(picked)}"),
            "desk home, supervisor": get(staff, "/admin/"),
            "desk home, agent": get(agent, "/admin/"),
            "search": get(staff, search + "sinkronisasi"),
            "search, few rows": get(staff, search + "beban"),
            "search, dense": get(staff, search + "kendala"),
            "search, nowhere": get(staff, search + "zzqxjw"),
            "search, prefix": get(staff, search + "sinkron"),
            "search, two words": get(staff, search + "lupa+sandi"),
            "search, agent": get(agent, search + "sinkronisasi"),
            "search, my tickets": get(mine, "/tickets/?q=sinkronisasi")}


def _server_process(db):
    """The pid of the server process of the connection the next request will use (a pooled
    PostgreSQL one), or None."""
    from peewee import PostgresqlDatabase

    database = db.database.obj
    if not isinstance(database, PostgresqlDatabase):
        return None
    with database.connection_context():
        return database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]


def _cpu_seconds(pid):
    """The CPU time of process ``pid`` so far, to the nanosecond (the scheduler's count;
    ``/proc/<pid>/stat`` counts in ticks of 10 ms)."""
    if pid is None:
        return 0.0
    try:
        return int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) / 1e9
    except OSError:
        return 0.0


def measure_one(args):
    """In this process, for ``args.url``: {page: {"request": ms, "statements": [[sql, ms]]}}."""
    import logging

    from _common import bench_app
    from helpdesk.db import db

    app = bench_app(args.url)
    logging.getLogger("helpdesk.access").setLevel(logging.WARNING)
    pages = _pages(app, args)
    wanted = [n for n in re.split(r",(?! )", args.only) if n] or list(pages)
    log = []
    _watch(db.database.obj, log)
    found = {}
    for name in wanted:
        page = pages[name]
        for _ in range(5):  # warm: templates compiled, caches filled, connections opened
            page()
        requests, runs = [], []
        server = _server_process(db)
        server_cpu, app_cpu = _cpu_seconds(server), time.process_time()
        for _ in range(args.repeat):
            log.clear()
            start = time.perf_counter()
            page()
            requests.append(time.perf_counter() - start)
            runs.append([(sql, spent[0]) for sql, spent in log])
        shape = max({tuple(s for s, _ in run) for run in runs},
                    key=lambda sqls: sum(tuple(s for s, _ in r) == sqls for r in runs))
        same = [run for run in runs if tuple(s for s, _ in run) == shape]
        statements = [[sql, statistics.median(run[n][1] for run in same) * 1000]
                      for n, sql in enumerate(shape)]
        found[name] = {"request": statistics.median(requests) * 1000,
                       "app": (time.process_time() - app_cpu) * 1000 / args.repeat,
                       "server": (_cpu_seconds(server) - server_cpu) * 1000 / args.repeat,
                       "statements": statements}
    return found


def _one_line(sql, width):
    sql = re.sub(r"\s+", " ", sql).strip()
    return sql if len(sql) <= width else sql[:width - 1] + "…"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", action="append", required=True)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--staff", default="supervisor@contoh.id")
    parser.add_argument("--agent", default="agent@contoh.id")
    parser.add_argument("--only", default="")
    parser.add_argument("--sql", type=int, default=110, help="characters of SQL shown")
    parser.add_argument("--json", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:  # one database, in a process of its own
        args.url = args.url[0]
        print(json.dumps(measure_one(args)))
        return
    results = {}
    for url in args.url:
        command = [sys.executable, __file__, "--json", "--url", url, "--repeat",
                   str(args.repeat), "--staff", args.staff, "--agent", args.agent,
                   "--only", args.only]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode:
            sys.exit(done.stderr)
        results[url] = json.loads(done.stdout.strip().splitlines()[-1])
    first = results[args.url[0]]
    for page in first:
        print(f"\n== {page}")
        for url, found in results.items():
            entry = found[page]
            sql_ms = sum(ms for _, ms in entry["statements"])
            print(f"  {url.split(':')[0]:<16} {len(entry['statements']):3d} statements "
                  f"{sql_ms:7.2f} ms   request {entry['request']:7.2f} ms   "
                  f"other {entry['request'] - sql_ms:7.2f} ms   "
                  f"app cpu {entry['app']:6.2f} ms   server cpu {entry['server']:5.2f} ms")
            for sql, ms in entry["statements"]:
                print(f"    {ms:7.3f}  {_one_line(sql, args.sql)}")
    print("\nCPU ms per request (app + server) and statements per page")
    print(f"{'page':<24}" + "".join(f" {u.split(':')[0][:16]:>16} stmts  sql ms  req ms"
                                    "    app server  total" for u in args.url))
    for page in first:
        cells = []
        for url in args.url:
            entry = results[url][page]
            sql_ms = sum(ms for _, ms in entry["statements"])
            cells.append(f" {'':>16} {len(entry['statements']):5d} {sql_ms:7.2f} "
                         f"{entry['request']:7.2f} {entry['app']:6.2f} {entry['server']:6.2f} "
                         f"{entry['app'] + entry['server']:6.2f}")
        print(f"{page:<24}" + "".join(cells))


if __name__ == "__main__":
    main()
