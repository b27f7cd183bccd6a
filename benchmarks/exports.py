"""Prints how fast the queue's export of every ticket is, and how much memory it takes.

    python benchmarks/exports.py [--tickets 100000] [--database-url postgresql://...]
                                 [--code /path/to/another/checkout] [--reuse]

Each size gets a fresh database filled by ``demo-data`` (a temporary SQLite file unless
--database-url is given, whose tables it drops). Each export (CSV, XLSX of every ticket,
``?flt0_status=any``) runs once in a fresh process, through the Flask test client as a
signed-in supervisor, after a warm-up export of no rows: time to the first byte, total
time, size, and the process's peak RSS during the export (VmHWM, reset just before)
above its RSS before. --code measures the
code of another checkout on the same data (for a before/after comparison).
"""
import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from _common import bench_app
from desk import fill

HERE = Path(__file__).resolve().parent
CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
sys.path.insert(0, sys.argv[1] + "/benchmarks")
from _common import signed_in
from app import create_app
app = create_app({"DATABASE_URL": sys.argv[2], "SECRET_KEY": "bench",
                  "MAIL_BACKGROUND_DELIVERY": False, "SLA_CHECK_SECONDS": 0,
                  "PUBLIC_URL": "http://localhost", "UPLOAD_FOLDER": "/tmp/bench-uploads"})
client = signed_in(app, "supervisor@contoh.id")
url = "/admin/ticket/export/" + sys.argv[3] + "/?flt0_status=any"
client.get(url + "&search=tidakada").get_data()  # warm-up: imports, templates, session
def status(key):  # kB, from Linux's /proc
    return next(int(line.split()[1]) for line in open("/proc/self/status")
                if line.startswith(key + ":"))
open("/proc/self/clear_refs", "w").write("5")  # the peak (VmHWM) restarts from now
before = status("VmRSS")
start = time.perf_counter()
response = client.get(url, buffered=False)
first, size = None, 0
for chunk in response.iter_encoded():
    first = first or time.perf_counter()
    size += len(chunk)
end = time.perf_counter()
response.close()
after = status("VmHWM")
print(json.dumps({"status": response.status_code, "first": (first or end) - start,
                  "total": end - start, "bytes": size, "grown_mb": (after - before) / 1024}))
"""


def measure(code, database_url, kind):
    result = subprocess.run([sys.executable, "-c", CHILD, str(code), database_url, kind],
                            capture_output=True, text=True, cwd=code)
    if result.returncode:
        sys.exit(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", default="100000")
    parser.add_argument("--database-url")
    parser.add_argument("--code", default=str(HERE.parent), help="checkout to measure")
    parser.add_argument("--reuse", action="store_true",
                        help="measure the tickets already in --database-url (one size)")
    args = parser.parse_args()
    app = bench_app(args.database_url)
    url = app.config["DATABASE_URL"]
    print(f"database: {url.split('://')[0]}   code: {args.code}")
    for count in (int(n) for n in args.tickets.split(",")):
        start = time.perf_counter()
        if not args.reuse:
            fill(app, count)
        print(f"\n{count:,} tickets (demo-data {time.perf_counter() - start:.1f} s)")
        for kind in ("csv", "xlsx"):
            m = measure(args.code, url, kind)
            print(f"  export {kind:<4} status {m['status']}  first byte {m['first']:7.2f} s"
                  f"   total {m['total']:7.2f} s   {m['bytes'] / 2**20:7.1f} MB"
                  f"   peak RSS +{m['grown_mb']:6.1f} MB")


if __name__ == "__main__":
    main()
