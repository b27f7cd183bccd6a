"""The dashboard's downloads: the whole dashboard as an XLSX workbook, and each table as
CSV, for the same period and filters as the page (the same query string)."""
from flask import Response, abort, current_app
from flask_admin import expose
from flask_login import current_user

from helpdesk import dashboard, report_csv, report_tables, report_workbook

from . import export, headline

CSV_TABLES = (*dashboard.TABLES, "series", "breaches")


class ReportDownloads:
    """Mixed into ReportsView, whose ``selection()`` reads the period and filters."""

    @expose("/workbook.xlsx")
    def workbook(self):
        form, period, filters = self.selection()
        if form.errors:
            abort(400)
        board = dashboard.build(period, filters, now=headline.clock(), breaches=None)
        body = report_workbook.workbook_bytes(board, made_by=current_user.email, made_at=headline.clock())
        _record(board, "workbook", "xlsx", report_tables.NAMES)
        return Response(body, mimetype=report_workbook.MIMETYPE, headers={
            "Content-Disposition": f"attachment; filename={report_workbook.file_name(board)}"})

    @expose("/table/<table>.csv")  # not <name>: Flask-Admin's _handle_view takes ``name``
    def table_csv(self, table):
        if table not in CSV_TABLES:
            abort(404)
        form, period, filters = self.selection()
        if form.errors:
            abort(400)
        board = dashboard.build(period, filters, now=headline.clock(), breaches=None)
        text = report_csv.table_csv(board, table, current_app.config["REPORT_CSV_DELIMITER"])
        _record(board, table, "csv", (table,))
        return Response(text.encode("utf-8-sig"), mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename={report_csv.file_name(board, table)}"})


def _record(board, name, file_format, tables):
    """The download in the audit trail: who, which period and filters, how many rows."""
    rows = sum(len(report_tables.table(board, table)[2]) for table in tables)
    export.recorder("report", f"report:{name}", file_format)(rows)
