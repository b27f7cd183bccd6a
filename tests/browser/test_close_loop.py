"""A citizen checks a resolved ticket from a phone without signing in: "Cek status tiket",
the link from the e-mail, "Ya, tutup"; the agent reads who closed it."""
import re

from playwright.sync_api import expect

from .conftest import PHONE
from .people import AGENT, CITIZEN
from .steps import act, arrive, follow, mails_about, open_from_queue, open_ticket, text_of, visit


def test_a_citizen_closes_a_resolved_ticket_through_the_status_link(browser, mailbox):
    number = open_ticket(browser.open("citizen", signed_in=CITIZEN), "Cetak kartu gagal")
    agent = browser.open("agent", signed_in=AGENT)
    open_from_queue(agent, number)
    act(agent, "status", "Ubah status", **{"Status baru": "Selesai"})
    resolved, = mails_about(mailbox, CITIZEN.email, f"[#{number}] Status tiket Anda kini")
    assert "Apakah masalah Anda sudah selesai?" in text_of(resolved)

    phone = browser.open("phone", viewport=PHONE)
    visit(phone, "/")
    follow(phone.get_by_role("link", name="Cek status tiket"))
    phone.get_by_label("Nomor tiket").fill(number)
    phone.get_by_label("Alamat email Anda").fill(CITIZEN.email)
    follow(phone.get_by_role("button", name="Kirimkan tautan"))
    expect(phone.locator(".alert-info")).to_contain_text("kami telah mengirimkan tautan")

    mail, = mails_about(mailbox, CITIZEN.email, f"[#{number}] Tautan")
    visit(phone, re.search(r"https?://\S+/status/\S+", text_of(mail)).group(0))
    expect(phone.get_by_role("heading", level=1)).to_contain_text(number)
    expect(phone.locator(".resolution-question")).to_contain_text(
        "Apakah masalah Anda sudah selesai?")
    follow(phone.get_by_role("button", name="Ya, tutup"))
    expect(phone.locator(".badge-status-closed")).to_have_text("Ditutup")
    expect(phone.locator(".thread")).to_contain_text("Anda menyatakan masalahnya sudah selesai")

    arrive(agent, agent.reload)
    expect(agent.locator(".thread")).to_contain_text(
        "Ditutup oleh pemohon, yang menyatakan masalahnya sudah selesai")
