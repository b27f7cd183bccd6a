"""SQL pieces the reports need that SQLite and PostgreSQL spell differently: durations
and aggregates per group with percentiles computed in the database
(PostgreSQL's percentile_cont, and on SQLite the same interpolation with window
functions)."""
import operator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import reduce

from peewee import (SQL, EnclosedNodeList, NodeList, PostgresqlDatabase, Select, Value,
                    fn)

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


SHARES = (50, 90)


def grouped(dimensions, where, columns, durations=()):
    """Aggregates of the tickets matching ``where``, per group: for each of ``dimensions``
    ({name: a Ticket column, or None for all the tickets together under the key 0})
    {key: {name: value of each of ``columns`` (aggregates), the duration column's name:
    {50: median, 90: 90th percentile} of each of ``durations`` (NULLs left out; None
    without any value), "tickets": count}}. Tickets whose key is NULL are left out."""
    columns = {"tickets": fn.COUNT(SQL("*")), **columns}
    if on_postgres():
        with tuned():
            return _grouped_postgres(dimensions, where, columns, durations)
    return {name: _grouped_sqlite(key, where, columns, durations)
            for name, key in dimensions.items()}


def _grouped_postgres(dimensions, where, columns, durations):
    """One statement, GROUPING SETS, each percentile by the ordered-set aggregate."""
    from .models import Ticket
    keyed = [(name, key) for name, key in dimensions.items() if key is not None]
    whole = [name for name, key in dimensions.items() if key is None]
    fractions = SQL(f"ARRAY[{', '.join(str(s / 100) for s in SHARES)}]::float8[]")
    selected = [key.alias(f"k{i}") for i, (_, key) in enumerate(keyed)]
    selected += [fn.GROUPING(key).alias(f"g{i}") for i, (_, key) in enumerate(keyed)]
    selected += [value.alias(name) for name, value in columns.items()]
    selected += [NodeList((fn.percentile_cont(fractions), SQL("WITHIN GROUP"), EnclosedNodeList(
        [NodeList((SQL("ORDER BY"), d))]))).alias(d.name) for d in durations]
    sets = [EnclosedNodeList([key]) for _, key in keyed] + ([SQL("()")] if whole else [])
    query = Ticket.select(*selected).where(where).group_by(
        NodeList((SQL("GROUPING SETS"), EnclosedNodeList(sets))))
    found = {name: {} for name in dimensions}
    for row in query.dicts():
        at = next((i for i in range(len(keyed)) if row[f"g{i}"] == 0), None)
        key = 0 if at is None else row[f"k{at}"]
        if key is None:
            continue
        figures = {name: row[name] for name in columns}
        for d in durations:
            values = row[d.name] or [None] * len(SHARES)
            figures[d.name] = {s: _number(v) for s, v in zip(SHARES, values)}
        for name in (whole if at is None else [keyed[at][0]]):
            found[name][key] = figures
    return found


_TUNED = ContextVar("tuned", default=False)


@contextmanager
def tuned():
    """On PostgreSQL, a transaction whose statements get enough working memory to sort a
    year of tickets without temporary files, and no JIT compilation (which costs more
    than it saves on these statements, each planned as large). Nested: the outer one."""
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


def _grouped_sqlite(key, where, columns, durations):
    """An aggregate statement that also counts each duration's values, then per duration
    one statement numbering the values in order (one sort) and returning only those at
    the ranks the percentiles need, interpolated here."""
    from .models import Ticket
    if key is not None:
        where &= key.is_null(False)
    group = Value(0) if key is None else key
    counted = {**columns, **{f"{d.name}_count": fn.COUNT(d) for d in durations}}
    query = Ticket.select(group.alias("key"), *[v.alias(n) for n, v in counted.items()])
    rows = {row.pop("key"): row
            for row in (query if key is None else query.group_by(key)).where(where).dicts()}
    for d in durations:
        counts = {k: row.pop(f"{d.name}_count") for k, row in rows.items()}
        wanted = {k: {low + step for share in SHARES for low in [position(n, share)[0]]
                      for step in (0, 1) if low + step < n}
                  for k, n in counts.items() if n}
        found = _ranked(Ticket.select(group.alias("g"), d.alias("v"))
                        .where(where, d.is_null(False)), wanted) if wanted else {}
        for k, row in rows.items():
            row[d.name] = {share: _interpolated(found, k, counts[k], share) for share in SHARES}
    return rows


def position(n, share):
    """Where the value below which ``share`` percent of ``n`` values lie is: the rank
    (from 0) of the value below it and the fraction of the way to the next (the
    interpolation of PostgreSQL's percentile_cont)."""
    low, rest = divmod((n - 1) * share, 100)
    return low, rest / 100


def _interpolated(found, group, n, share):
    if not n:
        return None
    low, fraction = position(n, share)
    value = found[(group, low)]
    return value + (found[(group, low + 1)] - value) * fraction if fraction else value


def _ranked(durations, wanted):
    """{(group, rank): value} of ``durations`` (a query selecting the group ``g`` and the
    value ``v``) at the ranks ``wanted`` ({group: ranks}), values ranked from 0 in
    ascending order in each group."""
    d = durations.alias("d")
    rank = fn.ROW_NUMBER().over(partition_by=[d.c.g], order_by=[d.c.v]) - 1
    ranked = Select(from_list=[d], columns=[d.c.g, d.c.v, rank.alias("i")]).alias("r")
    condition = reduce(operator.or_, ((ranked.c.g == g) & ranked.c.i.in_(sorted(ranks))
                                      for g, ranks in wanted.items()))
    query = Select(from_list=[ranked], columns=[ranked.c.g, ranked.c.i, ranked.c.v])
    return {(g, i): float(v) for g, i, v in db.database.execute(query.where(condition))}


def _number(value):
    return None if value is None else float(value)
