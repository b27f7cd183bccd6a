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
