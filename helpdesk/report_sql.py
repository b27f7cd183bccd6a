"""SQL pieces the reports need that SQLite and PostgreSQL spell differently: durations
and aggregates per group with percentiles computed in the database
(PostgreSQL's percentile_cont, and on SQLite the same interpolation with window
functions)."""
from contextlib import contextmanager

from peewee import (SQL, Case, EnclosedNodeList, NodeList, PostgresqlDatabase, Select, Value,
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
        with _sort_memory():
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


@contextmanager
def _sort_memory():
    """Enough working memory for PostgreSQL to sort a year of tickets without temporary
    files, for this transaction only."""
    with db.database.atomic():
        db.database.execute_sql("SET LOCAL work_mem = '64MB'")
        yield


def _grouped_sqlite(key, where, columns, durations):
    """An aggregate statement, then the percentiles by window functions."""
    from .models import Ticket
    if key is not None:
        where &= key.is_null(False)
    group = Value(0) if key is None else key
    query = Ticket.select(group.alias("key"), *[v.alias(n) for n, v in columns.items()])
    rows = {row.pop("key"): row
            for row in (query if key is None else query.group_by(key)).where(where).dicts()}
    for d in durations:
        found = percentiles(Ticket.select(group.alias("g"), d.alias("v"))
                            .where(where, d.is_null(False)))
        for name, row in rows.items():
            row[d.name] = found.get(name, dict.fromkeys(SHARES))
    return rows


def percentiles(durations, shares=SHARES):
    """{group: {share: value}} for ``durations``, a query selecting ``g`` (the group, a
    constant for one overall figure) and ``v`` (never NULL): the value below which
    ``share`` percent lie, interpolated between the two nearest ranks."""
    d = durations.alias("d")
    ranked = Select(from_list=[d], columns=[
        d.c.g, d.c.v,
        (fn.ROW_NUMBER().over(partition_by=[d.c.g], order_by=[d.c.v]) - 1).alias("i"),
        fn.COUNT(SQL("*")).over(partition_by=[d.c.g]).alias("n")]).alias("r")
    columns = [ranked.c.g]
    for share in shares:
        position = (ranked.c.n - 1) * share  # rank = position / 100, in integers
        low = position / 100
        fraction = (position - low * 100) / 100.0
        columns.append(fn.SUM(Case(None, [
            (ranked.c.i == low, ranked.c.v * (1 - fraction)),
            (ranked.c.i == low + 1, ranked.c.v * fraction)])).alias(f"p{share}"))
    query = Select(from_list=[ranked], columns=columns).group_by(ranked.c.g)
    cursor = db.database.execute(query)
    return {row[0]: {share: _number(value) for share, value in zip(shares, row[1:])}
            for row in cursor.fetchall()}


def _number(value):
    return None if value is None else float(value)
