"""The queue's export: exactly the tickets the queue shows (filters, search), however
many, as CSV (UTF-8 with BOM) and XLSX with real date-times in WIB and plain numbers;
citizen text never becomes a formula; the creation-date filter's days end at midnight WIB."""
import csv
import io
from datetime import datetime, timedelta

import openpyxl

from helpdesk.db import statements_run
from helpdesk.models import HelpTopic, Ticket, utcnow

from test_desk_queue import numbers_on, tickets  # noqa: F401 (a fixture)

WIB = timedelta(hours=7)


def csv_rows(response):
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")  # Excel reads UTF-8 with a BOM
    return list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))


def xlsx_sheet(response):
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.data)).active


def test_csv_holds_the_filtered_and_searched_selection(client_of, supervisor, tickets):
    created = utcnow().replace(hour=20, minute=30, second=0, microsecond=0) - timedelta(days=1)
    Ticket.update(created_at=created).where(Ticket.id == tickets["login"].id).execute()
    desk = client_of(supervisor)
    topic = HelpTopic.get(name="Aplikasi SIKS-NG").id
    url = f"/admin/ticket/export/csv/?flt0_status=open&flt1_topic={topic}&lang=en"
    heading, *rows = csv_rows(desk.get(url))
    assert heading[:3] == ["Number", "Subject", "Requester"] and "Created (WIB)" in heading
    assert {r[0] for r in rows} == {str(tickets[k].number) for k in ("login", "sync", "other")}
    _, *rows = csv_rows(desk.get(url + "&sort=0&desc=1"))  # the queue's sort: number, down
    numbers = [int(r[0]) for r in rows]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) == 3
    heading, *rows = csv_rows(desk.get(url + "&search=login"))
    assert len(rows) == 1
    row = dict(zip(heading, rows[0]))
    assert row["Number"] == str(tickets["login"].number)  # plain, no "#"
    assert row["Requester"] == "warga@contoh.id" and row["Department"] == "Tim SIKS-NG"
    assert row["Status"] == "Open" and row["Assignee"] == "" and row["Overdue"] == "no"
    assert row["Created (WIB)"] == f"{created + WIB:%Y-%m-%d %H:%M}"


def test_xlsx_has_date_cells_in_wib_and_numbers(client_of, supervisor, tickets):
    created = utcnow().replace(hour=20, minute=30, second=0, microsecond=0) - timedelta(days=1)
    Ticket.update(created_at=created).where(Ticket.id == tickets["login"].id).execute()
    sheet = xlsx_sheet(client_of(supervisor).get(
        "/admin/ticket/export/xlsx/?flt0_status=open&lang=id"))
    heading, *rows = list(sheet.iter_rows())
    titles = [c.value for c in heading]
    assert titles[:2] == ["Nomor", "Subjek"]
    assert "Dibuat (WIB)" in titles and "Tanggapan pertama (WIB)" in titles
    assert len(rows) == 4  # a supervisor sees every department's open tickets
    row = next(r for r in rows if r[0].value == tickets["login"].number)
    assert isinstance(row[0].value, int)
    when = row[titles.index("Dibuat (WIB)")]
    assert when.is_date and isinstance(when.value, datetime)
    assert abs(when.value - (created + WIB)) < timedelta(seconds=1)
    assert row[titles.index("Tanggapan pertama (WIB)")].value is None


def test_exports_never_turn_citizen_text_into_formulas(client_of, supervisor, make_user,
                                                       make_ticket):
    sly = make_user("sly@contoh.id", full_name="=HYPERLINK(\"http://evil\",\"klik\")")
    ticket = make_ticket(sly, subject="=1+2")
    make_ticket(sly, subject="@SUM(A1)")
    desk = client_of(supervisor)
    rows = csv_rows(desk.get("/admin/ticket/export/csv/?flt0_status=open"))
    row = next(r for r in rows if r[0] == str(ticket.number))
    assert row[1] == "'=1+2" and row[3].startswith("'=HYPERLINK")
    assert "'@SUM(A1)" in {r[1] for r in rows}
    sheet = xlsx_sheet(desk.get("/admin/ticket/export/xlsx/?flt0_status=open"))
    cells = next(r for r in sheet.iter_rows() if r[0].value == ticket.number)
    assert cells[1].data_type == "s" and cells[1].value == "'=1+2"
    assert cells[3].data_type == "s" and cells[3].value.startswith("'=HYPERLINK")


def test_xlsx_keeps_text_that_looks_like_markup_as_text(client_of, supervisor, make_user,
                                                       make_ticket):
    """xlsxwriter's constant-memory mode wrote text between <r> and </r> unescaped:
    such a subject made the whole workbook unreadable."""
    sly = make_user("tag@contoh.id", full_name="<r>Budi & Ani</r>")
    ticket = make_ticket(sly, subject="<r><t>Tolong</t></r>")
    sheet = xlsx_sheet(client_of(supervisor).get("/admin/ticket/export/xlsx/?flt0_status=open"))
    cells = next(r for r in sheet.iter_rows() if r[0].value == ticket.number)
    assert cells[1].value == "<r><t>Tolong</t></r>" and cells[3].value == "<r>Budi & Ani</r>"


def test_xlsx_continues_on_another_sheet_past_excels_rows(monkeypatch, client_of,
                                                           supervisor, tickets):
    monkeypatch.setattr("admin_views.export.SHEET_ROWS", 3)  # Excel's is 1,048,575
    response = client_of(supervisor).get("/admin/ticket/export/xlsx/?flt0_status=open&lang=en")
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    first, second = ([row[0] for row in sheet.iter_rows(values_only=True)]
                     for sheet in book.worksheets)
    assert first[0] == second[0] == "Number" and len(first) == 1 + 3 and len(second) == 1 + 1
    assert set(first[1:] + second[1:]) == {t.number for t in tickets.values()}


def test_admins_may_export_too(client_of, make_user, tickets):
    admin = make_user("admin@kemensos.go.id", roles=["admin"], full_name="Ade Admin")
    rows = csv_rows(client_of(admin).get("/admin/ticket/export/csv/?flt0_status=open"))
    assert len(rows) == 1 + 4


def copies(ticket, count):
    """``count`` more tickets like ``ticket`` (numbers from 1000000 up), in bulk."""
    row = {k: v for k, v in ticket.__data__.items() if k != "id"}
    rows = [dict(row, number=1_000_000 + n, submission_key=None) for n in range(count)]
    for start in range(0, count, 500):
        Ticket.insert_many(rows[start:start + 500]).execute()


def test_more_than_ten_thousand_tickets_export_in_as_many_statements_as_four(
        client_of, supervisor, tickets):
    desk = client_of(supervisor)

    def export(kind):
        with statements_run() as seen:
            response = desk.get(f"/admin/ticket/export/{kind}/?flt0_status=open")
            response.get_data()  # the CSV streams: its rows are read while it is sent
        return response, len(seen)

    desk.get("/admin/ticket/?flt0_status=open")  # warm up (session, filters)
    _, few = export("csv")
    copies(tickets["login"], 10_050)
    response, many = export("csv")
    assert len(csv_rows(response)) == 1 + 4 + 10_050
    assert many == few
    response, _ = export("xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True).active
    numbers = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(numbers) == 4 + 10_050 and 1_010_049 in numbers


def test_created_days_run_from_midnight_to_midnight_wib(client_of, supervisor, citizen,
                                                        make_ticket):
    """The days 10 and 11 March 2026, WIB = UTC+7."""
    times = {"before": datetime(2026, 3, 9, 16, 58),  # 9 March 23:58 WIB
             "first": datetime(2026, 3, 9, 17, 0),  # 10 March 00:00 WIB
             "last": datetime(2026, 3, 11, 16, 59, 59),  # 11 March 23:59:59 WIB
             "after": datetime(2026, 3, 11, 17, 0)}  # 12 March 00:00 WIB
    numbers = {}
    for name, created in times.items():
        ticket = make_ticket(citizen, subject=f"Tiket {name}")
        Ticket.update(created_at=created).where(Ticket.id == ticket.id).execute()
        numbers[name] = ticket.number
    desk = client_of(supervisor)
    url = "?flt0_status=any&flt1_created=2026-03-10+to+2026-03-11"
    assert numbers_on(desk.get(f"/admin/ticket/{url}").text) == {numbers["first"],
                                                                  numbers["last"]}
    _, *rows = csv_rows(desk.get(f"/admin/ticket/export/csv/{url}"))
    assert {int(r[0]) for r in rows} == {numbers["first"], numbers["last"]}
