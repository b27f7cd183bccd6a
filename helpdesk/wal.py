"""SQLite's write-ahead log, copied into the database file by a background thread rather
than by the request whose commit crossed ``wal_autocheckpoint``.

Opening a ticket writes about 80 pages to the log (one per index it changes). With
SQLite's default threshold (1,000 pages) every twelfth or so POST copied the last tickets'
pages into the database file and synced it before answering: 7 ms at 100,000 tickets,
8-10 ms at 1,000,000. The mail thread, which each new ticket wakes, runs a passive
checkpoint instead (it waits for no writer and no writer waits for it), at most every
``CHECKPOINT_SECONDS``: one checkpoint then copies dozens of tickets' log, mostly the same
few index pages, for half the CPU per ticket (0.18 ms every 12 tickets, 0.08-0.10 every
50 to 100). Under steady load the log is reused from its start about once a second
(SQLite restarts it only when a writer finds it all copied) and reaches about 11,000
pages; past ``wal_autocheckpoint`` (10,000, ``db.SQLITE_PRAGMAS``) the committing request
copies what is left, as every request did past 1,000 before; that threshold also serves
processes without the mail thread.

Durability is as before: with ``synchronous=normal`` the log is synced at checkpoints,
which now come within ``CHECKPOINT_SECONDS`` of busy periods' tickets or at the mail
thread's next wake, where a quiet site kept up to 1,000 pages unsynced for hours."""
import logging
import time

from peewee import DatabaseError

from .db import db, on_sqlite

log = logging.getLogger(__name__)

CHECKPOINT_SECONDS = 0.5


class Checkpoints:
    """Called at each run of the mail thread: a passive checkpoint when the last
    was ``CHECKPOINT_SECONDS`` ago or more (on SQLite; nothing on PostgreSQL)."""

    def __init__(self):
        self.last = None  # time.monotonic() of the last checkpoint

    def __call__(self):
        now = time.monotonic()
        if not on_sqlite() or (self.last is not None
                                 and now - self.last < CHECKPOINT_SECONDS):
            return
        self.last = now
        try:
            db.database.execute_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except DatabaseError:  # the mail goes out all the same; a later run tries again
            log.exception("Checkpointing the WAL failed")
