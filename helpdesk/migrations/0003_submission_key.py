"""The new-ticket form's one-time key, unique per requester: a form sent twice (a retry
after a lost connection, a double click) opens one ticket."""
from peewee import CharField
from playhouse.migrate import migrate


def up(migrator, database):
    migrate(migrator.add_column("ticket", "submission_key", CharField(max_length=64, null=True)),
            migrator.add_index("ticket", ("requester_id", "submission_key"), True))
