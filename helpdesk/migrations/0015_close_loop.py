"""Closing the loop: the reports count closings by the requester and by the system and
reopenings by the requester (counted again from the events so far), and each ticket may
have one status link (the table is made with the other new tables)."""
from peewee import IntegerField
from playhouse.migrate import migrate

from .. import report_summary

COUNTERS = ("citizen_closures", "auto_closures", "citizen_reopenings")


def up(migrator, database):
    migrate(*(migrator.add_column("report_day", name, IntegerField(default=0))
              for name in COUNTERS))
    report_summary.rebuild()
