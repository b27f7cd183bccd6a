"""The database handle shared by every model, and how it is opened."""
import threading
from contextlib import contextmanager

from playhouse.db_url import connect
from playhouse.flask_utils import FlaskDB

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
}


def make_database(url):
    """Open a peewee database from a URL (``sqlite:///...`` or ``postgresql://...``).

    SQLite takes its pragmas and IMMEDIATE transactions, so that a read-then-write
    ``atomic()`` block waits for the lock instead of failing with "database is locked".
    """
    extra = {}
    if url.startswith("sqlite"):
        extra = {"pragmas": SQLITE_PRAGMAS, "lock_type": "IMMEDIATE"}
    return connect(url, unquote_password=True, **extra)


class AppFlaskDB(FlaskDB):
    """FlaskDB that tolerates a connection opened earlier in the same request."""

    def connect_db(self):
        self.database.connect(reuse_if_open=True)


db = AppFlaskDB()


def atomic():
    """One transaction on the application database (nested calls become savepoints)."""
    return db.database.atomic()


@contextmanager
def statements_run():
    """Collect the SQL statements this thread runs inside the block (for tests and
    benchmarks that check a page's query count; other threads are not counted)."""
    seen = []
    database = db.database.obj
    real = database.execute_sql
    me = threading.get_ident()

    def counting(sql, params=None, *args, **kwargs):
        if threading.get_ident() == me:
            seen.append(sql)
        return real(sql, params, *args, **kwargs)
    database.execute_sql = counting
    try:
        yield seen
    finally:
        del database.execute_sql
