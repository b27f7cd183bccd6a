"""What people do in the browser, step by step, in the words they see (Indonesian)."""
import re
import time

from playwright.sync_api import expect

from samples import PDF, PNG, TEXT


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
    page.get_by_label("Alamat Email").fill(email)
    page.get_by_label("Kata Sandi", exact=True).fill(password)
    page.get_by_role("button", name="Masuk", exact=True).click()


def sign_in(page, person):
    page.goto("/login")
    fill_sign_in(page, person.email, person.password)
    # "Keluar" (sign out) is there, though on a phone the desk folds it into its menu
    expect(page.get_by_role("button", name="Keluar", include_hidden=True)).to_have_count(1)


def open_ticket(page, subject, topic="Aplikasi SIKS-NG", message=None, files=()):
    """Fill in and send "Buat Tiket Baru"; returns the number shown, like ``8881358``."""
    page.goto("/")
    page.get_by_role("link", name="Buat Tiket Baru").first.click()
    page.get_by_label("Topik bantuan").select_option(label=topic)
    page.get_by_label("Subjek").fill(subject)
    page.get_by_label("Jelaskan masalah secara rinci").fill(
        message or f"{subject}. Mohon bantuannya, terima kasih.")
    if files:
        page.get_by_label("Lampiran").set_input_files(evidence(*files))
    page.get_by_role("button", name="Kirim tiket").click()
    number = page.locator(".ticket-number")
    expect(number).to_have_text(re.compile(r"Ticket#\d{7}"))
    return number.inner_text().removeprefix("Ticket#")


def find_in_queue(page, number):
    """Search the staff queue for a ticket number, as an agent types it; returns its row."""
    page.goto("/admin/ticket/")
    page.get_by_role("search").get_by_placeholder("Nomor, subjek, atau email").fill(number)
    page.keyboard.press("Enter")
    row = page.get_by_role("row").filter(has_text=number)
    expect(row).to_have_count(1)
    return row


def open_from_queue(page, number):
    find_in_queue(page, number).get_by_role("link", name=re.compile(number)).first.click()
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
    form.get_by_role("button", name=button, exact=True).click()


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
                 if address in m["To"] and (words in m["Subject"] or words in text_of(m))]
        if len(found) >= count or time.monotonic() > deadline:
            assert len(found) >= count, (
                f"no mail to {address} about {words!r}; got "
                f"{[(m['To'], m['Subject']) for m in mailbox.messages]}")
            return found
        time.sleep(0.1)
