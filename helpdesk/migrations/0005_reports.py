"""Reports: indexes for the period's figures by each time column, and the transfers as
rows with department ids, taken from the "transferred" events recorded so far (their
detail names the departments; a name no longer found is kept as NULL)."""
from playhouse.migrate import migrate

from ..models import Department, TicketEvent, TicketTransfer

BATCH = 1000


def up(migrator, database):
    migrate(migrator.add_index("ticket", ("first_response_at",), False),
            migrator.add_index("ticket", ("resolved_at",), False),
            migrator.add_index("ticket", ("closed_at",), False),
            migrator.add_index("ticket", ("topic_id", "created_at"), False),
            migrator.add_index("ticket", ("department_id", "created_at"), False),
            migrator.add_index("ticket", ("status", "topic_id"), False),
            migrator.add_index("ticket", ("status", "department_id"), False))
    TicketTransfer.create_table(safe=True)
    ids = dict(Department.select(Department.name, Department.id).tuples())
    rows = []
    for event in (TicketEvent.select().where(TicketEvent.kind == "transferred")
                  .order_by(TicketEvent.id).iterator()):
        data = event.data
        rows.append({"ticket": event.ticket_id, "source": ids.get(data.get("source")),
                     "target": ids.get(data.get("target")), "created_at": event.created_at})
        if len(rows) == BATCH:
            TicketTransfer.insert_many(rows).execute()
            rows = []
    if rows:
        TicketTransfer.insert_many(rows).execute()
