"""The desk under its Content-Security-Policy (no inline script, no inline style): an
administrator clicks through every kind of desk page (queue, filters, bulk actions, ticket
details, forms, directory, reports, outbox), on every link Flask-Admin made a
``javascript:void(0)`` (menus, tabs, pagination, filter menus), and the browser refuses
nothing on the way."""
from playwright.sync_api import expect

from .people import ADMIN, CITIZEN
from .steps import arrive, find_in_queue, follow, open_ticket, visit

VOID_LINKS = 'a[href^="javascript:"]'


def refusals_of(page):
    """Every policy refusal the browser logs on ``page``, from now on."""
    refused = []
    page.on("console", lambda message: refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text else None)
    page.on("pageerror", lambda error: refused.append(f"{page.url}: {error}"))
    return refused


def click_void_links(page):
    """Click each visible ``javascript:`` link of the page, closing what it opened."""
    links = page.locator(VOID_LINKS)
    for index in range(links.count()):
        link = links.nth(index)
        if link.is_visible():
            link.click()
            page.keyboard.press("Escape")
            page.locator("body").click(position={"x": 1, "y": 1})
    return links.count()


def add_filter(page, name):
    page.locator(".field-filters").locator("..").locator('a[data-toggle="dropdown"]').click()
    page.locator(".field-filters a.filter", has_text=name).click()
    expect(page.locator("table.filters")).to_contain_text(name)


def test_the_desk_refuses_nothing_while_an_administrator_clicks_through_it(browser):
    number = open_ticket(browser.open("citizen", signed_in=CITIZEN), "Cetak kartu gagal")
    page = browser.open("admin", signed_in=ADMIN)
    refused = refusals_of(page)
    clicked = 0

    visit(page, "/admin/")
    page.get_by_role("link", name="Direktori").click()  # a javascript: menu toggle
    follow(page.get_by_role("link", name="Pengguna", exact=True))
    clicked += click_void_links(page)
    add_filter(page, "Peran")
    page.get_by_role("button", name="Tindakan untuk yang dipilih").click()
    expect(page.get_by_role("button", name="Atur ulang verifikasi dua langkah")).to_be_visible()
    page.keyboard.press("Escape")
    follow(page.get_by_role("row").filter(has_text=ADMIN.email).locator('a[href*="/edit/"]').first)
    clicked += click_void_links(page)
    page.locator(".select2-container").first.click()  # the roles field's widget
    page.keyboard.press("Escape")

    visit(page, "/admin/department/new/")
    clicked += click_void_links(page)

    row = find_in_queue(page, number)
    clicked += click_void_links(page)
    add_filter(page, "Dibuat")
    page.locator("table.filters input.filter-val:visible").first.click()  # its date picker
    page.keyboard.press("Escape")
    follow(row.get_by_role("link").filter(has_text=number).first)
    clicked += click_void_links(page)

    visit(page, "/admin/reports/")
    clicked += click_void_links(page)
    visit(page, "/admin/outbox/")
    clicked += click_void_links(page)
    details = page.locator('a[href*="/outbox/details/"]')
    if details.count():
        follow(details.first)
        clicked += click_void_links(page)

    assert clicked >= 6  # tabs, menus and filter toggles were among them
    assert refused == []
