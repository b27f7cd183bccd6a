"""What people do in the browser, step by step, in the words they see (Indonesian).

Every step that loads a page goes through ``arrive`` (or ``visit`` and ``follow``, built on
it): it returns once the new page is ready, its scripts listening. Acting sooner fails at
random on a busy machine (a topic chosen before static/portal.js listens shows no
description), so the suite fails any test whose page loads without it (``watch``)."""
import re
import time

from playwright.sync_api import expect

from samples import PDF, PNG, TEXT

# static/ready.js marks <html data-ready> once the page's scripts listen; ``arrive`` marks the
# page being left ``data-left``, so that only the new page can match
READY = "html[data-ready]:not([data-left])"
ARRIVAL_TIMEOUT = 30_000  # ms: a busy machine may take a while to serve and run a page
_arriving = set()  # pages whose step is waiting for the page it loads
strays = []  # addresses loaded outside ``arrive``: see ``watch``


def arrive(page, action):
    """Do ``action``, which loads a new page in ``page`` (``page.reload``, a click on a link
    or a form's button, a key that sends a form), and wait until that page is ready."""
    page.evaluate("document.documentElement.setAttribute('data-left', '')")
    _arriving.add(page)
    try:
        action()
        expect(page.locator(READY)).to_be_attached(timeout=ARRIVAL_TIMEOUT)
    finally:
        _arriving.discard(page)


def visit(page, address):
    """Open an address of the helpdesk (``/tickets/``) or a mailed link, ready to use."""
    arrive(page, lambda: page.goto(address, wait_until="commit"))


def follow(target):
    """Click a link or a button that loads a page (sends a form), and wait until it is ready."""
    arrive(target.page, target.click)


def watch(page):
    """Note in ``strays`` every page that ``page`` loads outside ``arrive``: a step that does
    not wait until the page is ready, which the browser tests' ``browser`` fixture refuses."""
    def navigated(frame):
        if frame == page.main_frame and page not in _arriving:
            strays.append(frame.url)
    page.on("framenavigated", navigated)


def evidence(*names):
    """Files as a person picks them in the file chooser."""
    kinds = {"pdf": ("application/pdf", PDF), "png": ("image/png", PNG),
             "txt": ("text/plain", TEXT), "csv": ("text/csv", TEXT)}
    files = []
    for name in names:
        mime, data = kinds[name.rsplit(".", 1)[1]]
        files.append({"name": name, "mimeType": mime, "buffer": data})
    return files


def fill_sign_in(page, email, password):
    """Type into the sign-in form the page shows, and send it."""
    page.get_by_label("Alamat email").fill(email)
    page.get_by_label("Kata sandi", exact=True).fill(password)
    follow(page.get_by_role("button", name="Masuk", exact=True))


def sign_in(page, person):
    visit(page, "/login")
    fill_sign_in(page, person.email, person.password)
    # "Keluar" (sign out) is there, though on a phone the desk folds it into its menu
    expect(page.get_by_role("button", name="Keluar", include_hidden=True)).to_have_count(1)


def open_ticket(page, subject, topic="Aplikasi SIKS-NG", message=None, files=()):
    """Fill in and send "Buka Tiket Baru"; returns the number shown, like ``8881358``."""
    visit(page, "/")
    follow(page.get_by_role("link", name="Buka Tiket Baru").first)
    page.get_by_label("Topik bantuan").select_option(label=topic)
    page.get_by_label("Subjek").fill(subject)
    page.get_by_label("Jelaskan masalah secara rinci").fill(
        message or f"{subject}. Mohon bantuannya, terima kasih.")
    if files:
        page.get_by_label("Lampiran").set_input_files(evidence(*files))
    follow(page.get_by_role("button", name="Kirim tiket"))
    number = page.locator(".ticket-number")
    expect(number).to_have_text(re.compile(r"Ticket#\d{7}"))
    return number.inner_text().removeprefix("Ticket#")


def find_in_queue(page, number):
    """Search the staff queue for a ticket number, as an agent types it; returns its row."""
    visit(page, "/admin/ticket/")
    page.get_by_role("search").get_by_label("Cari tiket").fill(number)
    arrive(page, lambda: page.keyboard.press("Enter"))
    row = page.get_by_role("row").filter(has_text=number)
    expect(row).to_have_count(1)
    return row


def open_from_queue(page, number):
    follow(find_in_queue(page, number).get_by_role("link", name=re.compile(number)).first)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"#{number}")


def act(page, card, button, **fields):
    """Fill one action card of the desk's ticket page (by its labels) and send it."""
    form = page.locator(f"#{card}")
    for label, value in fields.items():
        control = form.get_by_label(label, exact=True)
        if control.evaluate("e => e.tagName") == "SELECT":
            control.select_option(label=value)
        else:
            control.fill(value)
    follow(form.get_by_role("button", name=button, exact=True))


def mail_link(message, text_before):
    """The address that follows ``text_before`` in a mail's plain-text body."""
    body = text_of(message)
    match = re.search(re.escape(text_before) + r"\s*(https?://\S+)", body)
    assert match, f"no link after {text_before!r} in:\n{body}"
    return match.group(1)


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def mails_about(mailbox, address, words, count=1, timeout=15):
    """Wait for ``count`` mails to ``address`` whose subject or text contains ``words``."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in mailbox.messages
                 if any(address in to for to in m.envelope_to)
                 and (words in m["Subject"] or words in text_of(m))]
        if len(found) >= count or time.monotonic() > deadline:
            assert len(found) >= count, (
                f"no mail to {address} about {words!r}; got "
                f"{[(m.envelope_to, m['Subject']) for m in mailbox.messages]}")
            return found
        time.sleep(0.1)
