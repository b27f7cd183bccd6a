"""Queries that pages run on every request, with their SQL built once. peewee composes a
statement anew each time it runs a query, and for the small indexed queries of a ticket
page that took longer than the database answering them. A prepared query is written as
usual, with ``slot("name")`` where a value changes from one run to the next; its SQL is
built at the first run (once per kind of database) and later runs only pass the values.

    _thread = Prepared(lambda: ThreadEntry.select().where(ThreadEntry.ticket == slot("t")))
    entries = list(_thread(t=ticket.id))

A slot's value goes to the driver as given (an id, not a model object). What a run returns
is what iterating the query would: model objects, with the joined ones attached."""
from peewee import Value

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

    def __call__(self, **values):
        query, cursor = self.run(**values)
        return query._get_cursor_wrapper(cursor)

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
        return query, database.execute_sql(
            sql, [values[p.name] if type(p) is _Slot else p for p in params])

    def first(self, **values):
        """The first row (or None); the query says ``.limit(1)`` itself."""
        return next(iter(self(**values)), None)


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


def insert_many(model, rows):
    """``model.insert_many(rows).execute()`` for dicts of the same keys, its INSERT built
    once for each number of rows and set of columns."""
    made = [_columns(model, values) for values in rows]
    columns = tuple(sorted(made[0].__data__))
    if any(tuple(sorted(row.__data__)) != columns for row in made):
        raise ValueError("rows of different columns")
    _insert(model, columns, len(made)).run(**_values(model, made))
