"""Reports at a million tickets: the summary tables (counts per day, duration histograms
per month) built from the tickets so far, how late each resolved ticket was, and the
indexes the exact percentiles, the list of breaches and the SLA shares read."""
from peewee import FloatField
from playhouse.migrate import migrate

from .. import lifecycle, report_summary
from ..models import Ticket
from ..summary_models import ReportDay, ReportDuration


def up(migrator, database):
    migrate(migrator.add_column("ticket", "late_seconds", FloatField(null=True)))
    lifecycle.fill_durations()
    Ticket._schema.create_indexes(safe=True)  # the model's new ones (and partial ones)
    database.create_tables([ReportDay, ReportDuration])
    report_summary.rebuild()
