"""Finding tickets by words (the index: ``search``), ranked, with a marked snippet.

A search holds every word of the term, or words it begins ("otoris" finds "otorisasi"),
affixes removed on both sides ("pembayaran" finds "dibayar"), all in one subject or entry.

Cost bounded whatever the number of tickets:

- ``find`` reads the newest matching rows, at most ``RANK_LIMIT`` + 1 of them, with their
  rank (SQLite ``bm25``, PostgreSQL ``ts_rank``). If that is all of them, the tickets are
  ordered by their best row's rank, ties newest first: ranking costs at most
  ``RANK_LIMIT`` rows. A word found nowhere costs one index probe.
- A term with more matches than that (a word in most subjects) is not ranked: the tickets
  come newest first. Where the matches are dense the queue walks the tickets newest first
  and probes the index for each (``page / density`` probes: a few hundred for a word in
  one ticket in ten); where they are sparse it reads the matches once (``density x rows``).
  The density is what the first read saw.
- ``snippets`` marks the best row of each ticket on the page only.
"""
import re

from markupsafe import Markup, escape
from peewee import SQL, Case, NodeList

from .db import db
from .models import Ticket
from .report_sql import on_postgres
from .search import CONFIG
from .search_words import stem, words

RANK_LIMIT = 500
SNIPPET_WORDS = 14


class Found:
    """A search's tickets: ``condition`` for a query of tickets, ``ranked`` (ticket ids,
    best first) or None when there were too many matches to rank."""

    def __init__(self, phrase, public_only, condition, ranked):
        self.phrase, self.public_only = phrase, public_only
        self.condition, self.ranked = condition, ranked

    def order(self):
        """The order of the results: by rank, else newest first."""
        if not self.ranked:
            return [Ticket.id.desc()]
        return [Case(Ticket.id, [(ticket, place) for place, ticket in enumerate(self.ranked)],
                     len(self.ranked)), Ticket.id.desc()]


def phrase_of(term):
    """The full-text query of ``term`` for this database; None without a word."""
    found = words(term)
    if not found:
        return None
    if on_postgres():  # stemmed by the configuration itself
        return " & ".join(f"{word}:*" for word in found)
    return " ".join(f'"{stem(word)}"*' for word in found)


def find(term, public_only=False, within=None, page_end=100):
    """The tickets holding every word of ``term`` (only in rows their requester sees
    when ``public_only``; only tickets of the query ``within``, e.g. a citizen's own);
    None when the term has no word. ``page_end``: how many tickets the page needs."""
    phrase = phrase_of(term)
    if phrase is None:
        return None
    rows = _newest_matches(phrase, public_only, within)
    if len(rows) <= RANK_LIMIT:
        best = {}
        for ticket, score, _ in rows:
            best[ticket] = max(score, best.get(ticket, score))
        ranked = sorted(best, key=lambda ticket: (-best[ticket], -ticket))
        return Found(phrase, public_only, Ticket.id.in_(ranked), ranked)
    if within is not None or not _dense(rows, page_end):
        condition = Ticket.id.in_(NodeList((_matching_tickets(phrase, public_only),),
                                           parens=True))
    else:
        condition = _probe_each(phrase, public_only)
    return Found(phrase, public_only, condition, None)


def _newest_matches(phrase, public_only, within):
    """(ticket, score: higher is better, row) of the newest RANK_LIMIT + 1 matching rows."""
    params = [phrase]
    if on_postgres():
        sql = ("SELECT s.ticket, ts_rank(s.document, q.query), s.id FROM search_text s, "
               f"to_tsquery('{CONFIG}', %s) q(query) WHERE s.document @@ q.query")
        sql += " AND s.public" if public_only else ""
    else:
        sql = ("SELECT search_text.ticket, -bm25(search_text), search_text.rowid "
               "FROM search_text WHERE search_text MATCH ?")
        sql += " AND search_text.public = 1" if public_only else ""
        if within is not None:  # few tickets: their rows, each looked up in the index
            sql = ("SELECT s.ticket, -bm25(search_text), s.id FROM search_source s "
                   "CROSS JOIN search_text WHERE search_text.rowid = s.id "
                   "AND search_text MATCH ?")
            sql += " AND s.public = 1" if public_only else ""
    if within is not None:
        within_sql, within_params = within.sql()
        sql += f" AND s.ticket IN ({within_sql})"
        params += within_params
    sql += f" ORDER BY 3 DESC LIMIT {RANK_LIMIT + 1}"
    return list(db.database.execute_sql(sql, params))


def _dense(rows, page_end):
    """Whether walking the tickets newest first, probing each, reads fewer rows than
    reading every match: the newest matches' share of the newest rows tells."""
    table = "search_text" if on_postgres() else "search_source"
    newest = db.database.execute_sql(f"SELECT max(id) FROM {table}").fetchone()[0] or 1
    oldest_seen = min(row for _, _, row in rows)
    density = len(rows) / max(1, newest - oldest_seen + 1)
    return page_end / density < density * newest


def _matching_tickets(phrase, public_only):
    if on_postgres():
        sql = f"SELECT ticket FROM search_text WHERE document @@ to_tsquery('{CONFIG}', %s)"
        return SQL(sql + (" AND public" if public_only else ""), [phrase])
    sql = "SELECT ticket FROM search_text WHERE search_text MATCH ?"
    return SQL(sql + (" AND public = 1" if public_only else ""), [phrase])


def _probe_each(phrase, public_only):
    """EXISTS a matching row of the outer query's ticket (its rows by the ticket index,
    each checked against the term)."""
    if on_postgres():
        head = "EXISTS (SELECT 1 FROM search_text s WHERE s.ticket ="
        tail = (f"AND s.document @@ to_tsquery('{CONFIG}', %s)"
                + (" AND s.public" if public_only else "") + ")")
    else:
        head = ("EXISTS (SELECT 1 FROM search_source s CROSS JOIN search_text "
                "WHERE s.ticket =")
        tail = ("AND search_text.rowid = s.id AND search_text MATCH ?"
                + (" AND s.public = 1" if public_only else "") + ")")
    return NodeList((SQL(head), Ticket.id, SQL(tail, [phrase])))


def snippets(found, ticket_ids):
    """{ticket id: (marked text, public)} for the best matching entry of each ticket
    (the subject's words only when no entry holds them): escaped, only the words found
    are marked up (``<mark>``)."""
    if not ticket_ids or found is None:
        return {}
    params = [found.phrase, *ticket_ids]
    marks = ", ".join([db.database.param] * len(ticket_ids))
    if on_postgres():
        options = (f'StartSel="\x02", StopSel="\x03", MaxWords={SNIPPET_WORDS}, '
                   f'MinWords={SNIPPET_WORDS // 2}, MaxFragments=1, FragmentDelimiter="…"')
        sql = ("SELECT s.ticket, s.entry, s.public, ts_rank(s.document, q.query), "
               f"ts_headline('{CONFIG}', replace(s.body, '<', chr(1)), q.query, %s) "
               f"FROM search_text s, to_tsquery('{CONFIG}', %s) q(query) "
               f"WHERE s.ticket IN ({marks}) AND s.document @@ q.query")
        params.insert(0, options)
        sql += " AND s.public" if found.public_only else ""
    else:
        sql = ("SELECT s.ticket, s.entry, s.public, -bm25(search_text), snippet(search_text, "
               f"0, char(2), char(3), '…', {SNIPPET_WORDS}) FROM search_source s "
               "CROSS JOIN search_text WHERE search_text.rowid = s.id "
               f"AND search_text MATCH ? AND s.ticket IN ({marks})")
        sql += " AND s.public = 1" if found.public_only else ""
    best = {}
    for ticket, entry, public, score, text in db.database.execute_sql(sql, params):
        key = (entry is not None, score, entry or 0)
        if ticket not in best or key > best[ticket][0]:
            best[ticket] = (key, _marked(text), bool(public))
    return {ticket: (text, public) for ticket, (_, text, public) in best.items()}


def _marked(text):
    """The snippet's text escaped, its markers as ``<mark>``; one line."""
    text = re.sub(r"\s+", " ", text.replace("\x01", "<")).strip()
    return Markup(str(escape(text)).replace("\x02", "<mark>").replace("\x03", "</mark>"))


def narrowed(query, term, public_only=False, within=None, page_end=100):
    """``query`` (tickets) narrowed to ``term`` and the ``Found`` behind it: a ticket
    number (``#`` optional) exactly (None found), else ``find``; a term without a word
    leaves the query as it is."""
    term = term.strip()
    if re.fullmatch(r"#?\d{1,9}", term):
        return query.where(Ticket.number == int(term.lstrip("#"))), None
    found = find(term, public_only, within, page_end)
    return (query, None) if found is None else (query.where(found.condition), found)
