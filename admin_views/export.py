"""The queue's export, however many tickets it selects: CSV streamed row by row, XLSX
written in constant memory to a temporary file. Rows are read from the database as they
are written (a server-side cursor on PostgreSQL), so the worker's memory does not grow with
the selection. Times are real date-times in WIB, ticket numbers plain numbers, and text
a citizen typed never becomes a formula."""
import csv
import tempfile
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import xlsxwriter
from flask import Response, request, send_file, stream_with_context
from flask_babel import get_timezone, gettext as _
from flask_login import current_user
from peewee import PostgresqlDatabase, __exception_wrapper__

from helpdesk import audit
from helpdesk.models import Department, HelpTopic, Ticket, TicketStatus, User
from helpdesk.spreadsheet import XLSX_MIMETYPE, XLSX_TIME, safe_text as cell
from helpdesk.xlsx_rows import RowsSheet

BATCH = 2000  # rows fetched from the database at a time
SHEET_ROWS = 1_048_575  # tickets per XLSX sheet: Excel's rows, less the headings


Requester = User.alias("requester")
Assignee = User.alias("assignee")


def _columns(yes, no):
    """Each exported column: the values it selects (the queue's query already joins the
    requester, topic, department and assignee) and how they make the cell."""
    labels = {status: str(label) for status, label in TicketStatus.LABELS.items()}
    same = (lambda value: value)
    return {
        "number": ((Ticket.number,), same),
        "subject": ((Ticket.subject,), cell),
        "requester": ((Requester.email,), cell),
        "requester_name": ((Requester.full_name, Requester.email),
                           lambda name, email: cell(name or email)),  # as User.__str__
        "assignee": ((Assignee.email,), lambda email: email or ""),
        "topic": ((HelpTopic.name,), same),
        "department": ((Department.name,), same),
        "status": ((Ticket.status,), lambda status: labels.get(status, status)),
        "overdue": ((Ticket.overdue,), lambda overdue: yes if overdue else no),
    }


def rows(query, names):
    """Each ticket of ``query`` as a list of cell values, times as naive WIB date-times.
    Only the exported columns are selected, and read as plain tuples: building models
    would cost more than writing the file."""
    zone = ZoneInfo(str(get_timezone()))
    columns = _columns(_("yes"), _("no"))
    selected, makers = [], []
    for name in names:
        fields, make = columns.get(name) or ((getattr(Ticket, name),), in_zone(zone))
        at = len(selected)
        selected.extend(fields)
        makers.append((make, at, at + len(fields)))
    for row in stream(query.select(*selected)):
        yield [make(*row[start:end]) for make, start, end in makers]


def in_zone(zone):
    """Naive UTC (text on SQLite) to naive local time. The offset is looked up once per
    day, and exactly for the rare day whose offset changes (a daylight-saving zone)."""
    offsets = {}

    def offset_at(value):
        return value.replace(tzinfo=timezone.utc).astimezone(zone).utcoffset()

    def offset_on(value):
        day = value.toordinal()
        if day not in offsets:
            start = datetime.fromordinal(day)
            first, last = offset_at(start), offset_at(start + timedelta(days=1))
            offsets[day] = first if first == last else None
        offset = offsets[day]
        return offset_at(value) if offset is None else offset

    def local(value):
        if value is None:
            return None
        if isinstance(value, str):  # SQLite keeps text
            value = datetime.fromisoformat(value)
        return value + offset_on(value)
    return local


def stream(query):
    """The query's raw rows one at a time. psycopg2 would fetch the whole result first,
    so PostgreSQL reads through a named (server-side) cursor, ``BATCH`` rows at a time."""
    database = query.model._meta.database
    database = getattr(database, "obj", database)
    sql, params = query.sql()
    if isinstance(database, PostgresqlDatabase):
        cursor = database._adapter.server_side_cursor(database.connection())
        with __exception_wrapper__:
            cursor.execute(sql, params)
    else:
        cursor = database.execute_sql(sql, params)
    try:
        while batch := cursor.fetchmany(BATCH):
            yield from batch
    finally:
        cursor.close()


class _Echo:
    """A file that hands back what is written, for csv.writer in a generator."""

    def write(self, value):
        return value


def _is_time(name):
    return name == "at" or name.endswith("_at")


def csv_response(query, columns, filename, counted=lambda rows: None, make_rows=rows):
    """``counted(rows)`` is called once the stream ends (or the client left), with the
    number of rows sent. ``make_rows(query, names)`` gives each row's cells (the
    tickets' by default)."""
    names = [name for name, _label in columns]
    times = [i for i, name in enumerate(names) if _is_time(name)]

    def generate():
        writer = csv.writer(_Echo())
        yield "\ufeff" + writer.writerow([str(label) for _name, label in columns])
        chunk, sent = [], 0
        try:
            for values in make_rows(query, names):
                for i in times:
                    if values[i] is not None:
                        values[i] = values[i].isoformat(" ", "minutes")  # 2026-03-10 08:30
                chunk.append(writer.writerow(values))
                if len(chunk) == 500:
                    yield "".join(chunk)
                    sent += len(chunk)
                    chunk = []
            yield "".join(chunk)
            sent += len(chunk)
        finally:
            counted(sent)

    return Response(stream_with_context(generate()), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename={filename}"})


def xlsx_response(query, columns, filename, counted=lambda rows: None, make_rows=rows):
    """One sheet per ``SHEET_ROWS`` tickets (Excel's limit), each with the headings;
    ``counted(rows)`` is told how many tickets the file holds."""
    names = [name for name, _label in columns]
    spool = tempfile.TemporaryFile()
    book = xlsxwriter.Workbook(spool, {"constant_memory": True, "in_memory": False})
    when = book.add_format({"num_format": XLSX_TIME})
    sheet, row, total = None, SHEET_ROWS, 0
    for total, values in enumerate(make_rows(query, names), 1):
        if row == SHEET_ROWS:
            _finish(sheet, row, len(names))
            sheet, row = _new_sheet(book, columns), 0
        row += 1
        sheet.write_cells(row, values, when)
    if sheet is None:  # no ticket: the headings alone
        sheet, row = _new_sheet(book, columns), 0
    _finish(sheet, row, len(names))
    book.close()
    counted(total)
    spool.seek(0)
    return send_file(spool, as_attachment=True, download_name=filename,
                     mimetype=XLSX_MIMETYPE)


def _new_sheet(book, columns):
    sheet = book.add_worksheet(worksheet_class=RowsSheet)
    sheet.write_row(0, 0, [str(label) for _name, label in columns])
    sheet.set_column(0, len(columns) - 1, 18)
    return sheet


def _finish(sheet, rows_written, width):
    if sheet is not None:
        sheet.autofilter(0, 0, rows_written, width - 1)


def recorder(kind, name, export_type):
    """What records an export in the audit trail once its rows are counted: who, the
    list's filters, search and sort as the address gave them, the format and the rows."""
    user = current_user._get_current_object()
    query = [[key, value] for key, value in request.args.items(multi=True)]
    address = audit.client_address()  # read now: a stream may end after the request

    def counted(rows):
        audit.record("export", by=user, kind=kind, address=address, details={
            "export": name, "format": export_type, "query": query, "rows": rows})
    return counted


def filename(name, extension):
    return f"{name}_{time.strftime('%Y-%m-%d_%H-%M-%S')}.{extension}"
