"""The dashboard's downloads: the XLSX workbook (opened with openpyxl, its charts read from
the file's XML) and each table as CSV, checked against the figures of the ``history``
fixture (November 2026, see test_reports.py), and the routes that serve them."""
import csv
import io
import re
import zipfile
from datetime import datetime

import openpyxl
import pytest
from flask_babel import force_locale

from helpdesk import dashboard, report_csv, report_workbook
from helpdesk.models import HelpTopic

from report_history import NOVEMBER, NOW, wib

MADE_AT = wib(2, 12, 12, 30)  # 2 Dec 12:30 WIB
QUERY = "?period=custom&from=2026-11-01&to=2026-11-30"


def make_board(app, locale="id"):
    with app.test_request_context(), force_locale(locale):
        board = dashboard.build(NOVEMBER, now=NOW, breaches=None)
        body = report_workbook.workbook_bytes(board, made_by="supervisor@kemensos.go.id",
                                              made_at=MADE_AT)
        csvs = {(name, sep): report_csv.table_csv(board, name, sep)
                for name in ("topics", "departments", "agents", "series", "breaches")
                for sep in (";", ",")}
    return board, body, csvs


@pytest.fixture
def november(app, history):
    return make_board(app)


def cover_values(sheet):
    """{label: cell} of the cover's label/value rows."""
    return {row[0].value: row[1] for row in sheet.iter_rows(min_row=2, max_col=3)
            if row[0].value}


def table_rows(sheet):
    """{first cell's value: [cells]} below the heading row."""
    return {row[0].value: row for row in sheet.iter_rows(min_row=2)}


def test_the_cover_names_the_period_filters_maker_and_figures(november):
    board, body, _csvs = november
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["Ringkasan", "Per topik bantuan", "Per unit", "Per petugas",
                               "Lama ditangani per unit", "Per hari",
                               "Tiket melewati batas waktu", "SKM"]
    cover = book["Ringkasan"]
    assert cover["A1"].value == "Laporan helpdesk"
    values = cover_values(cover)
    assert values["Dari"].value == datetime(2026, 11, 1) and values["Dari"].is_date
    assert values["Sampai"].value == datetime(2026, 11, 30)
    assert values["Dari"].number_format == "yyyy-mm-dd"
    assert values["Topik bantuan"].value == "Semua topik bantuan"
    assert values["Dibuat oleh"].value == "supervisor@kemensos.go.id"
    made = values["Dibuat pada"]
    assert made.value == datetime(2026, 12, 2, 12, 30) and made.is_date  # WIB, not UTC
    assert made.number_format == "yyyy-mm-dd hh:mm"
    assert made.offset(column=1).value == "WIB"
    assert values["Tiket terbuka dihitung pada"].value == datetime(2026, 12, 2, 12, 0)
    figures = {label: cell.value for label, cell in values.items()
               if cell.data_type == "n" and cell.value is not None and not cell.is_date}
    assert figures == {
        "Tiket dibuat": 7, "Tanggapan pertama": 5, "Selesai": 4, "Ditutup": 1,
        "Dibuka kembali": 1, "Dipindahkan": 1, "Terbuka saat ini": 6,
        "Terlambat saat ini": 3, "Terbuka kurang dari 1 hari": 1,
        "Terbuka 1 sampai 2 hari": 2, "Terbuka 2 sampai 7 hari": 1,
        "Terbuka lebih dari 7 hari": 2, "Ditutup oleh pemohon": 0, "Ditutup otomatis": 0,
        "Dibuka kembali oleh pemohon": 1, "Median tanggapan pertama": 3,
        "Persentil ke-90 tanggapan pertama": pytest.approx(5.2),
        "Median penyelesaian": 25, "Persentil ke-90 penyelesaian": pytest.approx(51),
        "Dijawab tepat waktu": pytest.approx(5 / 7), "Selesai tepat waktu": 0.5,
        "Tiket melewati batas waktu": 3}
    assert values["Median tanggapan pertama"].number_format == "0.00"
    assert values["Dijawab tepat waktu"].number_format == "0.0%"
    assert report_workbook.file_name(board) == "laporan-helpdesk-2026-11-01-2026-11-30.xlsx"


def test_each_table_has_numbers_shares_and_hours(november):
    _board, body, _csvs = november
    book = openpyxl.load_workbook(io.BytesIO(body))
    topics = book["Per topik bantuan"]
    assert [c.value for c in topics[1]] == [
        "Topik bantuan", "Dibuat", "Selesai", "Median tanggapan pertama (jam)",
        "Median penyelesaian (jam)", "Dijawab tepat waktu (%)", "Selesai tepat waktu (%)",
        "Terbuka saat ini", "Ditutup oleh pemohon", "Ditutup otomatis",
        "Dibuka kembali oleh pemohon"]
    assert topics.freeze_panes == "B2"
    assert topics.column_dimensions["A"].width > 20
    rows = table_rows(topics)
    siks = [c.value for c in rows["Aplikasi SIKS-NG"]]
    assert siks == ["Aplikasi SIKS-NG", 5, 4, 2.5, 25, 0.8, 0.75, 4, 0, 0, 1]
    assert [c.value for c in rows["Data Terpadu"]] == ["Data Terpadu", 2, 0, 6, None, 0.5, 0, 2,
                                                       0, 0, 0]
    cells = rows["Aplikasi SIKS-NG"]
    assert [c.number_format for c in cells[1:]] == ["0", "0", "0.00", "0.00", "0.0%", "0.0%",
                                                   "0", "0", "0", "0"]
    departments = table_rows(book["Per unit"])
    assert [c.value for c in departments["Tim SIKS-NG"]] == [
        "Tim SIKS-NG", 6, 4, 3, 25, pytest.approx(5 / 6), pytest.approx(0.6), 5, 1, 0, 0, 0, 1]
    assert [c.value for c in departments["Tim Data Terpadu"]][-5:] == [0, 1, 0, 0, 0]
    agents = table_rows(book["Per petugas"])
    assert [c.value for c in agents["Petugas"]] == [
        "Petugas", 3, 3, 2, 20, 1, pytest.approx(2 / 3), 1]
    assert [c.value for c in agents["Rina Rekan"]][:5] == ["Rina Rekan", 1, 1, 3, 30]
    held = book["Lama ditangani per unit"]  # hours (see test_reports.py)
    assert [c.value for c in held[1]] == [
        "Unit", "Tiket ditangani", "Waktu kerja ditangani (jam)",
        "Waktu kerja per tiket ditangani (jam)", "Waktu kalender ditangani (jam)"]
    assert [c.value for c in table_rows(held)["Tim SIKS-NG"]] == [
        "Tim SIKS-NG", 5, 38, pytest.approx(7.6), 113]


def test_the_series_has_a_date_per_day(november):
    _board, body, _csvs = november
    sheet = openpyxl.load_workbook(io.BytesIO(body))["Per hari"]
    assert [c.value for c in sheet[1]][:4] == ["Hari", "Dibuat", "Selesai", "Tiket terbuka"]
    assert sheet.max_row == 31
    first = sheet["A2"]
    assert first.value == datetime(2026, 11, 1) and first.is_date
    assert first.number_format == "yyyy-mm-dd"
    rows = table_rows(sheet)
    assert [c.value for c in rows[datetime(2026, 11, 1)]][:4] == [
        datetime(2026, 11, 1), 2, 1, 2]
    assert [c.value for c in rows[datetime(2026, 11, 30)]][:4] == [
        datetime(2026, 11, 30), 1, 0, 4]


def test_breaches_have_plain_numbers_linking_to_the_desk(november, history):
    _board, body, _csvs = november
    sheet = openpyxl.load_workbook(io.BytesIO(body))["Tiket melewati batas waktu"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert rows == [
        [str(history["T5"].number), "Data Terpadu", "Tim SIKS-NG", None, pytest.approx(600)],
        [str(history["T9"].number), "Data Terpadu", "Tim Data Terpadu", None,
         pytest.approx(74)],
        [str(history["T4"].number), "Aplikasi SIKS-NG", "Tim SIKS-NG", "Petugas",
         pytest.approx(12)]]
    assert sheet["A2"].data_type == "s" and not rows[0][0].startswith("#")
    assert sheet["A2"].hyperlink.target == (
        f"http://localhost/admin/ticket/details/?id={history['T5'].id}")
    assert sheet["E2"].number_format == "0.00"


def chart_kinds(body):
    """{kind: the sheet ranges its series read} of each chart in the workbook."""
    kinds = {}
    with zipfile.ZipFile(io.BytesIO(body)) as package:
        for name in package.namelist():
            if not re.fullmatch(r"xl/charts/chart\d+\.xml", name):
                continue
            xml = package.read(name).decode()
            if "<c:lineChart>" in xml:
                kind = "line"
            else:
                kind = re.search(r'<c:barDir val="(\w+)"/>', xml).group(1)  # col or bar
            kinds[kind] = re.findall(r"<c:f>([^<]+)</c:f>", xml)
    return kinds


def test_native_charts_for_the_series_backlog_and_topics(november):
    _board, body, _csvs = november
    kinds = chart_kinds(body)
    assert set(kinds) == {"col", "line", "bar"}
    assert "'Per hari'!$B$2:$B$31" in kinds["col"] and "'Per hari'!$C$2:$C$31" in kinds["col"]
    assert "'Per hari'!$D$2:$D$31" in kinds["line"]
    assert "'Per topik bantuan'!$A$2:$A$3" in kinds["bar"]
    assert "'Per topik bantuan'!$B$2:$B$3" in kinds["bar"]


def test_in_english_with_a_filter(app, history):
    HelpTopic.update(name="=HYPERLINK(\"http://x\")").where(
        HelpTopic.name == "Data Terpadu").execute()
    with app.app_context():
        topic = HelpTopic.get(name="=HYPERLINK(\"http://x\")")
    with app.test_request_context(), force_locale("en"):
        board = dashboard.build(NOVEMBER, dashboard.Filters(topic=topic.id), now=NOW)
        body = report_workbook.workbook_bytes(board, made_by="=cmd@x.id", made_at=MADE_AT)
        text = report_csv.table_csv(board, "topics", ",")
    book = openpyxl.load_workbook(io.BytesIO(body))
    assert book.sheetnames[:2] == ["Summary", "By help topic"]
    values = cover_values(book["Summary"])
    assert values["Help topic"].value == "'=HYPERLINK(\"http://x\")"
    assert values["Help topic"].data_type == "s"
    assert values["Made by"].value == "'=cmd@x.id"
    assert values["Tickets created"].value == 2
    assert book["By help topic"]["A2"].value == "'=HYPERLINK(\"http://x\")"
    assert book["By help topic"]["D1"].value == "Median first response (hours)"
    assert list(csv.reader(io.StringIO(text)))[1][0] == "'=HYPERLINK(\"http://x\")"


def parsed(text, delimiter):
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_csv_with_a_decimal_comma_after_semicolons(november):
    board, _body, csvs = november
    topics = parsed(csvs["topics", ";"], ";")
    assert topics[0] == ["Topik bantuan", "Dibuat", "Selesai", "Median tanggapan pertama (jam)",
                         "Median penyelesaian (jam)", "Dijawab tepat waktu (%)",
                         "Selesai tepat waktu (%)", "Terbuka saat ini", "Ditutup oleh pemohon",
                         "Ditutup otomatis", "Dibuka kembali oleh pemohon"]
    assert topics[1:] == [["Aplikasi SIKS-NG", "5", "4", "2,5", "25", "80", "75", "4", "0", "0",
                           "1"],
                          ["Data Terpadu", "2", "0", "6", "", "50", "0", "2", "0", "0", "0"]]
    agents = parsed(csvs["agents", ";"], ";")
    assert agents[1] == ["Petugas", "3", "3", "2", "20", "100", "66,67", "1"]
    series = parsed(csvs["series", ";"], ";")
    assert series[1] == ["2026-11-01", "2", "1", "2"] and len(series) == 31
    assert report_csv.file_name(board, "topics") == (
        "laporan-helpdesk-topik-2026-11-01-2026-11-30.csv")


def test_csv_with_a_decimal_point_after_commas(november, history):
    _board, _body, csvs = november
    departments = {row[0]: row for row in parsed(csvs["departments", ","], ",")}
    assert departments["Tim SIKS-NG"] == ["Tim SIKS-NG", "6", "4", "3", "25", "83.33", "60", "5", "1",
                                          "0", "0", "0", "1"]
    breaches = parsed(csvs["breaches", ","], ",")
    assert breaches[0][-1] == "Terlambat (jam)"
    assert breaches[1:] == [
        [str(history["T5"].number), "Data Terpadu", "Tim SIKS-NG", "", "600"],
        [str(history["T9"].number), "Data Terpadu", "Tim Data Terpadu", "", "74"],
        [str(history["T4"].number), "Aplikasi SIKS-NG", "Tim SIKS-NG", "Petugas", "12"]]
    times = parsed(csvs["topics", ","], ",")
    assert times[1][3] == "2.5"


# --- the routes ------------------------------------------------------------------------

def test_a_supervisor_downloads_the_workbook(supervisor, client_of, history):
    response = client_of(supervisor).get("/admin/reports/workbook.xlsx" + QUERY)
    assert response.status_code == 200
    assert response.mimetype == report_workbook.MIMETYPE
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=laporan-helpdesk-2026-11-01-2026-11-30.xlsx")
    cover = openpyxl.load_workbook(io.BytesIO(response.data)).worksheets[0]
    values = cover_values(cover)
    assert values["Tiket dibuat"].value == 7
    assert values["Dibuat oleh"].value == "supervisor@kemensos.go.id"


def test_a_supervisor_downloads_a_table_as_csv(supervisor, client_of, history):
    response = client_of(supervisor).get("/admin/reports/table/topics.csv" + QUERY)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=laporan-helpdesk-topik-2026-11-01-2026-11-30.csv")
    assert response.data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    rows = parsed(response.data.decode("utf-8-sig"), ";")
    assert rows[1][:3] == ["Aplikasi SIKS-NG", "5", "4"]
    assert client_of(supervisor).get("/admin/reports/table/secrets.csv").status_code == 404


@pytest.mark.parametrize("url", ["/admin/reports/workbook.xlsx" + QUERY,
                                 "/admin/reports/table/agents.csv" + QUERY])
def test_agents_may_not_download(agent, client_of, url):
    assert client_of(agent).get(url).status_code == 403


def test_a_long_period_goes_by_week(app, history):
    half_year = dashboard.Period(NOVEMBER.first.replace(month=6), NOVEMBER.last)
    with app.test_request_context():
        board = dashboard.build(half_year, now=NOW)
        body = report_workbook.workbook_bytes(board, made_by="s@x.id", made_at=MADE_AT)
        text = report_csv.table_csv(board, "series", ";")
    sheet = openpyxl.load_workbook(io.BytesIO(body))["Per minggu"]
    assert sheet["A1"].value == "Minggu mulai"
    rows = table_rows(sheet)
    assert all(day.weekday() == 0 for day in rows)
    assert [c.value for c in rows[datetime(2026, 10, 26)]][1:4] == [3, 1, 2]
    assert parsed(text, ";")[0][0] == "Minggu mulai"
    assert report_csv.file_name(board, "series") == (
        "laporan-helpdesk-mingguan-2026-06-01-2026-11-30.csv")
