"""Prints how fast the supervisors' reports answer on a large table, and their memory.

    python benchmarks/reports.py [--tickets 100000,1000000]
                                 [--database-url URL ...] [--reuse] [--repeat 5]
                                 [--only dashboard]

Each size is measured on each database: a SQLite file (``sqlite:///<tmp>/reports-{tickets}.db``
unless --database-url is given) and each --database-url (repeatable; ``{tickets}`` in it is
replaced by the size, e.g. ``postgresql+pool://postgres@127.0.0.1:5432/bench_{tickets}``).
A database is filled by ``demo-data --seed 7`` (its tables dropped first) unless --reuse is
given and it already holds that many tickets; then it is migrated and analysed.

Each figure runs in a fresh process, through the Flask test client as a signed-in
supervisor: a warm-up request (a one-day period, or an export of no rows), then 5 requests
whose median time is printed, with the process's peak RSS during them (VmHWM, reset after
the warm-up) above its RSS before. The dashboard is asked for the last 30 and 365 days, and
for 365 days of one help topic; the workbook for 30 days ("n/a" when its route fails); the
queue's CSV and XLSX export for the newest days holding at least 100,000 tickets.
"""
import argparse
import json
import subprocess
import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

from _common import bench_app
from desk import fill

from helpdesk import migrations
from helpdesk.db import db
from helpdesk.localtime import midnight_utc
from helpdesk.models import HelpTopic, Ticket, User, utcnow
from helpdesk.report_sql import on_postgres

HERE = Path(__file__).resolve().parent.parent
EXPORT_ROWS = 100_000
REPEAT = 5
CHILD = r"""
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[1] + "/benchmarks")
from _common import signed_in
from app import create_app
url, warm_up = sys.argv[3], sys.argv[4]
app = create_app({"DATABASE_URL": sys.argv[2], "SECRET_KEY": "bench",
                  "MAIL_BACKGROUND_DELIVERY": False, "SLA_CHECK_SECONDS": 0,
                  "PUBLIC_URL": "http://localhost", "UPLOAD_FOLDER": "/tmp/bench-uploads"})
client = signed_in(app, "supervisor@contoh.id")
def status(key):  # kB, from Linux's /proc
    return next(int(line.split()[1]) for line in open("/proc/self/status")
                if line.startswith(key + ":"))
def get(url):
    start = time.perf_counter()
    response = client.get(url, buffered=False)
    for chunk in response.iter_encoded():
        pass
    response.close()
    return response.status_code, time.perf_counter() - start
code, _ = get(warm_up)
if code != 200:
    print(json.dumps({"status": code})); sys.exit()
open("/proc/self/clear_refs", "w").write("5")  # the peak (VmHWM) restarts from now
before = status("VmRSS")
samples = [get(url) for _ in range(int(sys.argv[5]))]
print(json.dumps({"status": max(s[0] for s in samples),
                  "ms": statistics.median(s[1] for s in samples) * 1000,
                  "grown_mb": (status("VmHWM") - before) / 1024}))
"""


def measure(database_url, url, warm_up, repeat):
    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(HERE), database_url, url, warm_up, str(repeat)],
        capture_output=True, text=True, cwd=HERE)
    try:
        m = json.loads(result.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        m = {"status": "error: " + (result.stderr.strip().splitlines() or ["?"])[-1]}
    return m if m.get("status") == 200 else {"failed": m.get("status"), "url": url}


def requests(samples):
    """(label, URL, warm-up URL) of each figure."""
    today = samples["today"]

    def period(days, topic=""):
        return (f"period=custom&from={today - timedelta(days=days - 1)}&to={today}"
                + (f"&topic={topic}" if topic else ""))
    reports, queue = "/admin/reports/", "/admin/ticket/export/{}/?flt0_status=any"
    since = "&flt1_created=" + quote(f"{samples['since']:%Y-%m-%d} to {today:%Y-%m-%d}")
    return [
        ("dashboard, 30 days", f"{reports}?{period(30)}", f"{reports}?{period(1)}"),
        ("dashboard, 365 days", f"{reports}?{period(365)}", f"{reports}?{period(1)}"),
        ("dashboard, 365 days, 1 topic", f"{reports}?{period(365, samples['topic'])}",
         f"{reports}?{period(1)}"),
        ("workbook, 30 days", f"{reports}workbook.xlsx?{period(30)}",
         f"{reports}workbook.xlsx?{period(1)}"),
        (f"queue CSV, {samples['rows']:,} rows", queue.format("csv") + since,
         queue.format("csv") + "&search=tidakada"),
        (f"queue XLSX, {samples['rows']:,} rows", queue.format("xlsx") + since,
         queue.format("xlsx") + "&search=tidakada"),
    ]


def prepared(app, count, reuse):
    """Fill (unless reused), migrate and analyse; the samples the URLs need."""
    with app.app_context(), db.database.connection_context():
        filled = reuse and User.table_exists() and Ticket.select().count() == count
    seconds = None if filled else fill(app, count)
    with app.app_context(), db.database.connection_context():
        migrations.upgrade(db.database)
        db.database.execute_sql("VACUUM ANALYZE" if on_postgres() else "ANALYZE")
        now = utcnow()
        newest = (Ticket.select(Ticket.created_at).order_by(Ticket.created_at.desc())
                  .offset(EXPORT_ROWS - 1).limit(1).scalar()
                  or Ticket.select(Ticket.created_at).order_by(Ticket.created_at).scalar())
        since = (newest + timedelta(hours=7)).date()
        rows = Ticket.select().where(
            Ticket.created_at >= midnight_utc(since, "Asia/Jakarta")).count()
        return seconds, {"today": (now + timedelta(hours=7)).date(), "since": since,
                         "rows": rows, "topic": HelpTopic.get(name="Data Terpadu").id}


def cell(m):
    if "failed" in m:
        return f"{'n/a':>10} {'':>9}  ({m['failed']})"
    return f"{m['ms']:8.0f} ms {m['grown_mb']:+6.0f} MB"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", default="100000,1000000")
    parser.add_argument("--database-url", action="append", default=[])
    parser.add_argument("--repeat", type=int, default=REPEAT, help="requests per figure")
    parser.add_argument("--only", help="measure only the figures whose label has this text")
    parser.add_argument("--reuse", action="store_true",
                        help="keep a database that already holds that many tickets")
    args = parser.parse_args()
    urls = args.database_url or [
        f"sqlite:///{tempfile.mkdtemp(prefix='helpdesk-reports-')}/reports-{{tickets}}.db"]
    table = []
    for count in (int(n) for n in args.tickets.split(",")):
        for pattern in urls:
            url = pattern.replace("{tickets}", str(count))
            app = bench_app(url)
            seconds, samples = prepared(app, count, args.reuse)
            kind = url.split("://")[0]
            filled = "reused" if seconds is None else f"demo-data {seconds:.0f} s"
            print(f"{count:,} tickets on {kind} ({filled})", file=sys.stderr)
            for label, path, warm_up in requests(samples):
                if args.only and args.only not in label:
                    continue
                m = measure(url, path, warm_up, args.repeat)
                print(f"  {label:<32} {cell(m)}", file=sys.stderr)
                table.append((count, kind, label, m))
    print(f"\n{'tickets':>9}  {'database':<16} {'request':<32} {'median':>10} {'peak RSS':>9}")
    for count, kind, label, m in table:
        print(f"{count:>9,}  {kind:<16} {label:<32} {cell(m)}")


if __name__ == "__main__":
    main()
