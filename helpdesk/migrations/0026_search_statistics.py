"""A word found nowhere costs one index probe at a million tickets too: on PostgreSQL the
planner reads the words' frequencies from a sample ten times larger (``search.STATISTICS``;
ANALYZE of the search rows at a million tickets: a few seconds), so it no longer takes a
word it has never seen for one in a few hundred rows and walks every row looking for its
newest matches. Nothing to do on SQLite (FTS5 keeps its own word lists)."""
from .. import search
from ..report_sql import on_postgres


def up(migrator, database):
    if on_postgres():
        database.execute_sql("ALTER TABLE search_text ALTER COLUMN document SET STATISTICS "
                             f"{search.STATISTICS}")
        database.execute_sql("ANALYZE search_text")
