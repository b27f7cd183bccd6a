"""What the benchmark scripts share: a signed-in test client and timed requests."""
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import create_app  # noqa: E402
from helpdesk.db import db  # noqa: E402


def bench_app(database_url=None):
    """An app on ``database_url`` (else a new SQLite file) with files in a temporary
    folder, no background threads, and an empty schema (existing tables are dropped by
    the caller's fill)."""
    folder = Path(tempfile.mkdtemp(prefix="helpdesk-bench-"))
    url = database_url or f"sqlite:///{folder}/bench.db"
    return create_app({"DATABASE_URL": url, "UPLOAD_FOLDER": str(folder / "uploads"),
                       "MAIL_FOLDER": str(folder / "mail"), "SECRET_KEY": "bench",
                       "MAIL_BACKGROUND_DELIVERY": False, "SLA_CHECK_SECONDS": 0,
                       "SEARCH_WINDOW_SECONDS": 0,
                       "PUBLIC_URL": "http://localhost"})


def timed(client, url, repeat=20, status=200):
    """Median and maximum time of ``repeat`` GETs, in milliseconds."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        response = client.get(url)
        response.get_data()  # a streamed body (CSV export) is produced while read
        samples.append((time.perf_counter() - start) * 1000)
        response.close()
        assert response.status_code == status, (url, response.status_code)
    return statistics.median(samples), max(samples)


def signed_in(app, email):
    """A test client signed in as ``email`` without typing a password."""
    client = app.test_client()
    with app.app_context(), db.database.connection_context():
        user = app.extensions["security"].datastore.find_user(email=email)
    with client.session_transaction() as session:
        session["_user_id"] = user.fs_uniquifier
        session["_fresh"] = True
    return client


def postgres_server_pids(url):
    """The pids of the PostgreSQL server processes connected to the database of ``url``
    (none for SQLite), asked on a connection of its own."""
    if not url.startswith("postgres"):
        return []
    from playhouse.db_url import connect

    database = connect(url.replace("+pool", ""))
    with database.connection_context():
        pids = [pid for pid, in database.execute_sql(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid()")]
    database.close()
    return pids
