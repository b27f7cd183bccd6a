"""The response and resolution durations kept beside their times for the reports: set and
cleared by the lifecycle, computed by the migration for tickets from before it, and the
same figures either way."""
import pytest
from playhouse.migrate import migrate

from helpdesk import lifecycle, migrations, reports
from helpdesk.db import db
from helpdesk.models import ReportDay, ReportDuration, SchemaVersion, Ticket

from report_history import HOUR, NOVEMBER, NOW


def durations(history):
    return {name: (t.response_seconds, t.resolution_seconds) for name, t in (
        (name, Ticket.get_by_id(ticket.id)) for name, ticket in history.items())}


def test_the_lifecycle_keeps_each_duration_with_its_time(app, history, agent):
    kept = durations(history)
    assert kept["T1"] == (1 * HOUR, 4 * HOUR)  # resolved again after the reopening
    assert kept["T3"] == (3 * HOUR, 30 * HOUR)  # closing keeps the resolution time
    assert kept["T5"] == (6 * HOUR, None)
    assert kept["T0"] == kept["T9"] == (None, None)
    with app.test_request_context():
        lifecycle.set_status(history["T2"], by=agent, status="open", now=NOW)
    assert durations(history)["T2"] == (2 * HOUR, None)


@pytest.mark.alters_schema
def test_the_migration_computes_the_durations_of_earlier_tickets(history):
    """A database from before the durations and the summary: no such columns, indexes or
    tables; the migrations compute them from the tickets, with the same figures."""
    figures = [reports.times(NOVEMBER), reports.by_agent(NOVEMBER, now=NOW),
               reports.headline(NOVEMBER, now=NOW), reports.daily(NOVEMBER)]
    kept = durations(history)
    migrator = migrations.migrator_for(db.database)
    later = ("response_seconds", "resolution_seconds", "late_seconds")
    indexes = {i.name for i in db.database.get_indexes("ticket")
               if set(later) & set(i.columns) or "_without_" in i.name}
    migrate(*(migrator.drop_index("ticket", name) for name in sorted(indexes)),
            *(migrator.drop_column("ticket", column) for column in later))
    db.database.drop_tables([ReportDay, ReportDuration])
    SchemaVersion.delete().where(SchemaVersion.name.in_(
        ["0006_report_durations", "0007_report_summary"])).execute()

    assert migrations.upgrade(db.database) == ["0006_report_durations",
                                               "0007_report_summary"]
    assert durations(history) == kept
    assert indexes <= {i.name for i in db.database.get_indexes("ticket")}
    assert [reports.times(NOVEMBER), reports.by_agent(NOVEMBER, now=NOW),
            reports.headline(NOVEMBER, now=NOW), reports.daily(NOVEMBER)] == figures
