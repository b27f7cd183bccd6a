"""SQL pieces the reports need that SQLite and PostgreSQL spell differently: durations
and aggregates per group (GROUPING SETS on PostgreSQL)."""
from contextlib import contextmanager
from contextvars import ContextVar

from peewee import SQL, EnclosedNodeList, NodeList, PostgresqlDatabase, Value, fn

from .db import db


def on_postgres():
    return isinstance(getattr(db.database, "obj", None) or db.database, PostgresqlDatabase)


def seconds_between(later, earlier):
    """``later - earlier`` in seconds (exact to the millisecond on SQLite, whose julianday
    arithmetic is rounded back from binary fractions of a day)."""
    if on_postgres():
        return NodeList((SQL("EXTRACT(EPOCH FROM"), later, SQL("-"), earlier, SQL(")")))
    return fn.ROUND((fn.julianday(later) - fn.julianday(earlier)) * 86400, 3)


def exact_seconds(later, earlier):
    """``later - earlier`` in seconds, exact to the microsecond on both databases (as
    Python's ``timedelta.total_seconds()``): for columns, whose SQLite text is
    ``YYYY-MM-DD HH:MM:SS[.ffffff]``."""
    if on_postgres():
        return NodeList((SQL("CAST(EXTRACT(EPOCH FROM"), later, SQL("-"), earlier,
                         SQL(") AS DOUBLE PRECISION)")))

    def micros(column):
        return (fn.strftime("%s", column).cast("INTEGER") * 1000000
                + fn.substr(column.concat(".000000"), 21, 6).cast("INTEGER"))
    return (micros(later) - micros(earlier)) / 1000000.0


def grouped(dimensions, where, columns):
    """Aggregates of the tickets matching ``where``, per group: for each of ``dimensions``
    ({name: a Ticket column, or None for all the tickets together under the key 0})
    {key: {name: value of each of ``columns`` (aggregates), "tickets": count}}. Tickets
    whose key is NULL are left out. One statement on PostgreSQL (GROUPING SETS), one per
    dimension on SQLite."""
    columns = {"tickets": fn.COUNT(SQL("*")), **columns}
    if on_postgres():
        return _grouped_postgres(dimensions, where, columns)
    return {name: _grouped_sqlite(key, where, columns) for name, key in dimensions.items()}


def _grouped_postgres(dimensions, where, columns):
    from .models import Ticket
    keyed = [(name, key) for name, key in dimensions.items() if key is not None]
    whole = [name for name, key in dimensions.items() if key is None]
    selected = [key.alias(f"k{i}") for i, (_, key) in enumerate(keyed)]
    selected += [fn.GROUPING(key).alias(f"g{i}") for i, (_, key) in enumerate(keyed)]
    selected += [value.alias(name) for name, value in columns.items()]
    sets = [EnclosedNodeList([key]) for _, key in keyed] + ([SQL("()")] if whole else [])
    query = Ticket.select(*selected).where(where).group_by(
        NodeList((SQL("GROUPING SETS"), EnclosedNodeList(sets))))
    found = {name: {} for name in dimensions}
    for row in query.dicts():
        at = next((i for i in range(len(keyed)) if row[f"g{i}"] == 0), None)
        key = 0 if at is None else row[f"k{at}"]
        if key is None:
            continue
        for name in (whole if at is None else [keyed[at][0]]):
            found[name][key] = {name: row[name] for name in columns}
    return found


def _grouped_sqlite(key, where, columns):
    from .models import Ticket
    if key is not None:
        where &= key.is_null(False)
    group = Value(0) if key is None else key
    query = Ticket.select(group.alias("key"), *[v.alias(n) for n, v in columns.items()])
    return {row.pop("key"): row
            for row in (query if key is None else query.group_by(key)).where(where).dicts()}


_TUNED = ContextVar("tuned", default=False)


@contextmanager
def tuned():
    """On PostgreSQL, one transaction for the dashboard's statements (the same snapshot for
    every figure), with working memory to sort a year's breaches for the workbook without
    temporary files, and no JIT compilation (which costs more than it saves on these
    statements). Nested: the outer one."""
    if not on_postgres() or _TUNED.get():
        yield
        return
    token = _TUNED.set(True)
    try:
        with db.database.atomic():
            db.database.execute_sql("SELECT set_config('work_mem', '128MB', true), "
                                    "set_config('jit', 'off', true)")
            yield
    finally:
        _TUNED.reset(token)
