"""Step 1: a citizen registers, confirms the address from the e-mail, signs in and opens a
ticket with evidence, removing a wrongly chosen file before sending."""
import re
import uuid

from playwright.sync_api import expect

from .steps import evidence, fill_sign_in, follow, mail_link, mails_about, text_of, visit


def test_a_new_citizen_opens_a_ticket_with_evidence(browser, live, mailbox):
    page = browser.open("citizen")
    address = f"rina.{uuid.uuid4().hex[:8]}@contoh.id"
    password = "Sandi-Rahasia-77"

    # Register
    visit(page, "/")
    follow(page.get_by_role("link", name="Daftar").first)
    expect(page.get_by_role("heading", level=1)).to_have_text("Buat akun")
    page.get_by_label("Nama lengkap").fill("Rina Operator Kab. Bogor")
    page.get_by_label("Alamat email").fill(address)
    page.get_by_label("Kata sandi", exact=True).fill(password)
    page.get_by_label("Ketik ulang kata sandi").fill(password)
    follow(page.get_by_role("button", name="Daftar"))
    expect(page.get_by_role("alert")).to_contain_text(address)

    # Signing in before confirming is refused with the reason
    fill_sign_in(page, address, password)
    expect(page.get_by_text("Alamat email Anda belum dikonfirmasi.", exact=False)).to_be_visible()

    # Confirm by the e-mailed link, then sign in
    confirmation, = mails_about(mailbox, address, "")
    visit(page, re.search(r"https?://\S+/confirm/\S+", text_of(confirmation)).group(0))
    expect(page.get_by_role("alert")).to_contain_text("dikonfirmasi")
    fill_sign_in(page, address, password)

    # Open a New Ticket: the chosen topic's description appears
    follow(page.get_by_role("link", name="Buka Tiket Baru").first)
    description = page.locator("#topic-description")
    expect(description).to_be_hidden()
    page.get_by_label("Topik bantuan").select_option(label="Data Terpadu")
    expect(description).to_have_text(re.compile("data terpadu bantuan sosial"))
    page.get_by_label("Topik bantuan").select_option(label="Email Kemsos")
    expect(description).to_have_text(re.compile("penambahan kuota"))
    page.get_by_label("Topik bantuan").select_option(label="Data Terpadu")
    page.get_by_label("Subjek").fill("NIK tidak ditemukan di DTKS")
    page.get_by_label("Jelaskan masalah secara rinci").fill(
        "NIK 3201010101010001 atas nama Siti tidak ditemukan saat pengecekan DTKS.")

    # Three files chosen, the wrong one removed before sending
    page.get_by_label("Lampiran").set_input_files(
        evidence("surat-pengantar.pdf", "tangkapan-layar.png", "salah-pilih.txt"))
    chosen = page.locator(".chosen-files li")
    expect(chosen).to_have_count(3)
    page.get_by_role("button", name="Hapus salah-pilih.txt").click()
    expect(chosen).to_have_count(2)
    expect(page.locator(".chosen-files")).not_to_contain_text("salah-pilih.txt")
    follow(page.get_by_role("button", name="Kirim tiket"))

    # The ticket number, the deadline and the thread with the two files
    number_text = page.locator(".ticket-number")
    expect(number_text).to_have_text(re.compile(r"^Ticket#\d{7}$"))
    number = number_text.inner_text().removeprefix("Ticket#")
    expect(page.get_by_role("status")).to_contain_text(address)
    attachments = page.locator(".attachments a")
    expect(attachments).to_have_text(["surat-pengantar.pdf", "tangkapan-layar.png"])
    mail, = mails_about(mailbox, address, number)
    assert f"/tickets/{number}" in mail_link(mail, "")  # the mailed receipt links to it

    # ... and in "my tickets"
    follow(page.get_by_role("link", name="Tiket saya"))
    row = page.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("NIK tidak ditemukan di DTKS")
    expect(row).to_contain_text("Data Terpadu")
    expect(row).to_contain_text("Terbuka")
    follow(row.get_by_role("link", name=f"#{number}"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("NIK tidak ditemukan di DTKS")
