"""The fault script at its small size (``python benchmarks/faults.py --scale small``): the
helpdesk under gunicorn with 4 workers takes a burst of tickets, an SMTP outage, a killed
worker, terminated database connections (PostgreSQL), NUL bytes, hostile archives and a
forged Host, and every row of the script's table holds."""
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import faults  # noqa: E402
from browser.live import fresh_postgres_database  # noqa: E402


def test_every_row_of_the_small_fault_run_holds(tmp_path):
    url = os.environ.get("TEST_DATABASE_URL")
    database_url = None  # SQLite: a file of the run, without the terminated connections
    if url:
        name = urlsplit(url).path.lstrip("/") or "test"
        database_url = fresh_postgres_database(url, f"{name}_faults")
    rows = faults.run("small", database_url, tmp_path)
    assert len(rows) == len(faults.ROWS) - (0 if url else 1)
    assert all(row.holds for row in rows), "\n" + faults.table(rows)
