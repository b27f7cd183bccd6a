"""Finding tickets by words (the index: ``search``), ranked, with a marked snippet.

A search holds every word of the term, or words it begins ("otoris" finds "otorisasi";
words under three letters whole), affixes removed on both sides ("pembayaran" finds
"dibayar"), all in one subject or entry.

Cost bounded whatever the number of tickets:

- ``find`` reads the newest matching rows, at most ``RANK_LIMIT`` + 1 of them, with their
  rank (PostgreSQL ``ts_rank``; SQLite's ``bm25`` only when there are no more, as it
  counts every row holding each word). If that is all of them, the tickets are
  ordered by their best row's rank, ties newest first: ranking costs at most
  ``RANK_LIMIT`` rows. A word found nowhere costs one index probe.
- A term with more matches than that (a word in most subjects) is not ranked: the tickets
  come newest first. Where the matches are dense the queue walks the tickets newest first
  and probes the index for each (``page / density`` probes: a few hundred for a word in
  one ticket in ten); where they are sparse it reads the matches once (``density x rows``).
  The density is what the first read saw, times the share of its tickets the list holds
  (``listed``: a word filling another department is rare in an agent's list). A
  citizen's own tickets are each probed.
- ``snippets`` marks the best row of each ticket on the page only.

On SQLite only the first read uses FTS5 (a MATCH costs about a millisecond to set up,
fine once per page, not once per ticket): a ticket's rows are checked against the words
``search_source`` keeps of each (the query's words are those of ``search_vocab``, so
"otoris" is "otorisasi" or another indexed word it begins), and snippets are cut in
Python from the same words (``search_snippet``).
"""
import re

from peewee import SQL, Case, NodeList

from . import search_recent
from .db import among, db
from .models import Ticket
from .report_sql import on_postgres
from .search import CONFIG
from .search_snippet import marked, snippet
from .search_words import stem, words

RANK_LIMIT = 500
PREFIX_FROM = 3  # shorter words are matched whole: "di" does not find "dingin"
MAX_ALTERNATIVES = 64
NOWHERE = ""  # a phrase no row holds
SQLITE_WALK_ROWS = 4  # rows checked in a ticket walk for the cost of one match read (FTS5)
SNIPPET_WORDS = 14
SHARE_SAMPLE = 64  # tickets of the newest matches whose share the list holds


class Found:
    """A search's tickets: ``condition`` for a query of tickets, ``ranked`` (ticket ids,
    best first) or None when there were too many matches to rank."""

    def __init__(self, query, public_only, condition, ranked):
        self.query, self.public_only = query, public_only
        self.condition, self.ranked = condition, ranked

    def order(self):
        """The order of the results: by rank, else newest first."""
        if not self.ranked:
            return [Ticket.id.desc()]
        return [Case(Ticket.id, [(ticket, place) for place, ticket in enumerate(self.ranked)],
                     len(self.ranked)), Ticket.id.desc()]


def query_of(term):
    """What to look for: the ``tsquery`` text on PostgreSQL; on SQLite, per word of
    ``term``, the indexed words it is or begins (a list) or, with too many, its stem (a
    prefix). None without a word; ``NOWHERE`` when a word is in no row."""
    found = words(term)
    if not found:
        return None
    if on_postgres():  # stemmed by the configuration itself
        return " & ".join(word if len(word) < PREFIX_FROM else f"{word}:*" for word in found)
    groups = [_beginning(stem(word), len(word) >= PREFIX_FROM) for word in found]
    return NOWHERE if None in groups else groups


def _beginning(root, prefix):
    if not prefix:
        cursor = db.database.execute_sql("SELECT word FROM search_vocab WHERE word = ?",
                                         (root,))
    else:
        cursor = db.database.execute_sql(
            "SELECT word FROM search_vocab WHERE word >= ? AND word < ? ORDER BY word "
            f"LIMIT {MAX_ALTERNATIVES + 1}", (root, root + "\U0010ffff"))
    found = [word for word, in cursor]
    if not found:
        return None
    return root if len(found) > MAX_ALTERNATIVES else found


def _fts5(groups):
    return " AND ".join(f'"{group}"*' if isinstance(group, str) else
                        "(" + " OR ".join(f'"{word}"' for word in group) + ")"
                        for group in groups)


def _held(groups, public_only):
    """SQL and parameters: row ``s`` of search_source holds every word of ``groups``."""
    tests, params = [], []
    for group in groups:
        if isinstance(group, str):
            tests.append("instr(s.words, ?) > 0")
            params.append(f" {group}")
        else:
            tests.append("(" + " OR ".join(["instr(s.words, ?) > 0"] * len(group)) + ")")
            params += [f" {word} " for word in group]
    return " AND ".join(tests + (["s.public = 1"] if public_only else [])), params


def _hits(groups):
    """A function: which of a row's stems the search found."""
    exact = {word for group in groups if not isinstance(group, str) for word in group}
    prefixes = tuple(group for group in groups if isinstance(group, str))
    return lambda word: word in exact or (prefixes and word.startswith(prefixes))


def find(term, public_only=False, within=None, page_end=100, listed=None):
    """The tickets holding every word of ``term`` (only in rows their requester sees
    when ``public_only``; only tickets of the query ``within``, e.g. a citizen's own);
    None when the term has no word. ``page_end``: how many tickets the page needs;
    ``listed``: the query of tickets the page lists (an agent's scope and the filters),
    whose share of the newest matches tells how dense the matches are among them."""
    query = query_of(term)
    if query is None:
        return None
    top = _top() if on_postgres() and within is None and query != NOWHERE else None
    rows = _newest_matches(query, public_only, within, top) if query != NOWHERE else []
    if len(rows) <= RANK_LIMIT:
        best = {}
        for ticket, score, _ in rows:
            best[ticket] = max(score, best.get(ticket, score))
        ranked = sorted(best, key=lambda ticket: (-best[ticket], -ticket))
        return Found(query, public_only, Ticket.id.in_(ranked), ranked)
    if within is None and not _dense(rows, page_end, _share(listed, rows), top):
        condition = among(Ticket.id, NodeList((_matching_tickets(query, public_only),),
                                              parens=True))  # PostgreSQL: matches first
    else:  # dense, or few tickets to look at (``within``: the query is narrowed to them)
        condition = _probe_each(query, public_only)
    return Found(query, public_only, condition, None)


def _top():
    """The newest search row's id (PostgreSQL)."""
    return db.database.execute_sql("SELECT max(id) FROM search_text").fetchone()[0] or 0


def _newest_matches(query, public_only, within, top=None):
    """(ticket, score: higher is better, row) of the newest RANK_LIMIT + 1 matching rows
    (``top``: the newest row's id, PostgreSQL's search of all tickets); more than
    RANK_LIMIT are not ranked, and their scores may all be 0."""
    if top is not None:  # in parts of bounded cost
        return search_recent.newest(query, public_only, RANK_LIMIT + 1, top)
    limit = f" ORDER BY s.id DESC LIMIT {RANK_LIMIT + 1}"
    within_sql, within_params = within.sql() if within is not None else ("", [])
    if on_postgres():  # ranks only the rows kept
        sql = ("SELECT s.ticket, s.id, s.document, q.query FROM search_text s, "
               f"to_tsquery('{CONFIG}', %s) q(query) WHERE s.document @@ q.query")
        sql += " AND s.public" if public_only else ""
        sql += f" AND s.ticket IN ({within_sql})" if within is not None else ""
        sql = f"SELECT ticket, ts_rank(document, query), id FROM ({sql + limit}) s"
        rows = list(db.database.execute_sql(search_recent.ALONE + sql,
                                            [query, *within_params]))
        if len(rows) > RANK_LIMIT:  # not ranked, as the parts read them (search_recent)
            return [(ticket, 0, row) for ticket, _, row in rows]
        return rows
    if within is None:  # FTS5 gives the newest matches first; ranked when few
        sql = "FROM search_text WHERE search_text MATCH ?"
        sql += " AND search_text.public = 1" if public_only else ""
        # FTS5's rowids, their tickets read by a join: FTS5 fetches a row's own column
        # from search_source with a statement each (1.5 ms for 501 rows; 0.9 joined)
        rows = list(db.database.execute_sql(
            f"SELECT s.ticket, s.id FROM search_source s WHERE s.id IN (SELECT "
            f"search_text.rowid {sql} ORDER BY search_text.rowid DESC LIMIT "
            f"{RANK_LIMIT + 1}) ORDER BY s.id DESC", [_fts5(query)]))
        if len(rows) > RANK_LIMIT:  # not ranked: bm25() counts every row holding each
            return [(ticket, 0, row) for ticket, row in rows]  # word (0.1 s at 1M)
        scores = dict(db.database.execute_sql(
            f"SELECT search_text.rowid, -bm25(search_text) {sql}", [_fts5(query)]))
        return [(ticket, scores[row], row) for ticket, row in rows]
    held, params = _held(query, public_only)  # a few tickets: their rows, checked
    sql = (f"SELECT s.ticket, s.words, s.id FROM search_source s WHERE {held} "
           f"AND s.ticket IN ({within_sql})")
    hit = _hits(query)
    return [(ticket, _score(text.split(), hit), row)
            for ticket, text, row in db.database.execute_sql(sql + limit,
                                                             params + within_params)]


def _score(stems, hit):
    """A row's rank without FTS5: the share of its words found (short rows first)."""
    return sum(1 for word in stems if hit(word)) / (len(stems) + 5)


def _share(listed, rows):
    """The share of the tickets of ``rows`` (the newest matches) that ``listed`` holds:
    a word common in one department's tickets is rare among another's, whose list would
    be walked to its end probing each ticket (2.2 s for an agent at a million tickets)."""
    if listed is None or listed._where is None:  # every ticket (a supervisor's list)
        return 1
    # the newest few tell the share as well as all of them: 501 tickets looked up cost
    # the server 4.6 ms for an agent at a million tickets, 64 cost 1.2
    tickets = list(dict.fromkeys(ticket for ticket, _, _ in rows))[:SHARE_SAMPLE]
    kept = (listed.select(Ticket.id).where(Ticket.id.in_(tickets))
            .order_by().limit(None).offset(None).count())
    return kept / len(tickets)


def _dense(rows, page_end, share=1, newest=None):
    """Whether walking the tickets newest first, probing each, reads fewer rows than
    reading every match: the newest matches' share of the newest rows tells (times
    ``share``, the part of them the list holds; ``newest``: the newest row's id, if read
    already)."""
    if not newest:
        table = "search_text" if on_postgres() else "search_source"
        newest = db.database.execute_sql(f"SELECT max(id) FROM {table}").fetchone()[0] or 1
    oldest_seen = min(row for _, _, row in rows)
    density = len(rows) * share / max(1, newest - oldest_seen + 1)
    if not density:
        return False
    walked = page_end / density / (1 if on_postgres() else SQLITE_WALK_ROWS)
    return walked < density * newest


def _matching_tickets(query, public_only):
    if on_postgres():
        sql = f"SELECT ticket FROM search_text WHERE document @@ to_tsquery('{CONFIG}', %s)"
        return SQL(sql + (" AND public" if public_only else ""), [query])
    sql = ("SELECT s.ticket FROM search_source s WHERE s.id IN (SELECT rowid "
           "FROM search_text WHERE search_text MATCH ?)")  # rowids only: FTS5 reads no row
    return SQL(sql + (" AND s.public = 1" if public_only else ""), [_fts5(query)])


def _probe_each(query, public_only):
    """EXISTS a matching row of the outer query's ticket (its rows by the ticket index,
    each checked against the term)."""
    if on_postgres():
        # several words: OFFSET 0 keeps the probes (a subquery the planner cannot join).
        # Joined, it was planned from the words' frequencies as if they were independent
        # ("lupa & sandi": 184 rows expected of 26,094), so it read every match first
        # (0.3 s at a million tickets instead of 7 ms); one word's guess holds
        tail = (f"AND s.document @@ to_tsquery('{CONFIG}', %s)"
                + (" AND s.public" if public_only else "")
                + (" OFFSET 0)" if " & " in query else ")"))
        params = [query]
    else:
        held, params = _held(query, public_only)
        tail = f"AND {held})"
    return NodeList((SQL("EXISTS (SELECT 1 FROM search_source s WHERE s.ticket ="
                         if not on_postgres() else
                         "EXISTS (SELECT 1 FROM search_text s WHERE s.ticket ="),
                     Ticket.id, SQL(tail, params)))


def snippets(found, ticket_ids):
    """{ticket id: (marked text, public)} for the best matching entry of each ticket
    (the subject's words only when no entry holds them): escaped, only the words found
    are marked up (``<mark>``)."""
    if not ticket_ids or found is None or found.query == NOWHERE:
        return {}
    marks = ", ".join([db.database.param] * len(ticket_ids))
    if on_postgres():
        options = (f'StartSel="\x02", StopSel="\x03", MaxWords={SNIPPET_WORDS}, '
                   f'MinWords={SNIPPET_WORDS // 2}, MaxFragments=1, FragmentDelimiter="…"')
        sql = ("SELECT s.ticket, s.entry, s.public, ts_rank(s.document, q.query), "
               f"ts_headline('{CONFIG}', replace(s.body, '<', chr(1)), q.query, %s) "
               f"FROM search_text s, to_tsquery('{CONFIG}', %s) q(query) "
               f"WHERE s.ticket IN ({marks}) AND s.document @@ q.query")
        sql += " AND s.public" if found.public_only else ""
        rows = db.database.execute_sql(sql, [options, found.query, *ticket_ids])
    else:
        held, params = _held(found.query, found.public_only)
        hit = _hits(found.query)
        sql = (f"SELECT s.ticket, s.entry, s.public, s.body, s.words FROM search_source s "
               f"WHERE s.ticket IN ({marks}) AND {held}")
        rows = [(ticket, entry, public, _score(text.split(), hit),
                 snippet(body, text.split(), hit, SNIPPET_WORDS))
                for ticket, entry, public, body, text
                in db.database.execute_sql(sql, [*ticket_ids, *params])]
    best = {}
    for ticket, entry, public, score, text in rows:
        key = (entry is not None, score, entry or 0)
        if ticket not in best or key > best[ticket][0]:
            best[ticket] = (key, marked(text), bool(public))
    return {ticket: (text, public) for ticket, (_, text, public) in best.items()}


def narrowed(query, term, public_only=False, within=None, page_end=100):
    """``query`` (tickets) narrowed to ``term`` and the ``Found`` behind it: a ticket
    number (``#`` optional) exactly (None found), else ``find``; a term without a word
    leaves the query as it is."""
    term = term.strip()
    if re.fullmatch(r"#?\d{1,9}", term):
        return query.where(Ticket.number == int(term.lstrip("#"))), None
    found = find(term, public_only, within, page_end)
    return (query, None) if found is None else (query.where(found.condition), found)
