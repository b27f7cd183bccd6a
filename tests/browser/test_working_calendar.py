"""An administrator makes a working calendar in the desk, adding its weekly hours and a
day off as rows of the form with the "Tambah" buttons, under the desk's policy."""
from playwright.sync_api import expect

from .people import ADMIN
from .steps import follow, visit


def test_an_administrator_adds_hours_and_a_day_off_to_a_new_calendar(browser):
    page = browser.open("admin", signed_in=ADMIN)
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: refused.append(str(error)))
    visit(page, "/admin/")
    page.get_by_role("link", name="Tingkat layanan").click()  # a javascript: menu toggle
    follow(page.get_by_role("link", name="Kalender kerja"))
    follow(page.get_by_role("link", name="Buat"))
    page.locator("#name").fill("Balai Jayapura (WIT)")
    page.locator("#zone").fill("Asia/Jayapura")

    page.get_by_role("button", name="Tambah Jam kerja").click()
    hours = page.locator("#hours .inline-field-list .inline-field").last
    hours.locator('[name$="-weekday"]').select_option(label="Senin")
    hours.locator('[name$="-start"]').fill("07:30")
    hours.locator('[name$="-end"]').fill("15:30")
    page.get_by_role("button", name="Tambah Hari libur").click()
    day = page.locator("#days .inline-field-list .inline-field").last
    day.locator('[name$="-day"]').fill("2027-03-12")
    day.locator('[name$="-name"]').fill("Cuti bersama Idul Fitri")
    day.locator('[name$="-kind"]').select_option(label="Cuti bersama")
    follow(page.get_by_role("button", name="Simpan", exact=True))

    row = page.get_by_role("row").filter(has_text="Balai Jayapura (WIT)")
    expect(row).to_contain_text("Asia/Jayapura")
    expect(row).to_contain_text("8 jam per minggu")
    expect(row.locator("td.col-days_off")).to_have_text("1")
    assert refused == []
