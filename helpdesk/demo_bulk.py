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
    def loading(self, models, rebuild_indexes=False):
        """One transaction around the bulk load of ``models``' tables: if anything fails,
        all of it rolls back, schema changes included (the tables stay locked meanwhile).

        With ``rebuild_indexes`` (when the load more than doubles the tables) their
        secondary indexes are dropped and made again at the end, from their own
        definitions: one sort each instead of a B-tree insert per row and index.
        PostgreSQL: the tables' foreign keys are dropped and added back at the end too,
        checked then by one query each instead of a trigger per row (more than half the
        time). SQLite: a larger page cache meanwhile."""
        run = self.database.execute_sql
        if self.sqlite:
            before = run("PRAGMA cache_size").fetchone()[0]
            run(f"PRAGMA cache_size = -{SQLITE_BULK_CACHE_KIB}")
        try:
            with self.database.atomic():
                tables = [f'"{model._meta.table_name}"' for model in models]
                indexes = self._indexes(tables) if rebuild_indexes else []
                keys = [] if self.sqlite else self._foreign_keys(tables)
                for table, name, _ in keys:
                    run(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                for name, _ in indexes:
                    run(f'DROP INDEX "{name}"')
                yield
                for _, definition in indexes:
                    run(definition)
                for table, name, definition in keys:
                    run(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        finally:
            if self.sqlite:
                run(f"PRAGMA cache_size = {before}")

    def _indexes(self, tables):
        """[(name, statement that makes it)] of the tables' secondary indexes."""
        found = []
        for table in tables:
            if self.sqlite:
                found += self.database.execute_sql(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
                    "AND sql IS NOT NULL ORDER BY name", (table.strip('"'),)).fetchall()
            else:
                found += self.database.execute_sql(
                    "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                    "JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = %s::regclass "
                    "AND NOT x.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                    "WHERE c.conindid = x.indexrelid AND c.contype IN ('p', 'u', 'x')) "
                    "ORDER BY i.relname", (table,)).fetchall()
        return found

    def _foreign_keys(self, tables):
        found = []
        for table in tables:
            found += [(table, name, definition) for name, definition in self.database.execute_sql(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE contype = 'f' AND conrelid = %s::regclass ORDER BY conname",
                (table,)).fetchall()]
        return found
