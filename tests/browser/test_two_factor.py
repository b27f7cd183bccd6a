"""A member of staff turns two-factor sign-in on from the desk's menu, scanning (here:
reading) the key the page shows, then signs in with the password and a code from the
authenticator app (pyotp plays the phone)."""
import re
import time

import pyotp
from playwright.sync_api import expect

from .people import GUARDED_AGENT
from .steps import fill_sign_in, follow, sign_in, visit


def phone_code(key, later=0):
    """What the authenticator app shows, ``later`` seconds from now."""
    return pyotp.TOTP(key).at(time.time() + later)


def test_an_agent_signs_in_with_a_code_from_the_authenticator_app(browser):
    page = browser.open("agent")
    sign_in(page, GUARDED_AGENT)
    visit(page, "/admin/")
    follow(page.get_by_role("link", name="Verifikasi dua langkah"))
    expect(page.get_by_label("Atur aplikasi autentikator")).to_be_checked()
    follow(page.get_by_role("button", name="Lanjutkan"))
    qr = page.get_by_role("img", name="Kode QR untuk aplikasi autentikator")
    expect(qr).to_have_attribute("src", re.compile(r"^data:image/svg\+xml;base64,"))
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")  # the policy let it in
    key = page.locator("#authr-key").inner_text().replace("-", "")
    page.get_by_label("Kode autentikasi").fill(phone_code(key))
    follow(page.get_by_role("button", name="Kirim kode"))
    expect(page.get_by_text("Verifikasi dua langkah Anda berhasil diubah.")).to_be_visible()

    follow(page.get_by_role("button", name="Keluar").first)
    visit(page, "/login")
    fill_sign_in(page, GUARDED_AGENT.email, GUARDED_AGENT.password)
    expect(page.get_by_role("heading", name="Verifikasi dua langkah")).to_be_visible()
    page.get_by_label("Kode autentikasi").fill("000000" if phone_code(key, 30) != "000000"
                                                else "111111")
    follow(page.get_by_role("button", name="Kirim kode"))
    expect(page.get_by_text("Kode tidak valid")).to_be_visible()
    page.get_by_label("Kode autentikasi").fill(phone_code(key, 30))  # the app's next code
    follow(page.get_by_role("button", name="Kirim kode"))
    visit(page, "/admin/")
    expect(page.get_by_text("Tegar Petugas")).to_be_visible()
