"""Keeps the reports' summary tables (``summary_models``) equal to what the tickets say.

A ticket's state (``STATE``) adds one to a few counters of the row of its current topic,
department and assignee: its creation day's (the period's tickets, answered, resolved, in
time or late), those of the days it was first answered, resolved, closed and reopened,
and its creation month's duration buckets; while it is open, one to the open tally
(``OpenTally``: the desk home's counters, read by ``open_counts``). The lifecycle reads
the state before and after each change and ``record`` applies the difference in the same
transaction; reopenings, closings by the citizen or the system (``EVENT_COUNTERS``) and
transfers are added as they happen (a transfer counts on the rows of the departments it
left and entered). Inside ``deferred()`` (every lifecycle call) these differences are
summed in memory and written once, at the end of the transaction, in a fixed order.
``rebuild`` recomputes everything from the tickets, their counted events and their
transfers (after bulk loads, migrations, or a change of the zone).
"""
from collections import Counter, defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context
from peewee import EXCLUDED, SQL, Case, NodeList, fn

from .db import db
from .prepared import Prepared, slot
from .models import Ticket, TicketEvent, TicketStatus, TicketTransfer
from .settings import DEFAULTS
from .summary_models import DAY_COUNTERS, OpenTally, ReportDay, ReportDuration

# what the summary follows of a ticket, in this order
STATE = (Ticket.created_at, Ticket.topic, Ticket.department, Ticket.assignee, Ticket.due_at,
         Ticket.first_response_due_at, Ticket.first_response_at, Ticket.resolved_at, Ticket.closed_at,
         Ticket.response_seconds, Ticket.resolution_seconds, Ticket.status, Ticket.overdue)
TRACKED = {field.name for field in STATE}
DURATIONS = (Ticket.response_seconds, Ticket.resolution_seconds)  # kinds 0 and 1

# Duration buckets: (up to, width) in seconds, the last one open-ended. Wider for longer
# durations, so that a month's histogram of a group has a few dozen rows; the exact value
# is then found in order within one bucket (at most a few percent of the tickets).
HOUR, DAY = 3600, 86400
TIERS = ((600, 60), (HOUR, 300), (4 * HOUR, 600), (DAY, HOUR), (7 * DAY, 6 * HOUR),
         (30 * DAY, DAY), (None, 7 * DAY))


def _tier_starts():
    starts, start, first = [], 0, 0
    for limit, width in TIERS:
        starts.append((start, width, first))
        if limit is not None:
            first += (limit - start) // width
            start = limit
    return starts


STARTS = _tier_starts()  # (first second, width, first bucket) of each tier


def bucket(seconds):
    """The bucket of a duration (seconds, not negative), as ``bucket_sql`` computes it:
    the one whose bounds (``bucket_bounds``, whole seconds) hold it. The division is
    exact enough for every duration the tickets keep (microseconds, or single precision
    on PostgreSQL): no stored value lies within rounding of a bound."""
    for (start, width, first), (limit, _) in zip(STARTS, TIERS):
        if limit is None or seconds < limit:
            return first + int((seconds - start) / width)


def bucket_bounds(number):
    """(lowest, above highest) seconds of a bucket: it holds ``low <= seconds < high``."""
    for start, width, first in reversed(STARTS):
        if number >= first:
            low = start + (number - first) * width
            return low, low + width


def bucket_sql(column):
    """``bucket(column)`` in SQL, the same float arithmetic on SQLite and PostgreSQL."""
    if _on_postgres():  # a REAL column, computed in double precision as Python does
        column = column.cast("DOUBLE PRECISION")
    whens = []
    for (start, width, first), (limit, _) in zip(STARTS, TIERS):
        position = (column - start) / float(width)
        whole = NodeList((SQL("CAST(FLOOR("), position, SQL(") AS INTEGER)"))) \
            if _on_postgres() else position.cast("INTEGER")
        whens.append((None if limit is None else column < limit, whole + first))
    default = whens.pop()[1]
    return Case(None, whens, default)


def _on_postgres():
    from .report_sql import on_postgres
    return on_postgres()


@lru_cache(maxsize=8)
def _zone(name):
    return ZoneInfo(name)


def zone_name():
    """The helpdesk's zone: the running app's, or the default outside one (a migration
    run by hand)."""
    if has_app_context():
        return current_app.config["BABEL_DEFAULT_TIMEZONE"]
    return DEFAULTS["BABEL_DEFAULT_TIMEZONE"]


def local_day(moment, zone):
    return moment.replace(tzinfo=timezone.utc).astimezone(zone).date()


# the events counted on the day they happened: kind -> (the counter every such event
# adds, the one it adds when the ticket's requester did it)
EVENT_COUNTERS = {"reopened": ("reopenings", "citizen_reopenings"),
                  "confirmed": ("citizen_closures", None),
                  "withdrawn": ("citizen_closures", None),
                  "auto_closed": ("auto_closures", None)}


def event_counters(kind, by_requester):
    """The day counters an event of ``kind`` adds (``by_requester``: the ticket's
    requester did it)."""
    anyone, requester = EVENT_COUNTERS.get(kind, (None, None))
    return tuple(c for c in (anyone, requester if by_requester else None) if c)


def contributions(state, zone, events=()):
    """{(table, key): Counter of columns} that one ticket state adds, with its counted
    events ([(moment, counters)], see ``EVENT_COUNTERS``)."""
    (created, topic, department, assignee, due, answer_due, answered, resolved, closed,
     *durations, status, overdue) = state
    group = _group(state)
    made = defaultdict(Counter)
    if status == TicketStatus.OPEN:
        made[(OpenTally, (created.date(), due.date(), *group, int(bool(overdue))))][
            "tickets"] += 1
    cohort = made[(ReportDay, (local_day(created, zone), *group))]
    cohort["created"] += 1
    if answered is not None:
        cohort["answered"] += 1
        # each clock by its own due time (tickets from before the first response had
        # one: by the resolution's)
        cohort["answered_in_time"] += answered <= (answer_due or due)
        made[(ReportDay, (local_day(answered, zone), *group))]["responses"] += 1
    if resolved is not None:
        cohort["resolved"] += 1
        cohort["resolved_in_time"] += resolved <= due
        cohort["resolved_late"] += resolved > due
        made[(ReportDay, (local_day(resolved, zone), *group))]["resolutions"] += 1
    if closed is not None:
        made[(ReportDay, (local_day(closed, zone), *group))]["closures"] += 1
    for moment, counters in events:
        made[(ReportDay, (local_day(moment, zone), *group))].update(counters)
    month = local_day(created, zone).replace(day=1)
    for kind, seconds in enumerate(durations):
        if seconds is not None:
            made[(ReportDuration, (month, kind, *group, bucket(seconds)))]["tickets"] += 1
    return made


def state_of(ticket_id):
    return Ticket.select(*STATE).where(Ticket.id == ticket_id).tuples().get()


def state_of_new(ticket):
    """``state_of`` a ticket just inserted, from the values it was given (the fields not
    given are their defaults), without reading it back."""
    return tuple(ticket.__data__.get(field.name) for field in STATE)


def _group(state):
    """(topic, department, assignee or 0) of a state."""
    topic, department, assignee = state[1:4]
    return topic, department, assignee or 0


def record(ticket_id, before, after):
    """Apply the change of one ticket from the state ``before`` (None: new) to ``after``;
    its counted events (reopenings, closings by the citizen or the system) move with it
    to another topic, department or assignee."""
    zone = _zone(zone_name())
    moved = before is not None and _group(before) != _group(after)
    events = [(moment, event_counters(kind, mine)) for moment, kind, mine, *_ in
              _counted_events().where(TicketEvent.ticket == ticket_id).tuples()] \
        if moved else ()
    delta = defaultdict(Counter)
    for state, sign in ((before, -1), (after, 1)):
        if state is not None:
            for key, counts in contributions(state, zone, events).items():
                for column, n in counts.items():
                    delta[key][column] += sign * n
    _add(delta)


def _counted_events():
    """The events ``EVENT_COUNTERS`` counts: (moment, kind, whether the requester did it,
    the ticket's topic, department, assignee)."""
    return (TicketEvent.select(TicketEvent.created_at, TicketEvent.kind,
                               fn.COALESCE(TicketEvent.actor == Ticket.requester, False),
                               *STATE[1:4])
            .join(Ticket).where(TicketEvent.kind.in_(list(EVENT_COUNTERS))))


def counted(ticket_id, moment, counters):
    """Count an event of the ticket at ``moment`` (``event_counters``)."""
    state = state_of(ticket_id)
    _add({(ReportDay, (local_day(moment, _zone(zone_name())), *_group(state))):
            Counter(counters)})


def _transfer(topic, source, target, moment, zone):
    day = local_day(moment, zone)
    made = defaultdict(Counter)
    if source is not None:
        made[(ReportDay, (day, topic, source, 0))]["transfers_out"] += 1
    if target is not None:
        made[(ReportDay, (day, topic, target, 0))]["transfers_in"] += 1
    made[(ReportDay, (day, topic, target if target is not None else source, 0))][
        "transfers"] += 1
    return made


def transferred(topic, source, target, moment):
    """Count a transfer of a ticket of ``topic`` between departments (ids)."""
    _add(_transfer(topic, source, target, moment, _zone(zone_name())))


def changes_summary(changes):
    """Whether a ticket update with ``changes`` ({field: value}) moves any counter."""
    return any(getattr(field, "name", field) in TRACKED for field in changes)


KEYS = {ReportDay: ("day", "topic", "department", "assignee"),
        ReportDuration: ("month", "kind", "topic", "department", "assignee", "bucket"),
        OpenTally: ("created_day", "due_day", "topic", "department", "assignee", "overdue")}
COUNTERS = {ReportDay: DAY_COUNTERS, ReportDuration: ("tickets",), OpenTally: ("tickets",)}


# the changes of the lifecycle call under way ({(table, key): Counter}), or None
_pending = ContextVar("summary_pending", default=None)


@contextmanager
def deferred():
    """Sum the summary changes made inside the block and write them once, when it ends
    without an error (inside the caller's transaction, which must enclose the block).
    Every transaction then locks its summary rows in one step, in the same order as any
    other: two concurrent changes never wait on each other's rows in opposite orders (a
    deadlock once seen with concurrent transfers), and none waits for another to commit
    unless they share a row. A nested block adds to the outer one."""
    if _pending.get() is not None:
        yield
        return
    pending = defaultdict(Counter)
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    _write(pending)


def _add(delta):
    """Apply ``delta`` now, or at the end of the ``deferred`` block under way."""
    pending = _pending.get()
    if pending is None:
        _write(delta)
        return
    for key, counts in delta.items():
        pending[key].update(counts)


def _write(delta, batch=500):
    """Add ``delta`` ({(table, key): Counter}) to the rows, creating them as needed, in
    table then key order (see ``deferred``); keys whose counts sum to zero are skipped."""
    delta = {key: counts for key, counts in delta.items() if any(counts.values())}
    for table in (ReportDay, ReportDuration, OpenTally):
        keys, counters = KEYS[table], COUNTERS[table]
        ordered = sorted((key, counts) for (model, key), counts in delta.items()
                         if model is table)
        rows = [dict(zip(keys, key), **{c: counts.get(c, 0) for c in counters})
                for key, counts in ordered]
        if 0 < len(rows) <= PREPARED_ROWS:  # a lifecycle call's: a statement built once,
            fields = table._meta.fields  # sent with the next one (the COMMIT, PostgreSQL)
            _prepared_upsert(table, len(rows)).run_later(**{
                f"{name}{n}": fields[name].db_value(value)
                for n, row in enumerate(rows) for name, value in row.items()})
            continue
        for start in range(0, len(rows), batch):
            _upsert(table, rows[start:start + batch]).execute()


PREPARED_ROWS = 4


def _upsert(table, rows):
    """Add the counters of ``rows`` to the table's rows of the same keys, made as needed."""
    fields = [getattr(table, c) for c in COUNTERS[table]]
    return (table.insert_many(rows)
            .on_conflict(conflict_target=[getattr(table, k) for k in KEYS[table]],
                         update={f: f + getattr(EXCLUDED, f.column_name) for f in fields}))


@lru_cache(maxsize=None)
def _prepared_upsert(table, count):
    """``_upsert`` of ``count`` rows, prepared: the value of column c of row n is the
    slot ``f"{c}{n}"``."""
    names = (*KEYS[table], *COUNTERS[table])
    return Prepared(lambda: _upsert(
        table, [{name: slot(f"{name}{n}") for name in names} for n in range(count)]))


def _state_columns():
    """STATE, with NULL for a column the ticket table does not have yet (a migration
    older than the column rebuilds the summary; a later one rebuilds it again)."""
    present = {column.name for column in db.database.get_columns("ticket")}
    return [field if field.column_name in present else SQL("NULL") for field in STATE]


def rebuild(progress=None, batch=20000):
    """Recompute the summary tables (KEYS) from every ticket, its counted events and its
    transfers (tickets read in batches by id; the sums are kept in memory: a few hundred
    thousand keys at most). ``progress(n)`` after each batch of ``n`` tickets."""
    zone = _zone(zone_name())
    total = defaultdict(Counter)
    with db.database.atomic():
        if _on_postgres():  # the lifecycle's writes wait (tables in ``_write``'s order)
            db.database.execute_sql("LOCK TABLE report_day, report_duration, open_tally "
                                    "IN EXCLUSIVE MODE")
        ReportDay.delete().execute()
        ReportDuration.delete().execute()
        OpenTally.delete().execute()
        last, columns = 0, _state_columns()
        while True:
            rows = list(Ticket.select(Ticket.id, *columns).where(Ticket.id > last)
                        .order_by(Ticket.id).limit(batch).tuples())
            for ticket_id, *state in rows:
                for key, counts in contributions(state, zone).items():
                    total[key].update(counts)
            if progress and rows:
                progress(len(rows))
            if len(rows) < batch:
                break
            last = rows[-1][0]
        for moment, kind, mine, *group in _counted_events().tuples():
            key = (local_day(moment, zone), *_group([None, *group]))
            total[(ReportDay, key)].update(event_counters(kind, mine))
        for row in (TicketTransfer.select(Ticket.topic, TicketTransfer.source,
                                          TicketTransfer.target, TicketTransfer.created_at)
                    .join(Ticket).tuples()):
            for key, counts in _transfer(*row, zone).items():
                total[key].update(counts)
        _write(total, batch=2000)
