"""Five indexes of the ticket table went: each was the first column of another index,
which serves the same lookups (the foreign keys' checks too). Every new ticket wrote 37
indexes; a write touches one page of each, and at a million tickets most of those pages
are not in memory."""

REDUNDANT = ("ticket_topic_id", "ticket_department_id", "ticket_requester_id",
             "ticket_assignee_id", "ticket_created_at")


def up(migrator, database):
    for name in REDUNDANT:
        database.execute_sql(f'DROP INDEX IF EXISTS "{name}"')
