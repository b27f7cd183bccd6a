"""Step 6: the same pages in Bahasa Indonesia (the default) and in English (``?lang=en``)."""
import re

import pytest
from playwright.sync_api import expect

from .people import AGENT, CITIZEN, VISITOR
from .steps import follow, visit

# page, then what a person reads there in Indonesian and in English
PORTAL = [
    ("/", "Selamat datang di Helpdesk Pusdatin Kesos", "Welcome to the Pusdatin Kesos Helpdesk"),
    ("/tickets/new", "Buka Tiket Baru", "Open a New Ticket"),
    ("/tickets/", "Tiket saya", "My tickets"),
]
DESK = [
    ("/admin/", "Halaman Petugas", "Staff desk"),
    ("/admin/ticket/", "Tiket terbuka saya", "My open tickets"),
]

# English that slipped into Indonesian pages before (issue 17), and the zone as an offset
LEAKS = re.compile(r"\b(online|offline|mobile|upgrade|Welcome|Due|Assignee|Department|"
                   r"departemen|token|Selected)\b|\+0700", re.IGNORECASE)
# the text the page shows, without what people wrote (ticket subjects link to their tickets)
OUR_TEXT = """() => {
  let text = document.body.innerText;
  document.querySelectorAll("a[href*='/tickets/'], .col-subject").forEach(e => {
    text = text.split(e.innerText).join(" ");
  });
  return text;
}"""


def switch_to(page, label):
    follow(page.get_by_role("link", name=label, exact=True))


def test_a_browser_asking_for_another_language_gets_indonesian(browser):
    page = browser.open("visitor", locale="fr-FR")
    visit(page, "/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("heading", level=1)).to_have_text(PORTAL[0][1])
    expect(page.get_by_role("link", name="Masuk")).to_be_visible()


@pytest.mark.parametrize("who, pages", [(CITIZEN, PORTAL), (AGENT, DESK)],
                         ids=["portal", "staff desk"])
def test_pages_in_indonesian_then_english(browser, who, pages):
    page = browser.open(who.role or "citizen", signed_in=who)
    for path, indonesian, english in pages:
        visit(page, path)
        expect(page.locator("html")).to_have_attribute("lang", "id")
        expect(page.get_by_text(indonesian, exact=True).first).to_be_visible()
        leak = LEAKS.search(page.evaluate(OUR_TEXT))
        assert leak is None, (path, leak.group(0))
        switch_to(page, "EN")
        expect(page).to_have_url(re.compile(r"lang=en"))
        expect(page.locator("html")).to_have_attribute("lang", "en")
        expect(page.get_by_text(english, exact=True).first).to_be_visible()
        switch_to(page, "ID")
        expect(page.locator("html")).to_have_attribute("lang", "id")


def test_english_is_remembered_across_the_ticket_journey(browser):
    page = browser.open("visitor", signed_in=VISITOR)
    visit(page, "/?lang=en")
    follow(page.get_by_role("link", name="Open a New Ticket").first)
    expect(page.get_by_label("Help topic")).to_be_visible()
    page.get_by_label("Help topic").select_option(label="Bantuan Umum")
    page.get_by_label("Subject").fill("Question about the programme")
    page.get_by_label("Describe the problem in detail").fill("When is the next distribution?")
    follow(page.get_by_role("button", name="Send ticket"))
    expect(page.get_by_text("Your ticket number is")).to_be_visible()
    expect(page.get_by_role("heading", name="Conversation")).to_be_visible()
    expect(page.locator(".badge-status-open").first).to_have_text("Open")
