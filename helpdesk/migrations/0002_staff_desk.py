"""The staff desk: the SLA breach time on tickets and the queue's sort indexes. (Its new
tables, ticket participants and canned responses, are created by ``upgrade`` from the
models.)"""
from peewee import DateTimeField
from playhouse.migrate import migrate


def up(migrator, database):
    migrate(migrator.add_column("ticket", "sla_breached_at", DateTimeField(null=True)),
            migrator.add_index("ticket", ("updated_at",), False),
            migrator.add_index("ticket", ("due_at",), False))
