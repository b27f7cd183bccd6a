"""Migration 0022 gives tickets from before the clocks their clocks (and 0023 recounts the
reports), checked against what the lifecycle gives the same tickets."""
from datetime import datetime, timedelta

import pytest
from playhouse.migrate import migrate

from helpdesk import lifecycle, migrations
from helpdesk.clock_models import TicketHolding
from helpdesk.db import db
from helpdesk.models import SchemaVersion, Ticket, TicketStatus

OPENED = datetime(2026, 11, 2, 3, 0)  # Monday 10:00 WIB
HOUR = timedelta(hours=1)
NEW = ("first_response_due_at", "first_response_breached_at", "resolution_used_seconds",
       "paused_at", "next_due_at")


@pytest.mark.alters_schema
def test_the_migration_gives_older_tickets_their_clocks(app, citizen, agent, topic):
    with app.test_request_context():
        def opened(hours):
            return lifecycle.open_ticket(by=citizen, topic=topic, subject="Kartu rusak",
                                         message="Mohon dibantu.", now=OPENED + hours * HOUR)
        unanswered, answered, resolved = opened(0), opened(1), opened(2)
        lifecycle.respond(answered, by=agent, message="Kami periksa.", now=OPENED + 3 * HOUR)
        lifecycle.set_status(resolved, by=agent, status=TicketStatus.RESOLVED,
                             now=OPENED + 12 * HOUR)
    kept = {t.id: (t.first_response_due_at, t.next_due_at, t.due_at)
            for t in Ticket.select()}

    migrator = migrations.migrator_for(db.database)
    indexes = [i.name for i in db.database.get_indexes("ticket") if set(NEW) & set(i.columns)]
    migrate(*(migrator.drop_index("ticket", name) for name in indexes),
            *(migrator.drop_column("ticket", column) for column in NEW))
    db.database.drop_tables([TicketHolding])
    SchemaVersion.delete().where(SchemaVersion.name.in_(
        ["0022_ticket_clocks", "0023_clock_reports"])).execute()

    assert migrations.upgrade(db.database) == ["0022_ticket_clocks", "0023_clock_reports"]
    assert {t.id: (t.first_response_due_at, t.next_due_at, t.due_at)
            for t in Ticket.select()} == kept
    late = Ticket.get_by_id(unanswered.id)  # unanswered long past its due time: no alert
    assert late.first_response_breached_at == late.first_response_due_at
    assert Ticket.get_by_id(answered.id).first_response_breached_at is None
    done = Ticket.get_by_id(resolved.id)
    assert done.resolution_used_seconds == 10 * 3600 and done.paused_at == done.resolved_at
    assert sorted(h.ticket_id for h in TicketHolding.select()) == sorted(
        [unanswered.id, answered.id])
    assert set(indexes) <= {i.name for i in db.database.get_indexes("ticket")}
    with app.test_request_context():  # a reopen continues from the time used
        lifecycle.reply(resolved, by=citizen, message="Masih gagal.", now=OPENED + 20 * HOUR)
    assert Ticket.get_by_id(resolved.id).due_at == OPENED + 58 * HOUR
