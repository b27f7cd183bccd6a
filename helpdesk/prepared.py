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
            self._built[kind] = (query, *query.sql())
        query, sql, params = self._built[kind]
        return query, database.execute_sql(
            sql, [values[p.name] if type(p) is _Slot else p for p in params])

    def first(self, **values):
        """The first row (or None); the query says ``.limit(1)`` itself."""
        return next(iter(self(**values)), None)
