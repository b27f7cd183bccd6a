"""Schema migrations.

A new database gets every table from the models and is stamped with every migration.
An existing database gets the migrations it has not had yet, in name order: each is a
module ``NNNN_what.py`` in this folder with ``def up(migrator, database)`` using
``playhouse.migrate`` (add_column, rename_column, add_index, ...), run in a transaction.
"""
import importlib
import pkgutil

from peewee import PostgresqlDatabase
from playhouse.migrate import PostgresqlMigrator, SqliteMigrator

from .. import search
from ..models import ALL_MODELS, SchemaVersion, User


def migration_names():
    return sorted(m.name for m in pkgutil.iter_modules(__path__) if m.name[:4].isdigit())


def migrator_for(database):
    real = getattr(database, "obj", None) or database  # FlaskDB hands out a Proxy
    if isinstance(real, PostgresqlDatabase):
        return PostgresqlMigrator(real)
    return SqliteMigrator(real)


def upgrade(database):
    """Bring the schema up to date; returns the names of the migrations applied."""
    if not User.table_exists():
        database.create_tables(ALL_MODELS)
        search.create_table(fresh=True)
        SchemaVersion.insert_many([{"name": n} for n in migration_names()]).execute()
        return []
    SchemaVersion.create_table(safe=True)
    done = {v.name for v in SchemaVersion.select()}
    applied = []
    migrator = migrator_for(database)
    for name in migration_names():
        if name in done:
            continue
        module = importlib.import_module(f"{__name__}.{name}")
        with database.atomic():
            module.up(migrator, database)
            SchemaVersion.create(name=name)
        applied.append(name)
    database.create_tables(ALL_MODELS, safe=True)  # tables added since (never columns)
    return applied
