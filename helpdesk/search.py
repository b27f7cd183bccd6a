"""Full-text search over ticket subjects and every thread entry: one row per subject and
per entry (its ticket, its entry or none for the subject, whether the requester may see
it, its text), with Indonesian affixes and accents removed the same way on both
databases (``search_words``): "pembayaran" finds "bayar", "cafe" finds "Café".

PostgreSQL: ``search_text`` with a ``tsvector`` of the ``helpdesk_search`` configuration
(the built-in ``indonesian`` Snowball stemmer after ``unaccent``), generated from the
text's letters and digits, read through a GIN index. SQLite: the rows in
``search_source`` and an FTS5 index ``search_text`` over them (``content=``) that is fed
the stems of each text (one per word, so its positions are those of the words as
written and ``snippet()`` marks the original words). The lifecycle adds a row with each
ticket and entry (``index_entry``); ``rebuild`` fills the tables from
the tickets in batches (migration 0013, demo data). Finding: ``search_query``; on
PostgreSQL also through a GIN index of the recent rows only (``search_recent``).
"""
from . import prepared, search_recent
from .db import db
from .models import EntryKind, ThreadEntry, Ticket
from .report_sql import on_postgres
from .search_words import stems

CONFIG = "helpdesk_search"
STATISTICS = 1000  # PostgreSQL's statistics target of the words (migration 0026)
MARKS = str.maketrans("", "", "\x01\x02\x03")  # the snippets' own markers, never indexed
POSTGRES_CONFIG = (
    f"CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = pg_catalog.indonesian)",
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR asciiword, asciihword, "
    "hword_asciipart, word, hword, hword_part WITH unaccent, indonesian_stem",
    f"ALTER TEXT SEARCH CONFIGURATION {CONFIG} ALTER MAPPING FOR numword, numhword, "
    "hword_numpart WITH unaccent, simple")
POSTGRES_TABLE = (
    "CREATE TABLE IF NOT EXISTS search_text (id BIGSERIAL PRIMARY KEY, "
    "ticket INTEGER NOT NULL, entry INTEGER, "  # no foreign keys: dropping tables stays plain
    "public BOOLEAN NOT NULL, body TEXT NOT NULL, document tsvector GENERATED ALWAYS AS "
    f"(to_tsvector('{CONFIG}', regexp_replace(body, '[^[:alnum:]]+', ' ', 'g'))) STORED)",
    "CREATE INDEX IF NOT EXISTS search_text_document ON search_text USING GIN (document)",
    "CREATE INDEX IF NOT EXISTS search_text_ticket ON search_text (ticket)",
    # the planner's word counts from a sample large enough to hold every word in one row
    # of some 20,000: with the default sample a word found nowhere was guessed in one row
    # of 360, so the newest matches were looked for by walking every row newest first
    # (1.3 s at a million tickets instead of a millisecond through the index)
    f"ALTER TABLE search_text ALTER COLUMN document SET STATISTICS {STATISTICS}")
SQLITE_TABLE = (
    # words: the stems, space around each, for checking a ticket's rows without FTS5
    # (a MATCH costs about a millisecond to open: fine once a page, not once a ticket)
    "CREATE TABLE IF NOT EXISTS search_source (id INTEGER PRIMARY KEY, "
    "ticket INTEGER NOT NULL, entry INTEGER, public INTEGER NOT NULL, body TEXT NOT NULL, "
    "words TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS search_source_ticket ON search_source (ticket)",
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_text USING fts5(body, ticket UNINDEXED, "
    "entry UNINDEXED, public UNINDEXED, content = 'search_source', content_rowid = 'id', "
    "tokenize = 'unicode61 remove_diacritics 2')",
    # every stem indexed: a query's "otoris" becomes ("otorisasi" OR ...), as FTS5 reads
    # every row of a prefix ("otoris"*) before giving the first
    "CREATE TABLE IF NOT EXISTS search_vocab (word TEXT PRIMARY KEY) WITHOUT ROWID")
NO_UNACCENT = ("Search needs PostgreSQL's unaccent extension: run "
               "'CREATE EXTENSION unaccent;' in this database as a superuser "
               "(or a role allowed to create it), then start again (README, Search).")


def create_table(fresh=False):
    """Create the search tables (``fresh``: drop those left by an earlier schema first;
    they are not models, so dropping the models' tables leaves them)."""
    if fresh:
        drop_tables()
    if on_postgres():
        _postgres_configuration()
    for statement in POSTGRES_TABLE if on_postgres() else SQLITE_TABLE:
        db.database.execute_sql(statement)
    if on_postgres():
        search_recent.create_index()  # moved on as rows come (``search_recent``)


def drop_tables():
    for table in ("search_text", "search_source", "search_vocab"):
        db.database.execute_sql(f"DROP TABLE IF EXISTS {table}")


def _postgres_configuration():
    """The ``unaccent`` extension and the search configuration, unless there already."""
    cursor = db.database.execute_sql("SELECT 1 FROM pg_extension WHERE extname = 'unaccent'")
    if cursor.fetchone() is None:
        try:
            with db.database.atomic():  # a savepoint: a refusal leaves the migration's
                db.database.execute_sql("CREATE EXTENSION IF NOT EXISTS unaccent")
        except Exception as exc:  # psycopg2's InsufficientPrivilege and kin
            raise RuntimeError(NO_UNACCENT) from exc
    cursor = db.database.execute_sql("SELECT 1 FROM pg_ts_config WHERE cfgname = %s",
                                     (CONFIG,))
    if cursor.fetchone() is None:
        for statement in POSTGRES_CONFIG:
            db.database.execute_sql(statement)


def _add(rows):
    """Index (ticket id, entry id or None, public, text) rows."""
    if not rows:
        return
    rows = [(ticket, entry, bool(public), body.translate(MARKS))
            for ticket, entry, public, body in rows]
    if on_postgres():  # prepared; inside a transaction, sent with its next statement
        prepared.execute("INSERT INTO search_text (ticket, entry, public, body) VALUES "
                         + ", ".join(["(%s, %s, %s, %s)"] * len(rows)),
                         [value for row in rows for value in row], later=True)
        return
    indexed = [stems(row[3]) for row in rows]
    marks = ", ".join(["(?, ?, ?, ?, ?)"] * len(rows))
    cursor = db.database.execute_sql(
        f"INSERT INTO search_source (ticket, entry, public, body, words) VALUES {marks}",
        [value for row, text in zip(rows, indexed) for value in (*row, f" {text} ")])
    first = cursor.lastrowid - len(rows) + 1  # one statement: consecutive rowids
    db.database.execute_sql(
        "INSERT INTO search_text (rowid, body) VALUES " + ", ".join(["(?, ?)"] * len(rows)),
        [value for offset, text in enumerate(indexed) for value in (first + offset, text)])
    vocabulary = sorted({word for text in indexed for word in text.split()})
    for start in range(0, len(vocabulary), 500):
        chunk = vocabulary[start:start + 500]
        db.database.execute_sql("INSERT OR IGNORE INTO search_vocab (word) VALUES "
                                + ", ".join(["(?)"] * len(chunk)), chunk)


def index_entry(entry, subject=None):
    """The entry, and with ``subject`` its ticket's subject too (a new ticket's: one
    round of statements for both)."""
    rows = [(entry.ticket_id, entry.id, entry.kind in EntryKind.PUBLIC, entry.body)]
    _add(rows if subject is None else [(entry.ticket_id, None, True, subject), *rows])


def clear():
    if on_postgres():
        db.database.execute_sql("DELETE FROM search_text")
    else:  # an index over another table's rows: emptied by its own command
        db.database.execute_sql("INSERT INTO search_text (search_text) VALUES ('delete-all')")
        db.database.execute_sql("DELETE FROM search_source")
        db.database.execute_sql("DELETE FROM search_vocab")


def rebuild(progress=None, batch=5000):
    """Index every subject and entry again, ``batch`` tickets at a time; ``progress(n)``
    after each batch of ``n`` tickets."""
    clear()
    last = 0
    while True:
        tickets = list(Ticket.select(Ticket.id, Ticket.subject).where(Ticket.id > last)
                       .order_by(Ticket.id).limit(batch).tuples())
        if not tickets:
            if on_postgres():  # the planner's word counts: else a word found nowhere
                db.database.execute_sql("ANALYZE search_text")  # may look like a common one
            return
        first, last = tickets[0][0], tickets[-1][0]
        entries = (ThreadEntry.select(ThreadEntry.ticket, ThreadEntry.id, ThreadEntry.kind,
                                      ThreadEntry.body)
                   .where(ThreadEntry.ticket.between(first, last))
                   .order_by(ThreadEntry.id).tuples())
        rows = [(ticket, None, True, subject) for ticket, subject in tickets]
        rows += [(ticket, entry, kind in EntryKind.PUBLIC, body)
                 for ticket, entry, kind, body in entries]
        for start in range(0, len(rows), 200):
            _add(rows[start:start + 200])
        if progress:
            progress(len(tickets))
