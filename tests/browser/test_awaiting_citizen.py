"""An agent asks the citizen for a letter and sets the ticket to await them ("Menunggu
pemohon"): the queue shows its clock paused, the citizen reads "Menunggu tanggapan Anda",
and their reply on the portal opens the ticket again with its resolution clock running."""
from playwright.sync_api import expect

from .people import AGENT, CITIZEN
from .steps import (act, arrive, find_in_queue, follow, mails_about, open_from_queue,
                    open_ticket, visit)


def test_the_citizens_reply_resumes_a_ticket_awaiting_them(browser, mailbox):
    citizen = browser.open("citizen", signed_in=CITIZEN)
    number = open_ticket(citizen, "Bantuan PKH belum cair")
    expect(citizen.locator(".answer-due")).to_contain_text("WIB")  # dijawab paling lambat
    agent = browser.open("agent", signed_in=AGENT)
    open_from_queue(agent, number)
    expect(agent.locator(".first-response-due")).to_contain_text("WIB")
    act(agent, "reply", "Kirim balasan", **{
        "Balasan untuk pemohon": "Mohon kirimkan surat keterangan dari desa.",
        "Status setelah dibalas": "Menunggu pemohon"})
    expect(agent.locator(".badge-status-awaiting")).to_have_text("Menunggu pemohon")
    expect(agent.locator(".resolution-due")).to_contain_text("Dijeda")
    visit(agent, "/admin/")  # the desk home's card leads to the tickets awaiting the citizen
    follow(agent.locator("a.card").filter(has_text="Menunggu pemohon"))
    expect(agent.get_by_role("row").filter(has_text=number)).to_contain_text("Dijeda")

    mails_about(mailbox, CITIZEN.email, "Menunggu tanggapan Anda")
    arrive(citizen, citizen.reload)
    expect(citizen.locator(".badge-status-awaiting")).to_have_text("Menunggu tanggapan Anda")
    expect(citizen.locator(".awaiting-note")).to_contain_text("Helpdesk menunggu tanggapan Anda")
    citizen.get_by_label("Balasan Anda").fill("Surat keterangan desa sudah saya lampirkan.")
    follow(citizen.get_by_role("button", name="Kirim balasan"))
    expect(citizen.locator(".badge-status-open")).to_have_text("Terbuka")
    expect(citizen.locator(".thread")).to_contain_text("Balasan Anda sudah diterima helpdesk")

    open_from_queue(agent, number)
    expect(agent.locator(".badge-status-open")).to_have_text("Terbuka")
    expect(agent.locator(".thread")).to_contain_text("Pemohon membalas: terbuka kembali")
    expect(agent.locator(".resolution-due")).not_to_contain_text("Dijeda")
    expect(find_in_queue(agent, number)).not_to_contain_text("Dijeda")
