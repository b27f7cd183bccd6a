"""The two clocks of every ticket (``lifecycle.clocks``) and the departments' holdings.

Existing tickets keep their due time as the resolution's. Their first response is due
after their help topic's plan's first-response target counted from their creation,
computed in batches. A resolved or closed ticket has used its resolution clock from its
creation to its resolution (around the clock, as its old due time was counted), so a
reopening continues from there. An open ticket still unanswered past its new first
response due time is marked breached at that due time without an alert (nobody was
promised one; the watch would otherwise alert for all of them at once); answers given
before are judged by the reports against the due time, not flagged. The open and
tickets are held by their department since their last transfer in, or their creation."""
from playhouse.migrate import migrate

from ..clock_models import TicketHolding
from ..lifecycle import clocks_fill
from ..models import DateTimeField


def up(migrator, database):
    migrate(
        migrator.add_column("ticket", "first_response_due_at", DateTimeField(null=True)),
        migrator.add_column("ticket", "first_response_breached_at", DateTimeField(null=True)),
        migrator.add_column("ticket", "paused_at", DateTimeField(null=True)),
        migrator.add_column("ticket", "next_due_at", DateTimeField(null=True)),
    )
    # NOT NULL with its default in one statement: the migrator would copy the table to
    # add the constraint on SQLite
    database.execute_sql("ALTER TABLE ticket ADD COLUMN resolution_used_seconds REAL "
                         "NOT NULL DEFAULT 0")
    clocks_fill.fill_clocks()
    migrate(
        migrator.add_index("ticket", ("next_due_at",), False),
        migrator.add_index("ticket", ("status", "next_due_at"), False),
        migrator.add_index("ticket", ("department_id", "status", "next_due_at"), False),
    )
    database.create_tables([TicketHolding])
    clocks_fill.fill_holdings()
