"""The desk home's counters at a million tickets: the open tickets counted per day of
creation and of due time (``OpenTally``), built from the tickets so far."""
from .. import report_summary
from ..summary_models import OpenTally


def up(migrator, database):
    database.create_tables([OpenTally])
    report_summary.rebuild()
