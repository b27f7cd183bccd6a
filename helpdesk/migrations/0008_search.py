"""Full-text search over subjects and every thread entry (``helpdesk/search.py``): the
tables. Migration 0013 fills them (with Indonesian stems), in batches with progress."""
from .. import search


def up(migrator, database):
    search.create_table()
