"""The dashboard's tables as the downloads write them (the workbook's sheets and the CSV
files): which columns, which rows, headings with their units, and the file names."""
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask_babel import gettext as _, lazy_gettext as _l

from .dashboard import BREACH_COLUMNS, DURATION, SERIES_COLUMNS, SHARE, TABLES, Column, TEXT

NAMES = (*TABLES, "series", "breaches")
HOUR = 3600
# Plain ASCII words of the file names (Indonesian, the helpdesk's language)
FILE_WORDS = {"topics": "topik", "departments": "unit", "agents": "petugas",
              "held": "waktu-unit", "breaches": "terlambat"}

_WEEK = Column("day", _l("Week from"), TEXT)


def table(board, name):
    """(title, columns, rows) of one of NAMES."""
    if name in TABLES:
        title, columns = TABLES[name]
        return title, columns, board.tables[name]
    if name == "series":
        columns = (_WEEK, *SERIES_COLUMNS[1:]) if board.weekly else SERIES_COLUMNS
        return series_title(board), columns, board.series
    if name == "breaches":
        return _("SLA breaches"), BREACH_COLUMNS, board.sla["breaches"]
    raise KeyError(name)


def series_title(board):
    return _("Per week") if board.weekly else _("Per day")


def heading(column):
    """A column's label in the current language, with its unit: durations are hours."""
    if column.kind == DURATION:
        return _("%(label)s (hours)", label=column.label)
    if column.kind == SHARE:
        return f"{column.label} (%)"
    return str(column.label)


def hours(seconds):
    return None if seconds is None else seconds / HOUR


def local_time(moment, zone):
    """A naive UTC (or aware) date-time as the naive local time of ``zone``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


def zone_abbreviation(moment, zone):
    """"WIB" for Jakarta (the zone's abbreviation at that local time)."""
    return datetime.combine(moment.date(), moment.time(), ZoneInfo(zone)).tzname()


def file_stem(board, word=None):
    """laporan-helpdesk[-word]-2026-11-01-2026-11-30 (ASCII only)."""
    period = board.period
    middle = f"-{word}" if word else ""
    return f"laporan-helpdesk{middle}-{period.first.isoformat()}-{period.last.isoformat()}"


def file_word(board, name):
    if name == "series":
        return "mingguan" if board.weekly else "harian"
    return FILE_WORDS[name]
