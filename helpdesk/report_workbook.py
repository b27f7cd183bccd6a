"""The dashboard as one XLSX workbook: a cover sheet (period, filters, who made it and when,
the headline figures, times and SLA shares), a sheet per table, the daily (or weekly)
series and the SLA breaches, with native Excel charts. Counts are numbers, shares numbers
in a percent format, durations numbers of hours, dates and times real date cells in the
helpdesk's zone (WIB), so that supervisors can compute with them."""
import io
import re

import xlsxwriter
from flask import current_app, has_request_context
from flask_babel import gettext as _

from . import report_tables
from .report_survey_sheet import write_survey_sheet
from .dashboard import BACKLOG_FIGURES, COUNT, DURATION, PERIOD_FIGURES, SHARE, TABLES, TIMES
from .report_tables import heading, hours, local_time, table, zone_abbreviation
from .spreadsheet import XLSX_DATE, XLSX_MIMETYPE, XLSX_TIME, safe_text

MIMETYPE = XLSX_MIMETYPE
MAX_LINKS = 65_530  # Excel's limit of links in one worksheet

def file_name(board):
    """laporan-helpdesk-2026-11-01-2026-11-30.xlsx"""
    return f"{report_tables.file_stem(board)}.xlsx"


def workbook_bytes(board, *, made_by, made_at):
    out = io.BytesIO()
    write_workbook(board, out, made_by=made_by, made_at=made_at)
    return out.getvalue()


def write_workbook(board, out, *, made_by, made_at):
    """Write the workbook to ``out`` (a path or a binary file). ``made_at`` is naive UTC
    (or aware); ``made_by`` names who asked for it (an e-mail address)."""
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    book.set_properties({"title": _("Helpdesk report"), "author": made_by,
                         "created": made_at})
    styles = _styles(book)
    _cover(book, styles, board, made_by, made_at)
    for name in TABLES:
        sheet, rows = _table_sheet(book, styles, board, name)
        if name == "topics" and rows:
            _topic_chart(book, sheet, len(rows))
    sheet, rows = _table_sheet(book, styles, board, "series")
    if rows:
        _series_charts(book, sheet, board, len(rows))
    _table_sheet(book, styles, board, "breaches")
    write_survey_sheet(book, styles, board, _sheet_name(_("SKM survey")))
    book.close()


def _styles(book):
    return {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "section": book.add_format({"bold": True, "font_size": 12}),
        "head": book.add_format({"bold": True, "bottom": 1, "bg_color": "#DDEBF7",
                                 "text_wrap": True, "valign": "top"}),
        "label": book.add_format({"bold": True}),
        COUNT: book.add_format({"num_format": "0"}),
        SHARE: book.add_format({"num_format": "0.0%"}),
        DURATION: book.add_format({"num_format": "0.00"}),
        "date": book.add_format({"num_format": XLSX_DATE, "align": "left"}),
        "time": book.add_format({"num_format": XLSX_TIME, "align": "left"}),
    }


def _sheet_name(title):
    """A valid, unique-enough sheet name: no []:*?/\\ and at most 31 characters."""
    return re.sub(r"[\[\]:*?/\\]", " ", str(title)).strip()[:31]


def _cover(book, styles, board, made_by, made_at):
    sheet = book.add_worksheet(_sheet_name(_("Summary")))
    sheet.set_column(0, 0, 36)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 2, 8)
    zone = board.period.zone
    sheet.write_string(0, 0, _("Helpdesk report"), styles["title"])
    row = 2

    def line(label, write, value, style=None, note=None):
        nonlocal row
        sheet.write_string(row, 0, str(label), styles["label"])
        if value is not None:
            getattr(sheet, write)(row, 1, value, style)
        if note:
            sheet.write_string(row, 2, note)
        row += 1

    def section(title):
        nonlocal row
        row += 1
        sheet.write_string(row, 0, str(title), styles["section"])
        row += 1

    made = local_time(made_at, zone)
    as_of = local_time(board.now, zone)
    line(_("From"), "write_datetime", board.period.first, styles["date"])
    line(_("To"), "write_datetime", board.period.last, styles["date"])
    line(_("Help topic"), "write_string", safe_text(board.topic_name or _("All help topics")))
    line(_("Department"), "write_string",
         safe_text(board.department_name or _("All departments")))
    line(_("Made by"), "write_string", safe_text(made_by))
    line(_("Made at"), "write_datetime", made, styles["time"], zone_abbreviation(made, zone))
    line(_("Open tickets counted at"), "write_datetime", as_of, styles["time"],
         zone_abbreviation(as_of, zone))
    section(_("Tickets in the period"))
    for key, label in PERIOD_FIGURES:
        line(label, "write_number", board.headline[key], styles[COUNT])
    section(_("Open backlog now"))
    for key, label in ((("open", _("Open now")), ("overdue", _("Overdue now")))
                       + BACKLOG_FIGURES):
        line(label, "write_number", board.headline["backlog"][key], styles[COUNT])
    section(_("Times (hours)"))
    for (kind, which), label in TIMES:
        line(label, "write_number", hours(board.times[kind][which]), styles[DURATION])
    section(_("SLA"))
    line(_("Answered in time"), "write_number", board.sla["answered_in_time"], styles[SHARE])
    line(_("Resolved in time"), "write_number", board.sla["resolved_in_time"], styles[SHARE])
    line(_("SLA breaches"), "write_number", board.sla["breach_count"], styles[COUNT])


def _table_sheet(book, styles, board, name):
    title, columns, rows = table(board, name)
    sheet = book.add_worksheet(_sheet_name(title))
    for col, column in enumerate(columns):
        label = heading(column)
        wide = 30 if column.key in ("name", "topic", "department", "assignee") else 12
        sheet.set_column(col, col, max(wide, min(len(label) + 2, 40)))
        sheet.write_string(0, col, label, styles["head"])
    sheet.freeze_panes(1, 1)
    link = _desk_links() if name == "breaches" else None
    for number, values in enumerate(rows, 1):
        for col, column in enumerate(columns):
            _write(sheet, styles, number, col, column, values.get(column.key))
        if link and number <= MAX_LINKS and (url := link(values["id"])):
            sheet.write_url(number, 0, url, string=str(values["number"]))
    if name == "breaches" and rows:  # number-like text on purpose: no green triangles
        sheet.ignore_errors({"number_stored_as_text": f"A2:A{len(rows) + 1}"})
    return sheet, rows


def _write(sheet, styles, row, col, column, value):
    if value is None:
        return
    if column.key == "day":
        sheet.write_datetime(row, col, value, styles["date"])
    elif column.key == "number":
        sheet.write_string(row, col, str(value))
    elif column.kind == DURATION:
        sheet.write_number(row, col, hours(value), styles[DURATION])
    elif column.kind in (COUNT, SHARE):
        sheet.write_number(row, col, value, styles[column.kind])
    else:
        sheet.write_string(row, col, safe_text(value))


def _desk_links():
    """``link(ticket id)``: the ticket's page in the desk; None when the site's address is
    unknown. The address is built once (url_for per row took longer than the sheet)."""
    if not (current_app.config["PUBLIC_URL"] or has_request_context()):
        return None
    from .notifications import absolute_url
    sample = absolute_url("ticket.details_view", id=0)
    prefix = sample.removesuffix("id=0")
    assert prefix != sample, sample
    return lambda ticket_id: f"{prefix}id={ticket_id}"


def _series_charts(book, sheet, board, count):
    name = sheet.get_name()
    days = [name, 1, 0, count, 0]
    per = _("Created and resolved per week") if board.weekly else _(
        "Created and resolved per day")
    flow = book.add_chart({"type": "column"})
    for col in (1, 2):
        flow.add_series({"name": [name, 0, col], "categories": days,
                         "values": [name, 1, col, count, col]})
    flow.set_title({"name": per})
    flow.set_x_axis({"num_format": "d mmm"})
    flow.set_size({"width": 720, "height": 320})
    sheet.insert_chart(1, 5, flow)
    backlog = book.add_chart({"type": "line"})
    backlog.add_series({"name": [name, 0, 3], "categories": days,
                        "values": [name, 1, 3, count, 3]})
    backlog.set_title({"name": _("Open backlog over the period")})
    backlog.set_x_axis({"num_format": "d mmm"})
    backlog.set_legend({"none": True})
    backlog.set_size({"width": 720, "height": 320})
    sheet.insert_chart(18, 5, backlog)


def _topic_chart(book, sheet, count):
    name = sheet.get_name()
    chart = book.add_chart({"type": "bar"})
    chart.add_series({"name": [name, 0, 1], "categories": [name, 1, 0, count, 0],
                      "values": [name, 1, 1, count, 1]})
    chart.set_title({"name": _("Tickets per help topic")})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True})  # the first topic on top, as in the table
    chart.set_size({"width": 600, "height": max(240, 40 * count + 80)})
    sheet.insert_chart(count + 3, 0, chart)
