"""The steps wait until a page is ready before acting on it, and a page loaded without them
is noticed: the browser tests act as a person does, never before the page's scripts listen."""
import re

from playwright.sync_api import expect

from . import steps
from .people import CITIZEN
from .steps import follow, visit

LATE = 2_000  # ms: how late the portal's script arrives, as on a busy machine


def test_a_step_waits_until_the_page_scripts_listen(browser):
    page = browser.open("citizen", signed_in=CITIZEN)

    def late(route):
        page.wait_for_timeout(LATE)
        route.continue_()
    page.route("**/static/portal.js*", late)
    visit(page, "/")
    follow(page.get_by_role("link", name="Buka Tiket Baru").first)
    page.get_by_label("Topik bantuan").select_option(label="Data Terpadu")
    expect(page.locator("#topic-description")).to_have_text(
        re.compile("data terpadu bantuan sosial"))


def test_a_page_loaded_without_the_steps_is_noticed(browser):
    page = browser.open("citizen", signed_in=CITIZEN)
    visit(page, "/")
    assert steps.strays == []
    page.get_by_role("link", name="Tiket saya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tiket saya")
    page.goto("/tickets/new")
    noticed, steps.strays[:] = list(steps.strays), []
    assert noticed == [f"{page.url.rsplit('/', 2)[0]}/tickets/", page.url]
