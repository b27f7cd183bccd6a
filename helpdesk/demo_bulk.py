"""Bulk inserts for ``flask demo-data``: rows as plain tuples, written by one prepared
``executemany`` on SQLite and by ``COPY ... FROM STDIN`` on PostgreSQL (several times
faster than multi-row INSERTs, which psycopg2 and peewee spend most of their time
building as SQL text)."""
import io
from contextlib import contextmanager

from peewee import SqliteDatabase

COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
SQLITE_BULK_CACHE_KIB = 256 * 1024  # the page cache while loading (indexes stay in memory)


class BulkWriter:
    def __init__(self, database):
        self.database = getattr(database, "obj", None) or database
        self.sqlite = isinstance(self.database, SqliteDatabase)

    def escape(self, text):
        """``text`` as the bulk format takes it (COPY's text format on PostgreSQL)."""
        return text if self.sqlite else text.translate(COPY_ESCAPES)

    def write(self, model, columns, rows):
        """Insert ``rows`` (tuples of plain values, times as text, text already escaped)
        into ``model``'s table, ``columns`` being the fields' names."""
        if not rows:
            return
        fields = [model._meta.fields[c] for c in columns]
        names = ", ".join(f'"{f.column_name}"' for f in fields)
        cursor = self.database.cursor()
        if self.sqlite:
            cursor.executemany(f'INSERT INTO "{model._meta.table_name}" ({names}) VALUES '
                               f'({", ".join("?" * len(fields))})', rows)
            return
        data = io.StringIO("\n".join(["\t".join(["\\N" if v is None else str(v) for v in row])
                                      for row in rows]) + "\n")
        cursor.copy_expert(f'COPY "{model._meta.table_name}" ({names}) FROM STDIN', data)

    def next_id(self, model):
        """The first free id of ``model``'s table (ids are given by the writer, so that
        rows referring to them need no read back)."""
        last = self.database.execute_sql(
            f'SELECT MAX("id") FROM "{model._meta.table_name}"').fetchone()[0]
        return (last or 0) + 1

    def ids_taken(self, model):
        """After rows with given ids: PostgreSQL's sequence continues after them."""
        if not self.sqlite:
            table = model._meta.table_name
            self.database.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                f'(SELECT MAX("id") FROM "{table}"))')

    @contextmanager
    def loading(self, models):
        """Around the bulk load of ``models``' tables. SQLite: a larger page cache
        (restored after). PostgreSQL: one transaction in which the tables' foreign keys
        are dropped and added back at the end, checked then by one query each instead of
        a trigger per row (which took more than half the time); if anything fails, the
        whole load is rolled back, constraints included. The tables are locked meanwhile."""
        if self.sqlite:
            before = self.database.execute_sql("PRAGMA cache_size").fetchone()[0]
            self.database.execute_sql(f"PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}")
            try:
                yield
            finally:
                self.database.execute_sql(f"PRAGMA cache_size = {before}")
            return
        with self.database.atomic():
            keys = []
            for model in models:
                table = f'"{model._meta.table_name}"'
                keys += [(table, name, definition) for name, definition in self.database.execute_sql(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE contype = 'f' AND conrelid = %s::regclass ORDER BY conname",
                    (table,)).fetchall()]
            for table, name, _ in keys:
                self.database.execute_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            yield
            for table, name, definition in keys:
                self.database.execute_sql(
                    f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
