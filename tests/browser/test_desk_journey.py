"""Steps 2 to 4: an agent claims and answers a citizen's ticket, the citizen follows the
e-mailed link; a transfer to another department; resolve, reopened by the citizen's "No,
it isn't", close."""
import re

from playwright.sync_api import expect

from .conftest import PHONE
from .people import AGENT, CITIZEN, DATA_AGENT
from .steps import (act, arrive, evidence, fill_sign_in, follow, mail_link, mails_about,
                    open_from_queue, open_ticket, visit)


def citizen_ticket(browser, subject):
    """A signed-in citizen's page and the number of the SIKS-NG ticket just opened there."""
    citizen = browser.open("citizen", signed_in=CITIZEN)
    return citizen, open_ticket(citizen, subject)


def test_agent_claims_and_replies_and_the_citizen_follows_the_mailed_link(browser, mailbox):
    _, number = citizen_ticket(browser, "Menu verivali tidak muncul")
    # The agent signs in at the desk's address; its home leads to the queue, where the
    # new ticket waits unassigned
    agent = browser.open("agent")
    visit(agent, "/admin/")
    fill_sign_in(agent, AGENT.email, AGENT.password)
    expect(agent.get_by_role("heading", name="Halaman Petugas")).to_be_visible()
    follow(agent.get_by_role("link", name="Buka antrean tiket"))
    row = agent.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("Menu verivali tidak muncul")
    follow(row.get_by_role("button", name=f"Ambil tiket #{number}"))
    expect(agent.get_by_role("status").first).to_contain_text(
        f"Tiket #{number} kini Anda tangani")
    expect(agent.get_by_role("row").filter(has_text=number)).to_contain_text("Agus Petugas")

    # Post Reply with a file
    open_from_queue(agent, number)
    expect(agent.locator(".ticket-assignee")).to_have_text("Agus Petugas")
    reply = agent.locator("#reply")
    reply.get_by_label("Balasan untuk pemohon").fill(
        "Menu verivali sudah kami aktifkan kembali. Panduan terlampir.")
    reply.get_by_label("Lampiran").set_input_files(evidence("panduan-verivali.pdf"))
    follow(reply.get_by_role("button", name="Kirim balasan"))
    expect(agent.locator(".thread")).to_contain_text("Menu verivali sudah kami aktifkan kembali")
    expect(agent.locator(".thread .attachments")).to_contain_text("panduan-verivali.pdf")

    # The citizen's mail, opened on a phone where nobody is signed in yet
    mail, = mails_about(mailbox, CITIZEN.email, "Menu verivali sudah kami aktifkan kembali")
    assert mail["Subject"].startswith(f"[#{number}]")
    phone = browser.open("phone", viewport=PHONE)
    visit(phone, mail_link(mail, "Lihat perkembangan tiket ini secara daring:"))
    fill_sign_in(phone, CITIZEN.email, CITIZEN.password)
    expect(phone.get_by_role("heading", level=1)).to_contain_text(number)
    answer = phone.locator(".entry-response")
    expect(answer).to_contain_text("Menu verivali sudah kami aktifkan kembali")
    expect(answer).to_contain_text("Agus Petugas")
    expect(answer.get_by_role("link", name="panduan-verivali.pdf")).to_be_visible()


def test_a_transfer_moves_the_ticket_to_the_other_department(browser, mailbox):
    _, number = citizen_ticket(browser, "Data penerima ganda")
    agent = browser.open("agent", signed_in=AGENT)
    open_from_queue(agent, number)
    act(agent, "transfer", "Pindahkan", **{
        "Pindahkan ke unit": "Tim Data Terpadu",
        "Alasan pemindahan": "Masalah data, bukan aplikasi."})
    expect(agent.locator(".thread")).to_contain_text(re.compile(
        "Tim SIKS-NG.*Tim Data Terpadu.*Agus Petugas.*Masalah data, bukan aplikasi."))

    # The agent who transferred it can read it but no longer act on it
    expect(agent.get_by_role("status").filter(has_text="Anda pernah menangani tiket ini")
           ).to_contain_text("Tim Data Terpadu")
    expect(agent.locator("#reply")).to_have_count(0)
    expect(agent.get_by_role("button", name="Ambil")).to_have_count(0)

    # The other department is alerted, finds it in its queue and acts on it
    mails_about(mailbox, DATA_AGENT.email, f"#{number}")
    data_agent = browser.open("data_agent", signed_in=DATA_AGENT)
    visit(data_agent, "/admin/ticket/")
    row = data_agent.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("Tim Data Terpadu")
    open_from_queue(data_agent, number)
    follow(data_agent.get_by_role("button", name="Ambil", exact=True))
    expect(data_agent.locator(".ticket-assignee")).to_have_text("Dodi Data")
    act(data_agent, "note", "Tambah catatan", **{
        "Catatan internal (khusus petugas)": "Cek ke dinsos kabupaten."})
    expect(data_agent.locator(".entry-note")).to_contain_text("Cek ke dinsos kabupaten.")


def test_resolved_ticket_reopens_on_the_citizens_answer_and_is_closed(browser, mailbox):
    citizen, number = citizen_ticket(browser, "Sinkronisasi offline gagal")
    agent = browser.open("agent", signed_in=AGENT)
    open_from_queue(agent, number)
    act(agent, "status", "Ubah status", **{"Status baru": "Selesai"})
    expect(agent.locator(".badge-status")).to_have_text("Selesai")

    # The citizen sees it resolved, replies, and it is open again
    visit(citizen, "/tickets/")
    row = citizen.get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text("Selesai")
    follow(row.get_by_role("link", name=f"#{number}"))
    question = citizen.locator(".resolution-question")
    expect(question).to_contain_text("Apakah masalah Anda sudah selesai?")
    question.get_by_label("Apa yang belum selesai?").fill("Masih gagal setelah dicoba ulang.")
    follow(question.get_by_role("button", name="Belum selesai"))
    expect(citizen.locator(".badge-status-open")).to_have_text("Terbuka")
    expect(citizen.locator(".thread")).to_contain_text("Masih gagal setelah dicoba ulang.")

    # The agent sees the reply and the reopening, then closes the ticket
    arrive(agent, agent.reload)
    expect(agent.locator(".badge-status")).to_have_text("Terbuka")
    expect(agent.locator(".thread")).to_contain_text("Masih gagal setelah dicoba ulang.")
    act(agent, "status", "Ubah status", **{"Status baru": "Ditutup"})
    expect(agent.locator(".badge-status")).to_have_text("Ditutup")
    arrive(citizen, citizen.reload)
    expect(citizen.locator(".badge-status-closed").first).to_have_text("Ditutup")
    expect(citizen.get_by_role("button", name="Kirim balasan")).to_have_count(0)
