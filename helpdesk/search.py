"""Full-text search over ticket subjects and every thread entry: one row per subject and
per entry in ``search_text`` (its ticket, whether the requester may see it, its words).

SQLite: an FTS5 table (``unicode61`` words, accents removed). PostgreSQL: a ``tsvector``
of the ``simple`` configuration (words as written, lower case: no Indonesian stemming, so
"mengirim" does not find "kirim"), generated from the text and read through a GIN index.
The lifecycle adds a row with each ticket and entry (``index_subject``, ``index_entry``);
``rebuild`` fills the table from the tickets in batches (migration 0008, demo data).
"""
import re

from peewee import SQL, NodeList

from .db import db
from .models import EntryKind, ThreadEntry, Ticket
from .report_sql import on_postgres

POSTGRES_TABLE = (
    "CREATE TABLE IF NOT EXISTS search_text (id BIGSERIAL PRIMARY KEY, "
    "ticket INTEGER NOT NULL, "  # no foreign key: dropping the models' tables stays plain
    "public BOOLEAN NOT NULL, body TEXT NOT NULL, "
    "document tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED)",
    "CREATE INDEX IF NOT EXISTS search_text_document ON search_text USING GIN (document)",
    "CREATE INDEX IF NOT EXISTS search_text_ticket ON search_text (ticket)")
SQLITE_TABLE = ("CREATE VIRTUAL TABLE IF NOT EXISTS search_text USING fts5(body, "
                "ticket UNINDEXED, public UNINDEXED, tokenize = 'unicode61 remove_diacritics 2')",)


def create_table(fresh=False):
    """Create the search table (``fresh``: drop one left by an earlier schema first; it is
    not a model, so dropping the models' tables leaves it)."""
    if fresh:
        db.database.execute_sql("DROP TABLE IF EXISTS search_text")
    for statement in POSTGRES_TABLE if on_postgres() else SQLITE_TABLE:
        db.database.execute_sql(statement)


def _add(rows):
    """Index (ticket id, public, text) rows."""
    if rows:
        marks = ", ".join([f"({db.database.param}, {db.database.param}, "
                           f"{db.database.param})"] * len(rows))
        db.database.execute_sql(f"INSERT INTO search_text (ticket, public, body) VALUES {marks}",
                                [value for row in rows for value in row])


def index_subject(ticket):
    _add([(ticket.id, True, ticket.subject)])


def index_entry(entry):
    _add([(entry.ticket_id, entry.kind in EntryKind.PUBLIC, entry.body)])


def matching(term, public_only=False):
    """A condition: the ticket's subject or one of its entries (only those its requester
    sees when ``public_only``) holds every word of ``term``, or words they begin (so
    suffixes such as -nya, -kan are found); None when it has no word."""
    words = re.findall(r"\w+", term)
    if not words:
        return None
    words = [word.lower() for word in words]
    if on_postgres():  # every word, or a longer one it begins ("sinkron": "sinkronisasi")
        sql = "SELECT ticket FROM search_text WHERE document @@ to_tsquery('simple', %s)"
        phrase = " & ".join(f"{word}:*" for word in words)
    else:
        sql = "SELECT ticket FROM search_text WHERE search_text MATCH ?"
        phrase = " ".join(f'"{word}"*' for word in words)
    if public_only:
        sql += " AND public" if on_postgres() else " AND public = 1"
    return Ticket.id.in_(NodeList((SQL(sql, [phrase]),), parens=True))


def found_in(query, term, public_only=False):
    """``query`` (tickets) narrowed to ``term``: a ticket number (``#`` optional) exactly,
    else full-text (``matching``); a term without a word leaves it as it is."""
    term = term.strip()
    if re.fullmatch(r"#?\d{1,9}", term):
        return query.where(Ticket.number == int(term.lstrip("#")))
    words = matching(term, public_only)
    return query if words is None else query.where(words)


def rebuild(progress=None, batch=5000):
    """Index every subject and entry again, ``batch`` tickets at a time; ``progress(n)``
    after each batch of ``n`` tickets."""
    db.database.execute_sql("DELETE FROM search_text")
    last = 0
    while True:
        tickets = list(Ticket.select(Ticket.id, Ticket.subject).where(Ticket.id > last)
                       .order_by(Ticket.id).limit(batch).tuples())
        if not tickets:
            return
        first, last = tickets[0][0], tickets[-1][0]
        entries = (ThreadEntry.select(ThreadEntry.ticket, ThreadEntry.kind, ThreadEntry.body)
                   .where(ThreadEntry.ticket.between(first, last)).tuples())
        rows = [(ticket, True, subject) for ticket, subject in tickets]
        rows += [(ticket, kind in EntryKind.PUBLIC, body) for ticket, kind, body in entries]
        for start in range(0, len(rows), 500):
            _add(rows[start:start + 500])
        if progress:
            progress(len(tickets))
