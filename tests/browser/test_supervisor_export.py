"""Step 5: a supervisor filters the queue, exports it as XLSX and finds the ticket's row."""
import re
from datetime import datetime

from openpyxl import load_workbook
from playwright.sync_api import expect

from .people import CITIZEN, SUPERVISOR
from .steps import follow, open_ticket, visit


def test_supervisor_exports_the_filtered_queue_as_xlsx(browser, tmp_path):
    citizen = browser.open("citizen", signed_in=CITIZEN)
    number = open_ticket(citizen, "Kuota email penuh", topic="Email Kemsos")

    supervisor = browser.open("supervisor", signed_in=SUPERVISOR)
    visit(supervisor, "/admin/ticket/")
    follow(supervisor.get_by_role("link", name="Semua tiket"))
    expect(supervisor).to_have_url(re.compile("flt0_status=any"))
    supervisor.get_by_role("link", name="Tambah filter").click()
    supervisor.get_by_role("link", name="Topik bantuan", exact=True).click()
    supervisor.locator(".filters .select2-container").last.click()  # Flask-Admin's select2
    supervisor.locator(".select2-result-label", has_text="Email Kemsos").click()
    follow(supervisor.get_by_role("button", name="Terapkan"))
    rows = supervisor.locator("table.model-list tbody tr")
    expect(rows.filter(has_text=number)).to_have_count(1)
    expect(rows.filter(has_text="Aplikasi SIKS-NG")).to_have_count(0)

    supervisor.get_by_role("button", name="Ekspor").click()
    with supervisor.expect_download() as download:
        supervisor.get_by_role("link", name=re.compile("XLSX")).click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.suffix == ".xlsx"

    sheet = load_workbook(path).active
    table = [[cell.value for cell in row] for row in sheet.iter_rows()]
    heading, body = table[0], table[1:]
    assert heading[:7] == ["Nomor", "Subjek", "Pemohon", "Nama pemohon", "Topik bantuan",
                           "Unit", "Status"]
    row = dict(zip(heading, next(r for r in body if r[0] == int(number))))  # a plain number
    assert row["Subjek"] == "Kuota email penuh"
    assert row["Pemohon"] == CITIZEN.email
    assert row["Nama pemohon"] == CITIZEN.full_name
    assert row["Unit"] == "Tim Email"
    assert row["Status"] == "Terbuka"
    assert isinstance(row["Dibuat (WIB)"], datetime)  # a date cell Excel computes with
    assert {r[4] for r in body} == {"Email Kemsos"}
