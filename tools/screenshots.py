"""Take the README's screenshots: ``make screenshots`` (or ``python tools/screenshots.py``).

Serves the helpdesk with the browser tests' people (tests/browser/people.py) and a year of
demo tickets, plays a short ticket story in Debian's Chromium and saves the pages to
docs/screenshots/. Run it again after changing the look of a page."""
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from playwright.sync_api import expect, sync_playwright  # noqa: E402

from browser.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE  # noqa: E402
from browser.live import LiveServer  # noqa: E402
from browser.people import AGENT, CITIZEN, SUPERVISOR  # noqa: E402
from browser.steps import (act, evidence, follow, open_from_queue, open_ticket,  # noqa: E402
                           sign_in, visit)

OUT = ROOT / "docs" / "screenshots"
SUBJECT = "Menu verivali tidak muncul di SIKS-NG"
MESSAGE = ("Sejak pembaruan kemarin, menu Verivali tidak muncul lagi di akun operator "
           "Kab. Bogor. Sudah dicoba keluar-masuk dan membersihkan cache peramban. "
           "Terlampir surat pengantar dan tangkapan layar.")


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="helpdesk-screens-"))
    server = LiveServer(folder)
    server.run("-m", "flask", "--app", "app", "demo-data", "--tickets", "3000", "--seed", "4")
    server.start()
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            take(chromium, server.url)
            chromium.close()
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)
    for path in sorted(OUT.glob("*.png")):
        print(path.relative_to(ROOT))


def person(chromium, url, who=None, viewport=DESKTOP):
    page = chromium.new_context(base_url=url, viewport=viewport, locale="id-ID",
                                device_scale_factor=1).new_page()
    if who:
        sign_in(page, who)
    return page


def shot(page, name, full_page=False, clip_height=None):
    """The page as seen; ``clip_height``: the whole page down to that many pixels."""
    clip = None
    if clip_height:
        full_page = True
        size = page.viewport_size
        height = min(clip_height, page.evaluate("document.documentElement.scrollHeight"))
        clip = {"x": 0, "y": 0, "width": size["width"], "height": height}
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full_page, clip=clip,
                    animations="disabled")


def take(chromium, url):
    visitor = person(chromium, url)
    visit(visitor, "/")
    shot(visitor, "portal-home")
    phone = person(chromium, url, viewport=PHONE)
    visit(phone, "/")
    shot(phone, "portal-home-phone", full_page=True)

    citizen = person(chromium, url, CITIZEN)
    visit(citizen, "/tickets/new")
    citizen.get_by_label("Topik bantuan").select_option(label="Aplikasi SIKS-NG")
    citizen.get_by_label("Subjek").fill(SUBJECT)
    citizen.get_by_label("Jelaskan masalah secara rinci").fill(MESSAGE)
    citizen.get_by_label("Lampiran").set_input_files(
        evidence("surat-pengantar.pdf", "tangkapan-layar.png"))
    shot(citizen, "portal-new-ticket", full_page=True)
    number = open_ticket(citizen, SUBJECT, message=MESSAGE,
                         files=("surat-pengantar.pdf", "tangkapan-layar.png"))

    agent = person(chromium, url, AGENT)
    visit(agent, "/admin/ticket/?flt0_status=open")
    shot(agent, "desk-queue")
    agent_phone = person(chromium, url, AGENT, viewport=PHONE)
    visit(agent_phone, "/admin/ticket/?flt0_status=open")
    agent_phone.locator(".model-list").scroll_into_view_if_needed()
    shot(agent_phone, "desk-queue-phone")
    open_from_queue(agent, number)
    follow(agent.get_by_role("button", name="Ambil", exact=True))
    act(agent, "reply", "Kirim balasan", **{
        "Balasan untuk pemohon": "Terima kasih. Hak akses Verivali akun operator Kab. Bogor "
                                 "sudah kami pulihkan; silakan masuk ulang. Panduan terlampir."})
    expect(agent.locator(".entry-response")).to_be_visible()
    shot(agent, "desk-ticket", full_page=True)

    visit(citizen, f"/tickets/{number}")
    shot(citizen, "portal-ticket", full_page=True)
    phone_citizen = person(chromium, url, CITIZEN, viewport=PHONE)
    visit(phone_citizen, "/tickets/")
    shot(phone_citizen, "portal-my-tickets-phone", full_page=True)

    supervisor = person(chromium, url, SUPERVISOR)
    visit(supervisor, "/admin/")
    shot(supervisor, "desk-home")
    visit(supervisor, "/admin/reports/?period=last_12_months")
    shot(supervisor, "desk-reports", clip_height=2400)
    supervisor_phone = person(chromium, url, SUPERVISOR, viewport=PHONE)
    visit(supervisor_phone, "/admin/reports/?period=last_month")
    shot(supervisor_phone, "desk-reports-phone", clip_height=1800)


if __name__ == "__main__":
    main()
