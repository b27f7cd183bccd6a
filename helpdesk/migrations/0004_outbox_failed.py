"""The outbox marks mail it gave up on (``failed_at``), so that it can be listed and
retried. Rows that had already used every attempt are marked by the next delivery run.
(The ``jobrun`` table is created by ``upgrade`` from the models.)"""
from peewee import DateTimeField
from playhouse.migrate import migrate


def up(migrator, database):
    migrate(migrator.add_column("outboxmail", "failed_at", DateTimeField(null=True)),
            migrator.add_index("outboxmail", ("sent_at", "failed_at"), False))
