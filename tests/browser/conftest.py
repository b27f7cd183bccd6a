"""Fixtures of the browser tests: the helpdesk served by gunicorn on loopback (its own
database: SQLite, or a PostgreSQL database beside TEST_DATABASE_URL's), mail delivered to the
suite's SMTP sink, and Debian's Chromium driven by Playwright.

When a test fails, a screenshot and the HTML of every page it opened are saved under
``test-artifacts/browser/<database>/<test>/`` (or under ``$HELPDESK_ARTIFACTS``), with the
server's log; the failure report names the folder."""
import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright

from . import steps
from .live import PROJECT_ROOT, LiveServer, fresh_postgres_database

CHROMIUM = os.environ.get("HELPDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = (Path(os.environ.get("HELPDESK_ARTIFACTS", PROJECT_ROOT / "test-artifacts" / "browser"))
             / ("postgresql" if os.environ.get("TEST_DATABASE_URL") else "sqlite"))
PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}

expect.set_options(timeout=10_000)


@pytest.fixture(scope="session")
def live(smtp_server, tmp_path_factory):
    database_url = None
    if os.environ.get("TEST_DATABASE_URL"):
        test_url = os.environ["TEST_DATABASE_URL"]
        # beside the suite's own database, named after it: two checkouts testing on one
        # server at once (test, test_b) never share a browser database
        name = urlsplit(test_url).path.lstrip("/") or "test"
        database_url = fresh_postgres_database(test_url, f"{name}_browser")
    server = LiveServer(tmp_path_factory.mktemp("live"), smtp_server.port, database_url)
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (make test does)")
    shutil.rmtree(ARTIFACTS, ignore_errors=True)  # only this run's failures are kept
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def new_context(chromium, live, viewport=DESKTOP, locale="id-ID", **options):
    """A fresh browser profile for the live server: Indonesian unless told otherwise."""
    context = chromium.new_context(base_url=live.url, viewport=viewport, locale=locale,
                                   accept_downloads=True, **options)
    context.set_default_timeout(10_000)
    context.on("page", steps.watch)
    return context


@pytest.fixture(scope="session")
def sessions(chromium, live):
    """The cookies of people already signed in through the sign-in page, so that tests
    about something else start signed in without typing the password again."""
    known = {}

    def of(person):
        if person not in known:
            context = new_context(chromium, live)
            steps.sign_in(context.new_page(), person)
            known[person] = context.storage_state()
            context.close()
        return known[person]
    return of


@pytest.fixture
def browser(chromium, live, sessions, request):
    """``browser.open("agent")`` gives a new page in its own browser (own cookies), whose
    relative addresses go to the live server; ``signed_in=AGENT`` starts it signed in.
    Indonesian browsers unless ``locale`` says otherwise; desktop size unless ``viewport``
    says otherwise."""
    opened, offsite = {}, []

    def open_page(name="page", signed_in=None, **options):
        if signed_in:
            options["storage_state"] = sessions(signed_in)
        context = new_context(chromium, live, **options)
        context.on("request", lambda r: None if r.url.startswith((live.url, "data:", "blob:"))
                   else offsite.append(r.url))
        page = context.new_page()
        opened[name] = page
        return page

    request.node.browser_pages = opened
    yield type("Browser", (), {"open": staticmethod(open_page)})
    for page in opened.values():
        page.context.close()
    # Pages never make the browser call third parties (privacy; intranets without internet)
    assert offsite == [], f"pages fetched from outside the helpdesk: {offsite}"
    strays, steps.strays[:] = list(steps.strays), []
    assert strays == [], ("pages loaded without waiting until they were ready; load them "
                          f"with steps.visit, follow or arrive: {strays}")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    pages = getattr(item, "browser_pages", None)
    if report.when != "call" or not report.failed or not pages:
        return
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", item.nodeid.split("::", 1)[-1])
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name, page in pages.items():
        try:
            page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
            (folder / f"{name}.html").write_text(page.content())
            (folder / f"{name}.url").write_text(page.url + "\n")
        except Exception as exc:  # a closed page must not hide the test's own failure
            (folder / f"{name}.error").write_text(repr(exc))
    live_server = item.funcargs.get("live")
    if live_server:
        shutil.copy(live_server.log_path, folder / "server.log")
    report.sections.append(("browser artefacts", f"screenshots and page HTML: {folder}"))
