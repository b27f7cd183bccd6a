"""An alert to a department's agents is one message with each agent in Bcc, and its
outbox row keeps every address in ``recipient``: more than the 255 characters it held
(a department of 40 agents). SQLite does not hold a text column to a length."""
from peewee import TextField
from playhouse.migrate import PostgresqlMigrator, migrate


def up(migrator, database):
    if isinstance(migrator, PostgresqlMigrator):
        migrate(migrator.alter_column_type("outboxmail", "recipient", TextField()))
