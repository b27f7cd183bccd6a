"""PostgreSQL: the newest rows matching a search, read in parts of bounded cost.

The GIN index gives its matches in no order, so ``ORDER BY id DESC LIMIT n`` either walks
the rows newest first testing each (about 38,000 rows for a word in one row in eighty;
every row of the table for a word found nowhere, when the planner expects it somewhere)
or collects every match and sorts them (more as the table grows). Instead the ids are
split in three parts, newest first, each read only when the ones before held fewer than
``limit`` matches; together they give exactly the newest ``limit`` matches:

1. the newest ``NEWEST_ROWS`` rows: walked, or their matches taken from the recent index
   when the planner expects few of them;
2. the other recent rows (ids after ``floor``): their matches taken from
   ``search_text_recent``, a GIN index of the recent rows only, and sorted (a term found
   in many of them, as the first part showed, is walked instead);
3. the older rows: their matches taken from the whole index and sorted (a term rare lately).

A term the first part found nowhere reads the other two in one statement (the older part
only if the recent one held too few).

The recent index covers the ids after a multiple of ``RECENT_STEP``: between one and three
steps of rows. ``keep_recent`` (the scheduler, hourly) builds it again further on when the
rows passed that. Its condition is written ``id + 0 > n``, and the parts bound ids the same
way: that proves them within the index and keeps the planner from also reading the
primary key's range (a bitmap of the whole window, dearer than the matches themselves).
"""
import re

from .db import db

CONFIG = "helpdesk_search"
NEWEST_ROWS = 2048
RECENT_STEP = 65536
INDEX = "search_text_recent"
LOCK = 0x5EA2C4  # the advisory lock of keep_recent
WALK_COST = 4  # a match collected and sorted costs about as much as 4 rows walked
# before a search's statement, in the same query string (one implicit transaction, which
# SET LOCAL lasts; no round trip of its own). The server's estimate of a part it will not
# read (its matches collected and sorted) may pass jit_above_cost: compiling then costs
# more than the part. A walk estimated dear enough gets parallel workers (a dense word's
# recent rows; a citizen with thousands of tickets): starting two took 12 ms of the
# server's CPU for a walk of 0.4 ms alone, on a machine whose cores serve other requests
ALONE = "SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0; "


def floor_of(top):
    """The id after which rows count as recent, for ``top`` the newest id."""
    return max(0, (top - RECENT_STEP) // RECENT_STEP * RECENT_STEP)


def newest(query, public_only, limit, top):
    """(ticket, rank, row id) of the newest ``limit`` rows matching the ``tsquery`` text
    ``query``, newest first; ``top``: the newest row's id. Ranked only when fewer than
    ``limit`` match (else every rank is 0): more are not ranked (``search_query``), and
    ranking them cost the server a third of the reading (carried through the sort)."""
    rows = _newest(query, public_only, limit, top)
    if not rows or len(rows) >= limit:
        return rows
    ranks = dict(db.database.execute_sql(
        f"SELECT id, ts_rank(document, to_tsquery('{CONFIG}', %s)) FROM search_text "
        "WHERE id = ANY(%s)", [query, [row for _, _, row in rows]]))
    return [(ticket, ranks[row], row) for ticket, _, row in rows]


def _newest(query, public_only, limit, top):
    edge = top - NEWEST_ROWS
    floor = min(floor_of(top), edge)
    recent, older = f"s.id + 0 > {floor} AND s.id + 0 <= {edge}", f"s.id + 0 <= {floor}"
    rows = _run(query, _matches(public_only, limit, f"s.id > {edge} AND s.id + 0 > {edge}",
                                "s.id"))
    wanted = limit - len(rows)
    if wanted <= 0 or edge <= 0:
        return rows
    if not rows and floor > 0:  # none lately: a term rare, or found nowhere; both parts
        return rows + _run(query, _matches(public_only, wanted, recent, "s.id + 0"),
                           _matches(public_only, wanted, older, "s.id + 0"), wanted)
    if edge > floor:
        density = len(rows) / NEWEST_ROWS
        walk = density and wanted / density < WALK_COST * density * (edge - floor)
        rows += _run(query, _matches(public_only, wanted, recent + f" AND s.id <= {edge}",
                                     "s.id") if walk else
                     _matches(public_only, wanted, recent, "s.id + 0"))
    if len(rows) < limit and floor > 0:
        rows += _run(query, _matches(public_only, limit - len(rows), older, "s.id + 0"))
    return rows


def _matches(public_only, limit, ids, order):
    """SQL: the newest ``limit`` matches among the rows ``ids``; ordered by ``order``: the
    column (the planner may walk its index) or ``s.id + 0`` (the matches collected and
    sorted)."""
    public = " AND s.public" if public_only else ""
    return (f"SELECT s.ticket, s.id FROM search_text s WHERE s.document @@ "
            f"to_tsquery('{CONFIG}', %s){public} AND {ids} ORDER BY {order} DESC "
            f"LIMIT {int(limit)}")


def _run(query, matches, older=None, wanted=0):
    """The rows of ``matches`` as (ticket, 0, row id); with ``older``, followed by those of
    ``older`` if ``matches`` held fewer than ``wanted`` (one statement)."""
    rows = "SELECT ticket, 0, id FROM "
    if older is None:
        sql, params = f"{rows}({matches}) found", [query]
    else:
        sql = (f"WITH recent AS MATERIALIZED ({matches}) {rows}recent UNION ALL {rows}"
               f"({older}) found WHERE (SELECT count(*) FROM recent) < {int(wanted)}")
        params = [query] * 2
    # newest first as the server gives them (sorting them again here cost more)
    rows = list(db.database.execute_sql(f"{ALONE}{sql} ORDER BY id DESC", params))
    return rows[:wanted] if older is not None else rows


def create_index(floor=0):
    db.database.execute_sql(f"CREATE INDEX IF NOT EXISTS {INDEX} ON search_text "
                            f"USING GIN (document) WHERE id + 0 > {int(floor)}")


def indexed_floor():
    """The floor of the recent index, or None without one."""
    cursor = db.database.execute_sql(
        "SELECT pg_get_expr(indpred, indrelid) FROM pg_index "
        "WHERE indexrelid = to_regclass(%s)", (INDEX,))
    row = cursor.fetchone()
    found = re.search(r">\s*\(?(\d+)", row[0]) if row and row[0] else None
    return int(found.group(1)) if found else None


def keep_recent():
    """Build the recent index again from a later floor once the rows passed three steps
    (without blocking writes: ``CONCURRENTLY``, outside a transaction; one process at a
    time, by an advisory lock). True if it did."""
    execute = db.database.execute_sql
    if not execute("SELECT pg_try_advisory_lock(%s)", (LOCK,)).fetchone()[0]:
        return False  # another process is at it
    try:
        top = execute("SELECT max(id) FROM search_text").fetchone()[0] or 0
        wanted, current = floor_of(top), indexed_floor()
        if current is not None and wanted - current < 2 * RECENT_STEP:
            return False
        execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}_next")  # left by a failed run
        execute(f"CREATE INDEX CONCURRENTLY {INDEX}_next ON search_text USING GIN "
                f"(document) WHERE id + 0 > {wanted}")
        execute(f"DROP INDEX CONCURRENTLY IF EXISTS {INDEX}")
        execute(f"ALTER INDEX {INDEX}_next RENAME TO {INDEX}")
        return True
    finally:
        execute("SELECT pg_advisory_unlock(%s)", (LOCK,))
