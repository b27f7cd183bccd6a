"""A supervisor reads last month's figures for one help topic on the dashboard, downloads
the workbook and finds the same figures in it."""
import re

from openpyxl import load_workbook
from playwright.sync_api import expect

from .last_month import TICKETS
from .people import SUPERVISOR
from .steps import follow, visit


def test_supervisor_reads_last_month_and_finds_it_in_the_workbook(browser, live, tmp_path):
    live.run("tests/browser/last_month.py")
    supervisor = browser.open("supervisor", signed_in=SUPERVISOR)
    visit(supervisor, "/admin/reports/")
    supervisor.get_by_label("Periode", exact=True).select_option(label="Bulan lalu")
    supervisor.get_by_label("Topik bantuan", exact=True).select_option(label="Data Terpadu")
    follow(supervisor.locator("#report-show"))
    expect(supervisor).to_have_url(re.compile(r"period=last_month.*topic=\d+"))
    expect(supervisor.locator("#report-period")).to_contain_text("Data Terpadu")

    created = supervisor.locator("#card-created .figure-created")
    expect(created).to_have_text(str(TICKETS["Data Terpadu"]))
    expect(supervisor.locator("#card-first_responses .figure-first_responses")).to_have_text(
        str(TICKETS["Data Terpadu"]))
    expect(supervisor.locator("#card-resolved .figure-resolved")).to_have_text("1")
    # every ticket answered two hours after it was opened
    expect(supervisor.locator("td.time-response-median")).to_have_text("2 j 0 mnt")

    with supervisor.expect_download() as download:
        supervisor.locator("#download-workbook").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    cover = load_workbook(path).worksheets[0]
    figures = {row[0].value: row[1].value for row in cover.iter_rows(min_col=1, max_col=2)
               if row[0].value}
    assert figures["Topik bantuan"] == "Data Terpadu"
    assert figures["Tiket dibuat"] == int(created.inner_text())
    assert figures["Tanggapan pertama"] == TICKETS["Data Terpadu"]
    assert figures["Median tanggapan pertama"] == 2  # hours, a number Excel computes with
