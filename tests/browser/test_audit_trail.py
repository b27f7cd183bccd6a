"""An administrator reads the audit trail: a wrong password someone typed, found from the
desk's menu with the action filter, and exported; all under the desk's policy."""
import csv
import re

from playwright.sync_api import expect

from .people import ADMIN
from .steps import fill_sign_in, follow, visit


def test_an_administrator_finds_a_failed_sign_in_and_exports_it(browser, tmp_path):
    stranger = browser.open("stranger")
    visit(stranger, "/login")
    fill_sign_in(stranger, "tamu.asing@contoh.id", "coba-coba-saja")
    expect(stranger.get_by_text("Autentikasi gagal")).to_be_visible()

    admin = browser.open("admin", signed_in=ADMIN)
    refused = []
    admin.on("console", lambda message: refused.append(message.text)
             if "Content Security Policy" in message.text else None)
    visit(admin, "/admin/")
    follow(admin.get_by_role("link", name="Jejak audit"))
    admin.get_by_role("link", name="Tambah filter").click()
    admin.get_by_role("link", name="Tindakan", exact=True).click()
    admin.locator(".filters .select2-container").last.click()  # Flask-Admin's select2
    admin.locator(".select2-result-label", has_text="Gagal masuk").click()
    follow(admin.get_by_role("button", name="Terapkan"))
    expect(admin).to_have_url(re.compile(r"flt\d+_action=sign_in_failed"))
    rows = admin.locator("table.model-list tbody tr")
    expect(rows.filter(has_text="tamu.asing@contoh.id")).to_have_count(1)
    expect(rows.filter(has_text="Gagal masuk").first).to_be_visible()
    expect(rows.filter(has_text=ADMIN.email)).to_have_count(0)  # its sign-in is filtered out

    admin.get_by_role("button", name="Ekspor").click()
    with admin.expect_download() as download:
        admin.get_by_role("link", name=re.compile("CSV")).click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    with open(path, encoding="utf-8-sig") as f:
        heading, *body = list(csv.reader(f))
    assert heading[:3] == ["Waktu (WIB)", "Oleh", "Tindakan"]
    assert any(row[1] == "tamu.asing@contoh.id" and row[2] == "Gagal masuk" for row in body)
    assert refused == []
