"""Statements whose SQL text is built once per process and database, then run with new
values: peewee takes longer to put a statement of some twenty subqueries together (the
desk home's headline) than the database takes to run it.

``reused(key, build, values)`` builds ``build(*stand_ins)`` the first time, one stand-in
per value (of the same type, unlike any value a query holds), keeps the SQL text and
where each stand-in went among its parameters, and runs that text with ``values`` in
their places. ``build`` must use its arguments only as they are (compared, not computed
with: ``datetime.combine(day, ...)`` inside ``build`` would freeze the first day), and the
shape of the statement may depend only on ``key``.
"""
from datetime import date, datetime, timedelta

from .db import db

_built = {}  # (key, database class) -> (sql, params, [(param position, value index)])
_EPOCH = datetime(1001, 1, 1)


def _stand_in(value, index):
    if isinstance(value, datetime):
        return _EPOCH + timedelta(seconds=index + 1)
    if isinstance(value, date):
        return (_EPOCH + timedelta(days=index + 1)).date()
    if isinstance(value, bool):
        raise TypeError("a boolean value cannot be told apart from the constants")
    if isinstance(value, int):
        return -7_340_000_000 - index
    if isinstance(value, str):
        return f"\x00stand-in {index}\x00"
    raise TypeError(f"no stand-in for {type(value).__name__}")


def _build(build, values):
    stand_ins = [_stand_in(value, n) for n, value in enumerate(values)]
    database = db.database.obj if hasattr(db.database, "obj") else db.database
    sql, params = database.get_sql_context().sql(build(*stand_ins)).query()
    slots = []
    for position, param in enumerate(params):
        for index, stand_in in enumerate(stand_ins):
            if type(param) is type(stand_in) and param == stand_in:
                slots.append((position, index))
    if {index for _, index in slots} != set(range(len(values))):
        raise ValueError("a value was changed, or left out, by the statement's builder")
    return sql, list(params), slots


def reused(key, build, values=()):
    """The cursor of ``build(*values)``'s statement, its SQL built once for ``key``."""
    database = db.database.obj if hasattr(db.database, "obj") else db.database
    entry = _built.get((key, type(database)))
    if entry is None:
        entry = _built[key, type(database)] = _build(build, values)
    sql, params, slots = entry
    if slots:
        params = list(params)
        for position, index in slots:
            params[position] = values[index]
    return db.database.execute_sql(sql, params)
