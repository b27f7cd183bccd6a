"""An impatient citizen clicks "Kirim tiket" again while the first sending is on its way:
the page lets the form go once (the server also knows a repeat by its one-time key), and
the button works again when the citizen comes back with the browser's Back button."""
import re
import uuid

from playwright.sync_api import expect

from .people import CITIZEN
from .steps import follow, visit

# submit events made by the test do not send the form: they show what the page's own
# handler decides (True: it stopped that sending)
SUBMIT_TWICE = """() => {
  const form = document.querySelector('.ticket-form');
  const submit = () => {
    const event = new Event('submit', {cancelable: true});
    form.dispatchEvent(event);
    return event.defaultPrevented;
  };
  return [submit(), submit(), form.querySelector('[type=submit]').ariaDisabled];
}"""
COME_BACK = "() => window.dispatchEvent(new Event('pageshow'))"


def test_a_second_click_while_sending_is_stopped(browser):
    page = browser.open("citizen", signed_in=CITIZEN)
    subject = f"Klik dua kali {uuid.uuid4().hex[:6]}"
    visit(page, "/tickets/new")
    page.get_by_label("Topik bantuan").select_option(label="Aplikasi SIKS-NG")
    page.get_by_label("Subjek").fill(subject)
    page.get_by_label("Jelaskan masalah secara rinci").fill("Tombol kirim saya klik dua kali.")

    assert page.evaluate(SUBMIT_TWICE) == [False, True, "true"]
    page.evaluate(COME_BACK)
    send = page.get_by_role("button", name="Kirim tiket")
    expect(send).to_have_attribute("aria-disabled", "false")
    follow(send)
    expect(page.locator(".ticket-number")).to_have_text(re.compile(r"Ticket#\d{7}"))
    visit(page, "/tickets/")
    expect(page.get_by_role("row").filter(has_text=subject)).to_have_count(1)
