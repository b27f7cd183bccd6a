"""Full-text search over subjects and every thread entry (``helpdesk/search.py``): the
table, filled from the tickets so far in batches, with its progress in the log."""
import logging

from .. import search
from ..models import Ticket

log = logging.getLogger(__name__)


def up(migrator, database):
    search.create_table()
    total, done = Ticket.select().count(), 0

    def progress(count):
        nonlocal done
        done += count
        log.info("search index: %d of %d tickets", done, total)

    search.rebuild(progress=progress)
