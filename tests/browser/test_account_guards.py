"""Where a person meets the account guards: a sign-in page refused after too many wrong
passwords, and the desk working under its Content-Security-Policy (a bulk action with its
confirmation, run from a static script, and no refused script anywhere on the way)."""
from playwright.sync_api import expect

from .people import AGENT, CITIZEN
from .steps import arrive, fill_sign_in, find_in_queue, open_ticket, visit


def test_too_many_wrong_passwords_get_a_page_that_says_to_wait(browser):
    page = browser.open("guesser")
    visit(page, "/login")
    # An address nobody uses elsewhere in the run: its limit is ten failures a quarter hour
    for _ in range(10):
        fill_sign_in(page, "penebak@contoh.id", "bukan-kata-sandinya")
        expect(page.get_by_text("Autentikasi gagal")).to_be_visible()
    fill_sign_in(page, "penebak@contoh.id", "bukan-kata-sandinya")
    expect(page.get_by_role("heading", name="Terlalu banyak permintaan")).to_be_visible()
    expect(page.get_by_text("Akun Anda tidak dikunci")).to_be_visible()


def test_a_bulk_action_on_the_desk_runs_under_its_policy(browser):
    number = open_ticket(browser.open("citizen", signed_in=CITIZEN), "Kartu tidak terbaca")
    agent = browser.open("agent", signed_in=AGENT)
    refused = []
    agent.on("console", lambda message: refused.append(message.text)
             if "Content Security Policy" in message.text else None)
    row = find_in_queue(agent, number)
    row.locator("input.action-checkbox").check()
    agent.get_by_role("button", name="Tindakan untuk yang dipilih").or_(
        agent.get_by_role("link", name="Tindakan untuk yang dipilih")).click()
    agent.once("dialog", lambda dialog: (refused.append("wrong question: " + dialog.message)
                                         if dialog.message != "Ambil tiket yang dipilih?"
                                         else None, dialog.accept()))
    arrive(agent, agent.locator(".dropdown-menu.show").get_by_text("Ambil", exact=True).click)
    expect(agent.get_by_role("row").filter(has_text=number)).to_contain_text("Agus Petugas")
    assert refused == []
