"""Exact percentiles of the period's durations without sorting the period's tickets.

1. Histograms: how many of the period's tickets fall in each duration bucket
   (``report_summary.bucket``), per group: full months read from ``ReportDuration``, the
   days before and after them counted from the tickets, in one statement.
2. The histogram tells, for each rank a percentile needs, which bucket holds it and at
   which place; one statement per duration and dimension numbers only those buckets'
   tickets (about 1% of a year's tickets at most, read from an index on the duration)
   and returns the values at those places.

The interpolation is PostgreSQL's ``percentile_cont``: the same numbers as sorting every
value, on SQLite and PostgreSQL, from a few thousand summary rows and a few index ranges.
"""
import operator
from collections import defaultdict
from datetime import timedelta
from functools import reduce
from zoneinfo import ZoneInfo

from peewee import SQL, Select, Value, fn

from .db import db
from .models import Ticket, utcnow
from .report_summary import DURATIONS, bucket_bounds, bucket_sql, local_day
from .summary_models import ReportDuration

SHARES = (50, 90)
# dimension -> (the ticket's column, the summary's column); "all" puts every ticket
# under the key 0
COLUMNS = {"all": (None, None), "topic": (Ticket.topic, ReportDuration.topic),
           "department": (Ticket.department, ReportDuration.department),
           "agent": (Ticket.assignee, ReportDuration.assignee)}


def position(n, share):
    """Where the value below which ``share`` percent of ``n`` values lie is: the rank
    (from 0) of the value below it and the fraction of the way to the next."""
    low, rest = divmod((n - 1) * share, 100)
    return low, rest / 100


def percentiles(period, filters, dimensions, shares=None):
    """{dimension: {key: {duration column name: {share: seconds or None}}}} of the tickets
    created in ``period`` matching ``filters``, for each of ``dimensions`` (names of
    COLUMNS); ``shares`` ({dimension: shares}, SHARES by default) to compute."""
    shares = shares or {}
    counts = _histograms(period, filters, dimensions)
    wanted = {(kind, dimension): {key: _places(histogram, shares.get(dimension, SHARES))
                                  for key, histogram in groups.items()}
              for (kind, dimension), groups in counts.items()}
    values = _values(period, filters, wanted)
    found = {}
    for kind, duration in enumerate(DURATIONS):
        for dimension in dimensions:
            groups = counts.get((kind, dimension), {})
            for key, histogram in groups.items():
                n = sum(histogram.values())
                found.setdefault(dimension, {}).setdefault(key, {})[duration.name] = {
                    share: _interpolated(values[(kind, dimension)], key, n, histogram, share)
                    for share in shares.get(dimension, SHARES)}
    return found


def _months(period, today):
    """How to count the period's tickets from whole months of the summary and days of
    tickets: (the months to add, [(first, last, sign)] day spans to count from the
    tickets and add (1) or take away (-1)). A month the period covers only in part is
    added whole, less its days outside the period, when those are fewer than its days
    inside (days after ``today`` hold no tickets yet): "the last 30 days" reads two months
    and a day or two of tickets."""
    months, spans = [], []
    month = period.first.replace(day=1)
    while month <= period.last:
        end = _next_month(month) - timedelta(days=1)
        inside = (max(month, period.first), min(end, period.last))
        outside = [(month, inside[0] - timedelta(days=1)),
                   (inside[1] + timedelta(days=1), min(end, today))]
        outside = [(a, b) for a, b in outside if a <= b]
        if inside == (month, end):
            months.append(month)
        elif sum(_days(span) for span in outside) < _days(inside):
            months.append(month)
            spans += [(a, b, -1) for a, b in outside]
        else:
            spans.append((*inside, 1))
        month = _next_month(month)
    return months, spans


def _days(span):
    return (span[1] - span[0]).days + 1


def _next_month(day):
    return (day.replace(day=28) + timedelta(days=4)).replace(day=1)


def _histograms(period, filters, dimensions):
    """{(kind, dimension): {key: {bucket: tickets}}}."""
    months, spans = _months(period, local_day(utcnow(), ZoneInfo(period.zone)))
    parts = []
    if months:
        summary = ReportDuration.select(
            ReportDuration.kind, ReportDuration.topic, ReportDuration.department,
            ReportDuration.assignee, ReportDuration.bucket, ReportDuration.tickets.alias("n")
        ).where(ReportDuration.month.in_(months), ReportDuration.tickets != 0)
        if filters.topic:
            summary = summary.where(ReportDuration.topic == filters.topic)
        if filters.department:
            summary = summary.where(ReportDuration.department == filters.department)
        parts.append(summary)
    for first, last, sign in spans:
        within = (Ticket.created_at >= period._utc(first)) & (
            Ticket.created_at < period._utc(last + timedelta(days=1)))
        for kind, duration in enumerate(DURATIONS):
            bucket = bucket_sql(duration)
            parts.append(Ticket.select(
                Value(kind).alias("kind"), Ticket.topic, Ticket.department,
                fn.COALESCE(Ticket.assignee, 0).alias("assignee"), bucket.alias("bucket"),
                (fn.COUNT(SQL("*")) * sign).alias("n"))
                .where(within & filters.condition() & duration.is_null(False))
                .group_by(Ticket.topic, Ticket.department, Ticket.assignee, bucket))
    source = reduce(operator.add, parts).cte("s", materialized=True,
                                             columns=("kind", "topic", "department",
                                                      "assignee", "bucket", "n"))
    per_dimension = []
    for dimension in dimensions:
        key = Value(0) if dimension == "all" else getattr(source.c, _summary_name(dimension))
        query = (Select([source], [Value(dimension).alias("d"), source.c.kind, key.alias("k"),
                                   source.c.bucket, fn.SUM(source.c.n).alias("n")])
                 .group_by(source.c.kind, *([] if dimension == "all" else [key]),
                           source.c.bucket))
        per_dimension.append(query)
    found = defaultdict(lambda: defaultdict(dict))
    query = reduce(operator.add, per_dimension).with_cte(source)
    for dimension, kind, key, bucket, n in db.database.execute(query):
        if n and not (dimension == "agent" and key == 0):
            found[(kind, dimension)][key][bucket] = int(n)
    return found


def _summary_name(dimension):
    return COLUMNS[dimension][1].name


def _places(histogram, shares):
    """{bucket: {place in the bucket (from 0)}} of the ranks the shares need."""
    n = sum(histogram.values())
    ranks = {low + step for share in shares for low in [position(n, share)[0]]
             for step in (0, 1) if low + step < n}
    places, seen = defaultdict(set), 0
    for bucket in sorted(histogram):
        size = histogram[bucket]
        for rank in ranks:
            if seen <= rank < seen + size:
                places[bucket].add(rank - seen)
        seen += size
    return places


def _values(period, filters, wanted):
    """{(kind, dimension): {(key, bucket, place): seconds}} of ``wanted`` ({(kind,
    dimension): {key: {bucket: places}}}), in one statement: for each bucket, its
    tickets in order from the index on (group, duration), skipping to the places."""
    arms, cohort = [], filters.condition() & period.holds(Ticket.created_at)
    for (kind, dimension), groups in wanted.items():
        duration, column = DURATIONS[kind], COLUMNS[dimension][0]
        for key, buckets in groups.items():
            for number, places in buckets.items():
                low, high = bucket_bounds(number)
                where = cohort & (duration >= low) & (duration < high)
                if column is not None:
                    where &= column == key
                first = min(places)
                arm = (Ticket.select(Value(kind).alias("kind"), Value(dimension).alias("d"),
                                     Value(key).alias("g"), Value(number).alias("b"),
                                     Value(first).alias("i"), duration.alias("v"))
                       .where(where).order_by(duration)
                       .limit(max(places) - first + 1).offset(first))
                arms.append(Select([arm.alias(f"a{len(arms)}")], [SQL("*")]))
    found = defaultdict(dict)
    if arms:
        rows = db.database.execute(reduce(operator.add, arms)).fetchall()
        for (kind, dimension, key, number, first), values in _consecutive(rows):
            for step, seconds in enumerate(values):
                found[(kind, dimension)][(key, number, first + step)] = float(seconds)
    return found


def _consecutive(rows):
    """Each arm's values, in order, under its (kind, dimension, key, bucket, first place)."""
    runs = defaultdict(list)
    for kind, dimension, key, number, first, seconds in rows:
        runs[(kind, dimension, key, number, first)].append(seconds)
    return ((arm, sorted(values)) for arm, values in runs.items())


def _at(values, key, histogram, rank):
    seen = 0
    for bucket in sorted(histogram):
        if rank < seen + histogram[bucket]:
            return values[(key, bucket, rank - seen)]
        seen += histogram[bucket]
    raise LookupError(rank)


def _interpolated(values, key, n, histogram, share):
    if not n:
        return None
    low, fraction = position(n, share)
    value = _at(values, key, histogram, low)
    if not fraction:
        return value
    return value + (_at(values, key, histogram, low + 1) - value) * fraction
