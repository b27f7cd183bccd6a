"""Does the helpdesk hold under the faults of issue 9? Prints one table, a row per fault:
what was done, what was measured, and whether it holds; exits 1 if any row fails.

    python benchmarks/faults.py [--scale small] [--database-url postgresql://...]

The helpdesk runs under gunicorn (4 workers of 4 threads) on loopback, on a fresh
PostgreSQL database beside the one named by --database-url or TEST_DATABASE_URL (its name
with ``_faults_run`` added; ``--database-url sqlite`` uses a SQLite file and leaves out the
terminated connections), with mail going to an SMTP sink inside this script. Rows:

- 500 ticket creations at concurrency 16, half with a PDF: every ticket a client saw
  created is saved once, with exactly one receipt, no orphan file, no bare 500;
- the SMTP sink stopped and restarted during 50 notifications (ticket receipts): all are
  delivered after the restart (flushed with ``send-mail --now``, or ``send-mail`` and the
  app's own retries where ``--now`` does not exist);
- workers killed with SIGKILL during 5 MB uploads, then ``clean-uploads`` run with the
  files' times set two hours back (as on its schedule): no file without its row, no row
  without its file;
- database connections terminated with ``pg_terminate_backend`` during load: no bare 500
  (gunicorn's own page; the app's error page is handled), and requests afterwards work;
- NUL bytes in the subject, message, reply, registration name and the desk's search: a
  translated 400 page each, nothing saved;
- hostile .odt archives (a bomb, encrypted, corrupt, deflate64): refused (400, or the form
  naming the file), in under 1 s and 50 MB of worker memory each, nothing saved;
- a password reset with a forged Host (and X-Forwarded-Host) while FLASK_PUBLIC_URL is
  set: 400 for the forged Host, and no mail links to the forged host.

``--scale small`` does the same with a few of each (tests/test_faults.py runs it). Times
depend on the machine and on what else runs on it.
"""
import argparse
import os
import shutil
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tests")]

from _faults_kit import Rig  # noqa: E402
from _faults_rows import ROWS, Row, terminated_connections  # noqa: E402
from browser.live import fresh_postgres_database  # noqa: E402

SCALES = {
    "full": {"tickets": 500, "concurrency": 16, "notifications": 50, "mail_wait": 240,
             "uploads": 100, "kills": 10, "load": 1000, "terminations": 10,
             "terminate_every": 1.0, "bomb_mb": 1024},
    "small": {"tickets": 20, "concurrency": 4, "notifications": 5, "mail_wait": 150,
              "uploads": 6, "kills": 1, "load": 60, "terminations": 2,
              "terminate_every": 0.3, "bomb_mb": 128},
}
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/test"


def run(scale="full", database_url=None, folder=None, report=None):
    """Serve the helpdesk on ``database_url`` (None: SQLite) and do every fault to it;
    returns the rows. ``report(row)`` is called as each row is done."""
    folder = Path(folder or tempfile.mkdtemp(prefix="helpdesk-faults-"))
    sizes, rows = SCALES[scale], []
    rig = Rig(folder, database_url)
    try:
        for fault in ROWS:
            if fault is terminated_connections and not rig.postgres:
                continue  # pg_terminate_backend is PostgreSQL's
            start = time.monotonic()
            try:
                row = fault(rig, sizes)
            except Exception as exc:  # a fault that breaks the script is a failed row
                row = Row(fault.__name__.replace("_", " "),
                          f"the script could not finish: {type(exc).__name__}: {exc}", False)
            row.figure += f" [{time.monotonic() - start:.0f} s]"
            rows.append(row)
            if report:
                report(row)
    finally:
        rig.close()
    return rows


def table(rows, width=100):
    """The rows as aligned columns; long figures wrap under their column."""
    what = max(len(r.what) for r in rows)
    lines = [f"{'fault':<{what}}  {'figure':<{width}}  result", "-" * (what + width + 10)]
    for row in rows:
        wrapped = textwrap.wrap(row.figure, width) or [""]
        verdict = "holds" if row.holds else "FAILS"
        lines.append(f"{row.what:<{what}}  {wrapped[0]:<{width}}  {verdict}")
        lines += [f"{'':<{what}}  {more}" for more in wrapped[1:]]
    return "\n".join(lines)


def database_for(url):
    """A fresh database beside ``url``'s, or None for SQLite."""
    if url == "sqlite":
        return None
    name = urlsplit(url).path.lstrip("/") or "test"
    return fresh_postgres_database(url, f"{name}_faults_run")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="full")
    parser.add_argument("--database-url",
                        default=os.environ.get("TEST_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="helpdesk-faults-"))
    start = time.monotonic()
    rows = []
    try:
        rows = run(args.scale, database_for(args.database_url), folder,
                   report=lambda row: print(f"done: {row.what}", file=sys.stderr, flush=True))
    finally:
        holds = bool(rows) and all(row.holds for row in rows)
        log = folder / "server.log"
        if not holds and log.exists():  # kept for whoever looks into a failed row
            handle, kept = tempfile.mkstemp(prefix="helpdesk-faults-", suffix=".log")
            os.close(handle)
            shutil.move(log, kept)
            print(f"server log kept: {kept}", file=sys.stderr)
        shutil.rmtree(folder, ignore_errors=True)
    print(f"Faults ({args.scale}) against gunicorn, 4 workers, on "
          f"{'PostgreSQL' if args.database_url != 'sqlite' else 'SQLite'}; "
          f"{time.monotonic() - start:.0f} s in all\n")
    print(table(rows))
    return 0 if holds else 1


if __name__ == "__main__":
    sys.exit(main())
