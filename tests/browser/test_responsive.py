"""The portal on a 360 px phone and on a desktop: no sideways scrolling, every form control
inside the screen and wide enough to use, the ticket table readable; the staff desk's queue
and ticket page usable on both."""
import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, new_context
from .people import AGENT, CITIZEN
from .steps import follow, open_ticket, visit

SIZES = {"phone": PHONE, "desktop": DESKTOP}
LONG_SUBJECT = ("Permohonan perbaikan data penerima bantuan sosial di Kelurahan "
                "Sukamaju_Kecamatan_Cibinong_Kabupaten_Bogor_yang_tidak_sesuai")

PORTAL_PUBLIC = ["/", "/login", "/register", "/reset"]
PORTAL_CITIZEN = ["/", "/tickets/new", "/tickets/", "ticket"]


def sideways_overflow(page):
    """How many pixels the page is wider than the screen (0 when nothing scrolls sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def controls_outside_or_cramped(page):
    """Visible form controls that stick out of the screen, or text boxes under 200 px."""
    return page.evaluate("""() => {
        const width = window.innerWidth, bad = [];
        document.querySelectorAll('main input:not([type=hidden]), main select, main textarea, main button')
          .forEach(e => {
            const r = e.getBoundingClientRect();
            if (!r.width) return;  // not shown
            const text = e.matches('input:not([type=checkbox]):not([type=file]):not([type=submit]), select, textarea');
            if (r.left < 0 || r.right > width || (text && r.width < Math.min(200, width - 40)))
              bad.push(`${e.name || e.id || e.innerText}: ${Math.round(r.left)}..${Math.round(r.right)}`);
          });
        return bad;
    }""")


@pytest.fixture(scope="module")
def long_ticket(chromium, live, sessions):
    context = new_context(chromium, live, storage_state=sessions(CITIZEN))
    number = open_ticket(context.new_page(), LONG_SUBJECT, files=("surat-pengantar-kelurahan.pdf",))
    context.close()
    return number


@pytest.mark.parametrize("size", SIZES, ids=SIZES)
def test_public_pages_fit_the_screen(browser, size):
    page = browser.open("visitor", viewport=SIZES[size])
    for path in PORTAL_PUBLIC:
        visit(page, path)
        assert sideways_overflow(page) <= 0, path
        assert controls_outside_or_cramped(page) == [], path


@pytest.mark.parametrize("size", SIZES, ids=SIZES)
def test_citizen_pages_fit_the_screen(browser, long_ticket, size):
    page = browser.open("citizen", viewport=SIZES[size], signed_in=CITIZEN)
    for path in PORTAL_CITIZEN:
        visit(page, f"/tickets/{long_ticket}" if path == "ticket" else path)
        assert sideways_overflow(page) <= 0, path
        assert controls_outside_or_cramped(page) == [], path


@pytest.mark.parametrize("size", SIZES, ids=SIZES)
def test_my_tickets_table_is_readable(browser, long_ticket, size):
    page = browser.open("citizen", viewport=SIZES[size], signed_in=CITIZEN)
    visit(page, "/tickets/")
    row = page.get_by_role("row").filter(has_text=long_ticket)
    for text in (f"#{long_ticket}", "Sukamaju", "Aplikasi SIKS-NG", "Terbuka"):
        expect(row.get_by_text(text).first).to_be_in_viewport()
    # Every cell shows all of its text, inside the screen
    clipped = row.locator("td").evaluate_all("""cells => cells.filter(c => {
        const r = c.getBoundingClientRect();
        return c.scrollWidth > c.clientWidth + 1 || r.right > window.innerWidth;
    }).map(c => c.innerText)""")
    assert clipped == []
    if size == "phone":  # each value says what it is, as the column headings are hidden
        expect(row.locator("td").nth(2)).to_have_css("display", "flex")
        assert row.locator("td").nth(2).evaluate(
            "c => getComputedStyle(c, '::before').content") == '"Topik bantuan"'


@pytest.mark.parametrize("size", SIZES, ids=SIZES)
def test_staff_desk_queue_and_ticket_page_are_usable(browser, long_ticket, size):
    page = browser.open("agent", viewport=SIZES[size], signed_in=AGENT)
    visit(page, f"/admin/ticket/?flt0_status=open&search={long_ticket}")
    assert sideways_overflow(page) <= 0
    # The queue fits without scrolling inside its table: on a phone it keeps the number,
    # subject, status, due time and the Claim button
    table = page.locator(".table-responsive")
    assert table.evaluate("t => t.scrollWidth - t.clientWidth") <= 0
    row = page.get_by_role("row").filter(has_text=long_ticket)
    row.scroll_into_view_if_needed()
    for text in (f"#{long_ticket}", "Sukamaju", "Terbuka", "Ambil"):
        expect(row.get_by_text(text).first).to_be_in_viewport()
    link = row.get_by_role("link", name=f"#{long_ticket}")
    follow(link)
    expect(page.get_by_role("heading", level=1)).to_contain_text(long_ticket)
    assert sideways_overflow(page) <= 0
    assert controls_outside_or_cramped(page) == []
