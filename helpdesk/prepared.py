"""Queries that pages run on every request, with their SQL built once. peewee composes a
statement anew each time it runs a query, and for the small indexed queries of a ticket
page that took longer than the database answering them. A prepared query is written as
usual, with ``slot("name")`` where a value changes from one run to the next; its SQL is
built at the first run (once per kind of database) and later runs only pass the values.

    _thread = Prepared(lambda: ThreadEntry.select().where(ThreadEntry.ticket == slot("t")))
    entries = list(_thread(t=ticket.id))

A slot's value goes to the driver as given (an id, not a model object). What a run returns
is what iterating the query would: model objects, with the joined ones attached.

On PostgreSQL the statement is also prepared on the server, once per connection (``execute``):
planning a join of five tables took the server longer (about 1 ms) than running it (0.15
ms), on every ticket page."""
import itertools
import logging
import re
import weakref
from datetime import date, datetime
from decimal import Decimal

from peewee import PostgresqlDatabase, ProgrammingError, Value

from .db import db


class _Slot:
    __slots__ = ("name",)

    def __init__(self, name):
        self.name = name


def slot(name):
    """A value of a prepared query given at each run, as ``name=value``."""
    return Value(_Slot(name), converter=False)


class Prepared:
    def __init__(self, build):
        self._build = build
        self._built = {}  # kind of database -> (query, sql, params with slots)
        self._reading = {}  # kind of database -> how its rows are read (see __call__)

    def __call__(self, **values):
        """The rows, read by the query's own cursor wrapper (peewee 4.5's private
        ``_get_cursor_wrapper``: check it when upgrading peewee). What the wrapper works
        out before its first row (which column goes to which model, with which
        converter; some 0.1 ms for a join) depends only on the statement's columns, so it
        is worked out at the first run and given to the later runs' wrappers."""
        query, cursor = self.run(**values)
        wrapper = query._get_cursor_wrapper(cursor)
        kind = type(getattr(db.database, "obj", db.database))
        reading = self._reading.get(kind)
        if reading is None:
            if cursor.description is None:
                return wrapper
            wrapper.initialize()
            reading = self._reading[kind] = {
                name: value for name, value in vars(wrapper).items() if name not in _PER_RUN}
        vars(wrapper).update(reading)
        wrapper.initialized = True
        return wrapper

    def run(self, **values):
        """Run the statement; returns the query it was built from and the cursor (what an
        insert or update needs)."""
        database = db.database
        kind = type(getattr(database, "obj", database))
        if kind not in self._built:
            query = self._build()
            # in the database's own dialect, even for a query bound to no model
            self._built[kind] = (query, *database.get_sql_context().sql(query).query())
        query, sql, params = self._built[kind]
        return query, execute(sql, [values[p.name] if type(p) is _Slot else p for p in params])

    def run_later(self, **values):
        """Run a statement whose result nobody reads: on PostgreSQL inside a transaction,
        it goes to the server with the transaction's next statement or its COMMIT."""
        database = db.database
        kind = type(getattr(database, "obj", database))
        if kind not in self._built:
            self.run(**values)
            return
        _, sql, params = self._built[kind]
        execute(sql, [values[p.name] if type(p) is _Slot else p for p in params], later=True)

    def first(self, **values):
        """The first row (or None); the query says ``.limit(1)`` itself."""
        return next(iter(self(**values)), None)


# a cursor wrapper's own state for one run; the rest is how it reads rows
_PER_RUN = frozenset(("cursor", "count", "index", "initialized", "populated", "row_cache"))


def execute(sql, params, later=False):
    """``db.database.execute_sql(sql, params)`` for a statement whose text is built once
    and run often. On PostgreSQL, the second time a connection runs it, it is prepared on
    the server (``PREPARE``, one more round trip), and runs from then on as ``EXECUTE`` with
    one generic plan (``plan_cache_mode``, set with the connection's first ``PREPARE``):
    the server parses and plans it once per connection instead of at every run. These
    statements read by key or by a few values of even weight (write them so: a generic
    plan does not see the values). A pooled connection serves many requests, so most
    statements are prepared once per connection; a connection opened for one request (a
    URL without the pool) prepares only what it runs twice. Nothing is prepared before the
    connection's plan mode is set (outside a transaction), nor a statement the server
    cannot prepare. ``later``: see ``Prepared.run_later``."""
    database = db.database
    if not isinstance(getattr(database, "obj", database), PostgresqlDatabase):
        return database.execute_sql(sql, params)
    params = tuple(params)
    key = (sql, tuple(_server_type(value) for value in params))
    name = _names.get(key)
    if name is None:  # one name per statement, also when two threads meet it at once
        name = _names.setdefault(key, f"helpdesk_{next(_numbers)}")
    connection = database.connection()
    seen = _seen.get(connection)
    if seen is None:
        seen = _seen[connection] = {}
    runs = seen.get(name, 0)
    if runs != _PREPARED:
        first = _PREPARED not in seen.values()
        if not runs or name in _unpreparable or (first and database.in_transaction()):
            seen[name] = 1
            return database.execute_sql(sql, params, later=later)
        if not _prepare(database, name, key, first):
            return database.execute_sql(sql, params, later=later)
        seen[name] = _PREPARED
    arguments = f" ({', '.join(['%s'] * len(params))})" if params else ""
    return database.execute_sql(f"EXECUTE {name}{arguments}", params, later=later)


def _prepare(database, name, key, first):
    """``PREPARE`` the statement ``key`` (its SQL and parameters' types) as ``name`` on the
    connection; False if the server refuses it (logged, and never tried again). The
    ``first`` one on a connection also sets the connection's ``plan_cache_mode`` (never
    inside a transaction, whose rollback would undo the ``SET``). Inside a transaction the
    ``PREPARE`` runs in a savepoint (one message: ``SAVEPOINT; PREPARE; RELEASE``), so that
    a refusal does not end the transaction; a statement prepared there outlives the
    transaction's rollback, as any ``PREPARE`` does."""
    sql, types = key
    numbers = iter(range(1, len(types) + 1))
    text = _PLACEHOLDER.sub(lambda _: f"${next(numbers)}", sql)
    prepare = (f"PREPARE {name} ({', '.join(types)}) AS {text}" if types
               else f"PREPARE {name} AS {text}")
    within = database.in_transaction()
    if within:
        prepare = f"SAVEPOINT {_SAVEPOINT}; {prepare}; RELEASE SAVEPOINT {_SAVEPOINT}"
    try:
        database.execute_sql(f"{_PLAN_MODE}; {prepare}" if first else prepare, ())
    except ProgrammingError as error:
        if within:
            database.execute_sql(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}", ())
        _unpreparable.add(name)
        _log.warning("Not prepared on the server (%s): %s", error, sql)
        return False
    return True


_log = logging.getLogger(__name__)
_PLAN_MODE = "SET plan_cache_mode = force_generic_plan"
_SAVEPOINT = "helpdesk_prepare"  # db.statements_run does not count this one
_PLACEHOLDER = re.compile(r"%s")
_names = {}  # (statement, its parameters' types) -> name of the prepared statement
_numbers = itertools.count()
_seen = weakref.WeakKeyDictionary()  # driver connection -> {name: runs, or _PREPARED}
_PREPARED = -1
_unpreparable = set()
_SERVER_TYPES = {bool: "boolean", int: "bigint", float: "double precision", Decimal: "numeric",
                 date: "date", bytes: "bytea"}


def _server_type(value):
    """A parameter's type in ``PREPARE``: the driver's for numbers, times and booleans; a
    text or anything else is left for the server to infer from where it stands
    (``unknown``), as it does for the driver's quoted literals."""
    if type(value) is datetime:
        return "timestamp" if value.tzinfo is None else "timestamptz"
    return _SERVER_TYPES.get(type(value), "unknown")


_inserts = {}  # (model, columns, rows, on conflict) -> Prepared


def _insert(model, columns, count=1, conflict=None):
    """The INSERT of ``count`` rows of ``columns``; row n's value of column c is the slot
    ``f"{c}{n}"``."""
    key = (model, columns, count, conflict)
    prepared = _inserts.get(key)
    if prepared is None:
        meta = model._meta

        def build():
            query = model.insert_many([{meta.fields[c]: slot(f"{c}{n}") for c in columns}
                                       for n in range(count)])
            if conflict:
                query = query.on_conflict(action=conflict)
            return query.returning(meta.primary_key)
        prepared = _inserts[key] = Prepared(build)
    return prepared


def _columns(model, values):
    """The row ``model.create(**values)`` inserts: the model's defaults filled in as it
    fills them, the id left out."""
    row = model(**values)
    if row.__data__.get(model._meta.primary_key.name) is None:
        row.__data__.pop(model._meta.primary_key.name, None)
    return row


def _values(model, rows):
    fields = model._meta.fields
    return {f"{c}{n}": fields[c].db_value(value)
            for n, row in enumerate(rows) for c, value in row.__data__.items()}


def create(model, conflict=None, **values):
    """``model.create(**values)`` with its INSERT built once for each set of columns: the
    new row, with its id. With ``conflict="NOTHING"`` a row clashing with a unique key is
    not inserted and None is returned instead."""
    row = _columns(model, values)
    prepared = _insert(model, tuple(sorted(row.__data__)), conflict=conflict)
    _, cursor = prepared.run(**_values(model, [row]))
    inserted = cursor.fetchone()
    if inserted is None:
        return None
    setattr(row, model._meta.primary_key.name, inserted[0])
    row._dirty.clear()
    return row


def insert_many(model, rows, later=False):
    """``model.insert_many(rows).execute()`` for dicts of the same keys, its INSERT built
    once for each number of rows and set of columns (``later``: see ``Prepared.run_later``)."""
    made = [_columns(model, values) for values in rows]
    columns = tuple(sorted(made[0].__data__))
    if any(tuple(sorted(row.__data__)) != columns for row in made):
        raise ValueError("rows of different columns")
    insert = _insert(model, columns, len(made))
    (insert.run_later if later else insert.run)(**_values(model, made))
