"""The satisfaction survey: staff resolve a citizen's ticket, the citizen opens the
"resolved" e-mail on a 360 px phone and answers "Yes, close it", follows the e-mailed
survey link, answers with the keyboard alone, and a supervisor finds the response in the
dashboard's SKM panel."""
import re

from playwright.sync_api import expect

from .conftest import PHONE
from .people import AGENT, CITIZEN, SUPERVISOR
from .steps import (act, arrive, fill_sign_in, follow, mail_link, mails_about,
                    open_from_queue, open_ticket, text_of, visit)
from .test_accessibility import serious_problems

SCORES = [4, 4, 3, 4, 4, 4, 4, 3, 4]
COMMENT = "Petugas cepat tanggap, terima kasih."


def focused(page):
    return page.evaluate("""() => {
        const e = document.activeElement, style = getComputedStyle(e);
        return {name: e.name || "", value: e.value || "", tag: e.tagName,
                outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0};
    }""")


def test_citizen_rates_the_closed_ticket_on_a_phone_with_the_keyboard(browser, mailbox):
    citizen = browser.open("citizen", signed_in=CITIZEN)
    number = open_ticket(citizen, "Akun SIKS-NG terkunci")
    agent = browser.open("agent", signed_in=AGENT)
    open_from_queue(agent, number)
    act(agent, "status", "Ubah status", **{"Status baru": "Selesai"})
    expect(agent.locator(".badge-status")).to_have_text("Selesai")

    # The "resolved" e-mail, opened on a phone: "Yes, close it"
    resolved, = mails_about(mailbox, CITIZEN.email, f"[#{number}] Status tiket Anda kini")
    phone = browser.open("phone", viewport=PHONE, bypass_csp=True)  # axe is injected
    visit(phone, mail_link(resolved, "Lihat perkembangan tiket ini secara daring:"))
    fill_sign_in(phone, CITIZEN.email, CITIZEN.password)
    follow(phone.locator(".resolution-question").get_by_role("button", name="Ya, tutup"))
    expect(phone.locator(".badge-status-closed")).to_have_text("Ditutup")
    expect(phone.locator(".survey-invitation")).to_contain_text("Bagaimana layanan kami?")

    # The survey invitation's link
    mail, = mails_about(mailbox, CITIZEN.email, f"[#{number}] Bagaimana layanan kami?")
    link = re.search(r"https?://\S+/survey/\S+", text_of(mail)).group(0)
    visit(phone, link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Bagaimana layanan kami?")
    groups = phone.get_by_role("group")
    expect(groups).to_have_count(9)
    expect(groups.first).to_contain_text("Persyaratan")
    assert phone.evaluate("document.documentElement.scrollWidth - window.innerWidth") == 0
    assert serious_problems(phone) == []

    # Sent unanswered: refused, each question saying so, nothing recorded
    follow(phone.get_by_role("button", name="Kirim jawaban"))
    expect(phone.get_by_role("alert")).to_contain_text("9 pertanyaan belum dijawab")
    expect(groups.first).to_contain_text("Silakan pilih satu jawaban.")
    assert serious_problems(phone) == []

    # The keyboard alone: Tab into the first group, Space picks 1, arrows move up the scale
    for _ in range(30):
        phone.keyboard.press("Tab")
        if focused(phone)["name"].startswith("q"):
            break
    first = focused(phone)
    assert first["tag"] == "INPUT" and first["outline"], first  # the focus is visible
    for score in SCORES:
        phone.keyboard.press("Space")
        for _ in range(score - 1):
            phone.keyboard.press("ArrowDown")
        assert focused(phone)["value"] == str(score)
        phone.keyboard.press("Tab")
    assert focused(phone)["tag"] == "TEXTAREA"
    phone.keyboard.type(COMMENT)
    phone.keyboard.press("Tab")
    assert focused(phone)["tag"] == "BUTTON"
    arrive(phone, lambda: phone.keyboard.press("Enter"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Terima kasih atas jawaban Anda")

    # The link works once, and the ticket's page no longer invites
    visit(phone, link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Survei ini sudah dijawab")
    visit(phone, f"/tickets/{number}")
    expect(phone.locator(".badge-status-closed")).to_have_text("Ditutup")
    expect(phone.locator(".survey-invitation")).to_have_count(0)

    # The supervisor finds the response in the SKM panel
    supervisor = browser.open("supervisor", signed_in=SUPERVISOR)
    visit(supervisor, "/admin/reports/")
    panel = supervisor.locator("#report-survey")
    expect(panel.get_by_role("heading", level=2)).to_have_text(
        "Survei Kepuasan Masyarakat (SKM)")
    expect(panel.locator(".survey-comments")).to_contain_text(f"#{number}")
    expect(panel.locator(".survey-comments")).to_contain_text(COMMENT)
    respondents = int(panel.locator(".survey-figure-respondents").inner_text())
    assert respondents >= 1
    expect(panel.locator("#survey-elements")).to_contain_text("U3 Waktu Penyelesaian")
