"""The database handle shared by every model, and how it is opened."""
import logging
import os
import threading
import weakref
from contextlib import contextmanager
from datetime import datetime, timezone

from peewee import SQL, NodeList, PeeweeException, SqliteDatabase, fn
from playhouse.db_url import connect, register_database
from playhouse.flask_utils import FlaskDB

from .postgres import ONCE_PER_CONNECTION, PooledPostgres, Postgres

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": "normal",
    # the mail thread checkpoints the log (helpdesk/wal.py); a committing request only
    # when it passes 40 MB (no mail thread); the file is cut back to 64 MB when reused
    "wal_autocheckpoint": 10000,
    "journal_size_limit": 64 * 1024 * 1024,
}


register_database(Postgres, "postgresql", "postgres")
register_database(PooledPostgres, "postgresql+pool", "postgres+pool")


def make_database(url):
    """Open a peewee database from a URL (``sqlite:///...`` or ``postgresql://...``).

    SQLite takes its pragmas and IMMEDIATE transactions, so that a read-then-write
    ``atomic()`` block waits for the lock instead of failing with "database is locked".
    """
    extra = {}
    if url.startswith("sqlite"):
        extra = {"pragmas": SQLITE_PRAGMAS, "lock_type": "IMMEDIATE"}
    database = connect(url, unquote_password=True, **extra)
    _databases.add(database)
    return database


def utcnow():
    """Now as naive UTC, the form every stored time takes."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


log = logging.getLogger(__name__)


class AppFlaskDB(FlaskDB):
    """FlaskDB that tolerates a connection opened earlier in the same request, and that
    always lets go of the request's connection at teardown."""

    def connect_db(self):
        self.database.connect(reuse_if_open=True)

    def close_db(self, exc):
        """Close (or hand back to the pool) the request's connection, whatever state a
        failure left it in. peewee refuses to close inside a transaction, which would leave
        the connection, perhaps one the server has dropped, to be reused by the next
        request of this thread; the driver's close rolls back what was left open. A pooled
        connection the server dropped is not taken back into the pool."""
        database = self.database
        if database.is_closed():
            return
        if exc is None and kept_open(database):
            return
        close_connection(database)


def close_connection(database):
    """Close this thread's connection to ``database`` (or hand it back to the pool), in
    whatever state a failure left it."""
    if database.is_closed():
        return
    while database.in_transaction():
        database.pop_transaction()
    try:
        database.close()  # resets the thread's connection state even when it raises
    except PeeweeException as error:
        log.warning("Closing the database connection failed: %s", error)


db = AppFlaskDB()
_databases = weakref.WeakSet()  # every database make_database opened, for forks
_inherited = []  # connections of the parent process, kept unclosed (see below)


def forget_inherited_connections():
    """In a process just forked (a gunicorn worker of a preloaded app), the connections the
    parent opened are still the parent's: using them would mix two processes' statements
    on one socket, and closing them would close the parent's. They are forgotten (and kept
    referenced, so that the garbage collector does not close them either); the child opens
    its own. Run by ``os.register_at_fork``."""
    for database in list(_databases):
        state = database._state
        if not state.closed:
            _inherited.append(state.conn)
            state.reset()
        for attribute in ("_connections", "_in_use"):  # a pool's idle and lent connections
            if hasattr(database, attribute):
                _inherited.append(getattr(database, attribute))
                setattr(database, attribute, type(getattr(database, attribute))())


os.register_at_fork(after_in_child=forget_inherited_connections)


def on_sqlite():
    return isinstance(getattr(db.database, "obj", db.database), SqliteDatabase)


def unindexed(column):
    """``column`` in a condition SQLite does not look up in an index (``+column``):
    for a list read in the order of one index, where the condition holds for many
    tickets, SQLite otherwise gathers every ticket the column's index gives and sorts them
    all. PostgreSQL weighs both ways itself and gets the column as it is."""
    return NodeList((SQL("+"), column), glue="") if on_sqlite() else column


def among(column, subquery):
    """``column IN (subquery)`` for a subquery of a few rows (the staff) against a table of
    many (every user). PostgreSQL gets ``column = ANY(ARRAY(subquery))``: the few are read
    first and found by primary key, where its planner merged them with the whole table
    (15 ms at 50,000 users, for 6 agents; 0.2 ms this way)."""
    if on_sqlite():
        return column.in_(subquery)
    return column == fn.ANY(NodeList((SQL("ARRAY"), subquery)))


def kept_open(database):
    """Whether the request's connection stays open for the thread's next request: on
    SQLite, when the request left it idle. Opening one costs its pragmas, and closing the
    last one checkpoints the WAL (SQLite's autocheckpoint does that as the WAL grows).
    PostgreSQL connections are closed (or pooled) as before."""
    if not isinstance(getattr(database, "obj", database), SqliteDatabase):
        return False
    try:  # a handle closed under peewee's feet raises here: it is discarded
        return not database.in_transaction() and not database.connection().in_transaction
    except Exception:
        return False


def atomic():
    """One transaction on the application database (nested calls become savepoints)."""
    return db.database.atomic()


@contextmanager
def statements_run():
    """Collect the SQL statements this thread runs inside the block (for tests and
    benchmarks that check a page's query count; other threads are not counted). A
    statement prepared on the PostgreSQL server (``prepared.execute``) counts once, as its
    ``EXECUTE``: the ``PREPARE`` before is paid once per connection, not per request."""
    seen = []
    database = db.database.obj
    real = database.execute_sql
    me = threading.get_ident()

    def counting(sql, params=None, *args, **kwargs):
        if threading.get_ident() == me and not sql.startswith(ONCE_PER_CONNECTION):
            seen.append(sql)
        return real(sql, params, *args, **kwargs)
    database.execute_sql = counting
    try:
        yield seen
    finally:
        del database.execute_sql
