"""Search finds Indonesian words with and without their affixes and without their
accents ("pembayaran" finds "bayar", "cafe" finds "Café"), ranked, with snippets: the
search tables again (on PostgreSQL the ``unaccent`` extension and the ``helpdesk_search``
configuration first), filled from the tickets so far in batches, with progress in the log.
"""
import logging

from .. import search
from ..models import Ticket

log = logging.getLogger(__name__)
BATCH = 5000  # tickets indexed per round of statements


def up(migrator, database):
    search.create_table(fresh=True)
    total, done = Ticket.select().count(), 0

    def progress(count):
        nonlocal done
        done += count
        log.info("search index: %d of %d tickets", done, total)

    search.rebuild(progress=progress, batch=BATCH)
