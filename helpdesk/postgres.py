"""The PostgreSQL databases of ``postgresql://`` and ``postgresql+pool://``, whose
transactions cost as few round trips as their statements allow."""
import select
import threading

from peewee import PostgresqlDatabase, __exception_wrapper__
from playhouse.pool import PooledPostgresqlDatabase


class _FewRoundTrips:
    """Transactions without round trips of their own: ``BEGIN`` goes to the server in one
    message with the transaction's first statement (``BEGIN; INSERT ...``), a transaction
    that ran no statement sends neither ``BEGIN`` nor ``COMMIT``, and a statement whose
    result nobody reads (``execute_sql(..., later=True)``: an index row, the reports'
    counters) goes with the transaction's next statement or its ``COMMIT``. Each round trip
    costs the server a message to read and answer and, on a busy machine, the app a wait
    for a core: a lifecycle call's transaction had two more than statements.

    A statement sent later that fails raises from the statement it went with (or the
    commit), inside the same transaction, which then rolls back as it would have."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._unsent = threading.local()  # .state: _Unsent of the thread's transaction

    def begin(self, isolation_level=None):
        level = self._isolation_level if isolation_level is None else isolation_level
        statement = "BEGIN"
        if level:
            statement += " TRANSACTION ISOLATION LEVEL " + self._adapter.isolation_level_str(level)
        if self.is_closed():  # connected now, as peewee's own BEGIN would (autoconnect)
            super().cursor()
        self._unsent.state = _Unsent(self._state.conn, statement)

    def execute_sql(self, sql, params=None, later=False):
        """``later``: inside a transaction, sent with its next statement (None returned)."""
        unsent = self._in_transaction()
        if later and unsent is not None:
            unsent.later.append(self._state.conn.cursor().mogrify(sql, params or ()).decode())
            return None
        return super().execute_sql(sql, params)

    def _in_transaction(self):
        """What the thread's transaction on its connection has not sent, or None outside
        one (or for one its request abandoned: ``close_db``)."""
        unsent = getattr(self._unsent, "state", None)
        if unsent is None or unsent.conn is None or unsent.conn is not self._state.conn \
                or not self._state.transactions:
            return None
        return unsent

    def _execute_cursor(self, sql, params, **cursor_options):
        # peewee 4.5 runs every statement of execute_sql here (no public hook sees the
        # text sent); statements_run and the benchmarks wrap execute_sql, above it
        unsent = self._in_transaction()
        if unsent is not None:
            before = unsent.take(begin_only=sql.startswith(ONCE_PER_CONNECTION))
            if before:
                sql = "; ".join([*(text.replace("%", "%%") for text in before), sql])
        return super()._execute_cursor(sql, params, **cursor_options)

    def cursor(self, *args, **kwargs):
        """A cursor used directly (``executemany``, ``COPY``) has what the transaction has
        not sent yet sent first."""
        cursor = super().cursor(*args, **kwargs)
        unsent = self._in_transaction()
        before = unsent.take() if unsent is not None else []
        if before:
            cursor.execute("; ".join(before))
        return cursor

    def commit(self):
        unsent = self._ended()
        if unsent is None or not (unsent.begin or unsent.later):
            return super().commit()
        if unsent.later:  # else a transaction that ran nothing: nothing to send
            with __exception_wrapper__:
                self._state.conn.cursor().execute("; ".join([*unsent.take(), "COMMIT"]))

    def rollback(self):
        unsent = self._ended()
        if unsent is None or not unsent.begin:  # else never begun on the server
            super().rollback()

    def _ended(self):
        """The transaction's unsent part, forgotten (the transaction ends)."""
        unsent = self._unsent.__dict__.pop("state", None)
        return unsent if unsent is not None and unsent.conn is self._state.conn else None


class _Unsent:
    __slots__ = ("conn", "begin", "later")

    def __init__(self, conn, begin):
        self.conn, self.begin, self.later = conn, begin, []

    def take(self, begin_only=False):
        """The statements to send before the next one, now taken (only the BEGIN for a
        statement that must go alone: a failing PREPARE is undone by its savepoint)."""
        taken = [self.begin] if self.begin else []
        self.begin = None
        if not begin_only:
            taken += self.later
            self.later = []
        return taken


# statements a connection runs once (``prepared``): not counted by ``db.statements_run``,
# and sent in a message of their own (what the transaction left for later goes before)
ONCE_PER_CONNECTION = ("PREPARE ", "SET plan_cache_mode", "SAVEPOINT helpdesk_prepare;")


class Postgres(_FewRoundTrips, PostgresqlDatabase):
    """The database of ``postgresql://`` (a new connection per request)."""


class PooledPostgres(_FewRoundTrips, PooledPostgresqlDatabase):
    """The pool of ``postgresql+pool://``, whose check of an idle connection before it
    lends it costs no round trip. peewee's sends ``SELECT 1`` to the server, on every
    request. A connection the server ended (a restart, ``pg_terminate_backend``) has its
    socket readable, with the server's farewell and the end of the stream; an idle live
    one has nothing to read (the app does not LISTEN)."""

    def _is_closed(self, conn):
        if conn.closed or self._adapter.txn_status(conn) != self._adapter.txn_idle:
            return super()._is_closed(conn)
        try:
            waiting = select.poll()
            waiting.register(conn.fileno(), select.POLLIN)
            return bool(waiting.poll(0))
        except (OSError, ValueError):
            return True
