"""SQL pieces the reports need that SQLite and PostgreSQL spell differently: durations,
local dates, and percentiles computed in the database (interpolated like
PostgreSQL's percentile_cont, with window functions both databases have)."""
from datetime import date

from peewee import SQL, Case, NodeList, PostgresqlDatabase, Select, fn

from .db import db


def on_postgres():
    return isinstance(getattr(db.database, "obj", None) or db.database, PostgresqlDatabase)


def seconds_between(later, earlier):
    """``later - earlier`` in seconds (exact to the millisecond on SQLite, whose julianday
    arithmetic is rounded back from binary fractions of a day)."""
    if on_postgres():
        return NodeList((SQL("EXTRACT(EPOCH FROM"), later, SQL("-"), earlier, SQL(")")))
    return fn.ROUND((fn.julianday(later) - fn.julianday(earlier)) * 86400, 3)


def local_day(column, offset_seconds, weekly=False):
    """The local calendar day (or the Monday of its ISO week) of a naive UTC timestamp, in a
    zone at a fixed offset from UTC (Asia/Jakarta keeps no summer time)."""
    if on_postgres():
        shifted = NodeList((column, SQL("+"), SQL(f"INTERVAL '{int(offset_seconds)} seconds'")))
        if weekly:
            shifted = fn.date_trunc("week", shifted)
        return NodeList((SQL("CAST("), shifted, SQL("AS DATE)")))
    shift = f"{int(offset_seconds):+d} seconds"
    if weekly:  # to the next Sunday (the day itself if a Sunday), then back to Monday
        return fn.date(column, shift, "weekday 0", "-6 days").coerce(False)
    return fn.date(column, shift).coerce(False)


def as_date(value):
    """A day as read back from ``local_day`` (text on SQLite, a date on PostgreSQL)."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def percentiles(durations, shares=(50, 90)):
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
