"""The words search indexes: SQLite gets them from Python's Snowball stemmer, PostgreSQL
from its own ``indonesian`` dictionary after ``unaccent``; both give the same stems, so a
search finds the same tickets on either database."""
from helpdesk import search, search_words
from helpdesk.db import db
from helpdesk.report_sql import on_postgres

TEXT = ("Pembayaran bansos dikirimkan ke rekeningnya; berkas diperbaiki, pengaduan "
        "ditindaklanjuti di Café SIKS-NG 2024 abc123 menunggu persetujuan kepesertaan "
        "sinkronisasi perbaikan datanya dilakukan")
STEMS = ("bayar bansos kirim ke rekening berkas baik adu tindaklanjut di cafe siks ng 2024 "
         "abc123 unggu setuju serta sinkronisasi baik data laku")


def test_words_lose_their_affixes_and_accents():
    assert search_words.stems(TEXT) == STEMS
    assert search_words.stems("x_y ½ ﬁle") == "x y 12 file"


def test_the_database_indexes_the_same_words(app):
    """PostgreSQL's stems equal Python's (SQLite indexes Python's own)."""
    with app.app_context(), db.database.connection_context():
        if on_postgres():
            cursor = db.database.execute_sql(
                "SELECT to_tsvector('helpdesk_search', regexp_replace(%s, '[^[:alnum:]]+', "
                "' ', 'g'))::text", (TEXT,))
            indexed = {word.split(":")[0].strip("'")
                       for word in cursor.fetchone()[0].split()}
        else:  # what FTS5 holds for a row of this text
            with db.database.atomic() as transaction:
                search._add([(0, None, True, TEXT)])
                db.database.execute_sql("CREATE VIRTUAL TABLE temp.words USING "
                                        "fts5vocab(main, search_text, 'row')")
                indexed = {term for term, in db.database.execute_sql(
                    "SELECT term FROM temp.words")}
                db.database.execute_sql("DROP TABLE temp.words")
                transaction.rollback()
    assert indexed == set(STEMS.split())


def test_a_long_text_is_cut_around_the_words_found():
    from helpdesk.search_snippet import marked, snippet

    text = " ".join(f"kata{n}" for n in range(40)) + " <b>bayar</b> " + " ".join(
        f"lain{n}" for n in range(40)) + "."
    shown = marked(snippet(text, search_words.stems(text).split(),
                           lambda word: word == "bayar", 14))
    assert shown.startswith("…kata") and shown.endswith("…")
    assert "&lt;b&gt;<mark>bayar</mark>&lt;/b&gt;" in shown
    assert "kata36" not in shown and "kata37" in shown  # 14 words: 4 before, 9 after
    assert "lain7…" in shown and "lain8" not in shown
    assert marked(snippet("Sudah bayar.", ["sudah", "bayar"], lambda word: word == "bayar",
                          14)) == "Sudah <mark>bayar</mark>."
