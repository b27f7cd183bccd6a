"""Accessibility basics of the portal: axe-core (vendored, see vendor/README.md) finds
nothing serious or critical; every field has a label; errors are tied to their fields; a
ticket can be sent with the keyboard alone."""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import new_context
from .people import CITIZEN
from .steps import arrive, fill_sign_in, follow, open_ticket, visit

AXE = Path(__file__).with_name("vendor") / "axe.min.js"


def serious_problems(page):
    """axe-core's serious and critical violations on the page, one readable line each."""
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(" ".join(n["target"]) for n in v["nodes"])
            for v in violations if v["impact"] in ("serious", "critical")]


def send_empty(page, button):
    """Send the form as it is (the portal's forms leave checking to the server)."""
    follow(page.get_by_role("button", name=button, exact=True))
    expect(page.locator("[aria-invalid=true]").first).to_be_visible()


def wrong_password(page):
    fill_sign_in(page, CITIZEN.email, "bukan-sandinya")
    # One answer for the whole form, whichever field was wrong (no enumeration)
    expect(page.get_by_role("alert")).to_contain_text("Autentikasi gagal")


ANONYMOUS = {
    "home": ("/", None),
    "sign in": ("/login", None),
    "sign in, refused": ("/login", "wrong password"),
    "register": ("/register", None),
    "register, refused": ("/register", "Daftar"),
    "forgotten password": ("/reset", None),
    "status check": ("/status/", None),
    "status check, refused": ("/status/", "Kirimkan tautan"),
}
SIGNED_IN = {
    "home": ("/", None),
    "new ticket": ("/tickets/new", None),
    "new ticket, refused": ("/tickets/new", "Kirim tiket"),
    "my tickets": ("/tickets/", None),
    "ticket page": ("ticket", None),
    "ticket page, empty reply refused": ("ticket", "Kirim balasan"),
}


@pytest.mark.parametrize("path, refused", ANONYMOUS.values(), ids=ANONYMOUS.keys())
def test_public_pages_have_no_serious_accessibility_problem(browser, path, refused):
    page = browser.open("visitor", bypass_csp=True)  # axe is injected as a script
    visit(page, path)
    if refused == "wrong password":
        wrong_password(page)
    elif refused:
        send_empty(page, refused)
    assert serious_problems(page) == []


@pytest.fixture(scope="module")
def ticket_number(chromium, live, sessions):
    context = new_context(chromium, live, storage_state=sessions(CITIZEN))
    page = context.new_page()
    number = open_ticket(page, "Tidak bisa unggah dokumen", files=("surat.pdf",))
    context.close()
    return number


@pytest.mark.parametrize("path, refused", SIGNED_IN.values(), ids=SIGNED_IN.keys())
def test_citizen_pages_have_no_serious_accessibility_problem(browser, ticket_number, path,
                                                             refused):
    page = browser.open("citizen", bypass_csp=True, signed_in=CITIZEN)
    visit(page, f"/tickets/{ticket_number}" if path == "ticket" else path)
    if refused:
        send_empty(page, refused)
    assert serious_problems(page) == []


def expect_error_read_with(field, error):
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(re.compile(error, re.I))


def test_errors_are_tied_to_their_fields(browser):
    page = browser.open("citizen", signed_in=CITIZEN)
    visit(page, "/tickets/new")
    send_empty(page, "Kirim tiket")
    for label, error in (("Topik bantuan", "topik"), ("Subjek", "subjek"),
                         ("Jelaskan masalah secara rinci", "jelaskan")):
        expect_error_read_with(page.get_by_label(label), error)
    # The hint of the attachments field is read with it too
    expect(page.get_by_label("Lampiran")).to_have_accessible_description(re.compile("MB"))


def test_account_form_errors_are_tied_to_their_fields(browser):
    page = browser.open("visitor")
    visit(page, "/register")
    page.get_by_label("Alamat email").fill("bukan-alamat")
    page.get_by_label("Kata sandi", exact=True).fill("pendek")
    follow(page.get_by_role("button", name="Daftar", exact=True))
    expect_error_read_with(page.get_by_label("Alamat email"), "email")
    expect_error_read_with(page.get_by_label("Kata sandi", exact=True), "8")
    visit(page, "/login")
    wrong_password(page)
    expect_error_read_with(page.get_by_label("Kata sandi", exact=True), ".+")


def test_every_portal_field_has_a_label(browser, ticket_number):
    page = browser.open("citizen", signed_in=CITIZEN)
    for path in ("/tickets/new", f"/tickets/{ticket_number}", "/change"):
        visit(page, path)
        fields = page.locator("main input:not([type=hidden]):not([type=submit]), "
                              "main select, main textarea")
        assert fields.count() > 0, path
        for i in range(fields.count()):
            # (textContent: a label in a closed <details>, the ticket's closing comment, has
            # no rendered text until it is opened)
            name = fields.nth(i).evaluate(
                "e => e.labels.length ? e.labels[0].textContent : ''")
            assert name.strip(), f"{path}: field {fields.nth(i).get_attribute('name')} unlabelled"


def test_a_ticket_is_sent_with_the_keyboard_alone(browser):
    page = browser.open("keyboard")
    visit(page, "/login")
    focus_on(page, "Alamat email")
    page.keyboard.type(CITIZEN.email)
    page.keyboard.press("Tab")
    page.keyboard.type(CITIZEN.password)
    arrive(page, lambda: page.keyboard.press("Enter"))
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()

    visit(page, "/tickets/new")
    focus_on(page, "Topik bantuan")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#topic-description")).to_be_visible()
    page.keyboard.press("Tab")
    page.keyboard.type("Akun dikunci setelah salah kata sandi")
    page.keyboard.press("Tab")
    page.keyboard.type("Akun operator terkunci sejak pagi.")
    focus_on(page, "Kirim tiket")
    arrive(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator(".ticket-number")).to_have_text(re.compile(r"Ticket#\d{7}"))


def focus_on(page, name, presses=40):
    """Press Tab until the control named ``name`` has the focus, as a keyboard user does."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        focused = page.evaluate("""() => {
            const e = document.activeElement;
            return (e.labels && e.labels.length ? e.labels[0].innerText : e.innerText || '').trim();
        }""")
        if focused == name:
            return
    raise AssertionError(f"{name!r} cannot be reached with the Tab key")
