"""Each table of the dashboard as CSV text (the route adds the BOM Excel needs to read
UTF-8). With ";" as the separator, as Excel expects where the decimal separator is a
comma (Indonesian settings), decimals are written with a comma; with "," (English
settings) with a point. Durations are hours with decimals, shares percent numbers, days
ISO dates, ticket numbers plain digits; text someone typed never becomes a formula."""
import csv
import io

from . import report_tables
from .dashboard import COUNT, DURATION, SHARE
from .report_tables import heading, hours, table
from .spreadsheet import safe_text

DECIMALS = {DURATION: 4, SHARE: 2}  # hours to the 0.36 s; percent to the hundredth


def table_csv(board, name, delimiter):
    """The table ``name`` (report_tables.NAMES) with a heading row, as text."""
    _title, columns, rows = table(board, name)
    comma = delimiter == ";"
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow([heading(column) for column in columns])
    for row in rows:
        writer.writerow([_value(column, row.get(column.key), comma) for column in columns])
    return out.getvalue()


def _value(column, value, comma):
    if value is None:
        return ""
    if column.key == "day":
        return value.isoformat()
    if column.key == "number" or column.kind == COUNT:
        return str(value)
    if column.kind == DURATION:
        return _decimal(hours(value), DECIMALS[DURATION], comma)
    if column.kind == SHARE:
        return _decimal(value * 100, DECIMALS[SHARE], comma)
    return safe_text(value)


def _decimal(number, places, comma):
    """2.5 -> "2.5" (or "2,5"), 3.0 -> "3": no more digits than it has, nor than ``places``."""
    text = f"{number:.{places}f}".rstrip("0").rstrip(".")
    return text.replace(".", ",") if comma else text


def file_name(board, name):
    """laporan-helpdesk-topik-2026-11-01-2026-11-30.csv"""
    return f"{report_tables.file_stem(board, report_tables.file_word(board, name))}.csv"
