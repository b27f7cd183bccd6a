"""What a person reads when an account link or a page does not work: what happened and what
to do next, in plain words, never a raw setting ("5 days"), "token" or a control character."""
import re
import time

import pytest

from conftest import csrf_from, links_in, login
from test_accounts import path_of, register

SIX_DAYS = 6 * 24 * 3600
JARGON = re.compile(r"token|within|dalam waktu|5 days|5 hari|[\x00-\x08\x0b\x0c\x0e-\x1f]",
                    re.IGNORECASE)


def flashed(client, response, **headers):
    """The messages of the page a refused link leads to."""
    assert response.status_code == 302
    page = client.get(path_of(response.headers["Location"]), headers=headers).text
    return " ".join(re.findall(r'role="alert">([^<]*)</div>', page))


def mailed_link(mailbox, address, part):
    [mail] = mailbox.to(address)
    return path_of([link for link in links_in(mail) if part in link][0])


def later(monkeypatch, seconds):
    """Flask-Security's links carry the time they were made: move the clock past it."""
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + seconds)


@pytest.mark.parametrize("lang, expected", [
    ("id", "Tautan konfirmasi ini sudah tidak berlaku. Silakan minta tautan baru melalui menu "
           "Konfirmasi akun di bawah formulir masuk"),
    ("en", "This confirmation link is no longer valid. Please ask for a new link under "
           "&#34;Confirm account&#34;")])
def test_an_expired_confirmation_link_says_how_to_get_a_new_one(client, mailbox, monkeypatch,
                                                               lang, expected):
    register(client)
    link = mailed_link(mailbox, "baru@contoh.id", "/confirm/")
    later(monkeypatch, SIX_DAYS)  # the session has expired too: the browser's language
    language = {"Accept-Language": lang}
    page = flashed(client, client.get(link, headers=language), **language)
    assert expected in page
    assert not JARGON.search(page), page


def test_a_broken_confirmation_link_says_what_to_do(client):
    page = flashed(client, client.get("/confirm/bukan-tautan-yang-benar"))
    assert "Tautan konfirmasi ini tidak dapat digunakan" in page
    assert "Buka kembali tautan dari email terakhir" in page and "menu Konfirmasi akun" in page
    assert not JARGON.search(page), page


def test_an_expired_reset_link_says_how_to_get_a_new_one(client, citizen, mailbox, monkeypatch):
    page = client.get("/reset")
    client.post("/reset", data={"email": citizen.email, "csrf_token": csrf_from(page.text)})
    link = mailed_link(mailbox, citizen.email, "/reset/")
    later(monkeypatch, SIX_DAYS)
    page = flashed(client, client.get(link))
    assert ("Tautan untuk menentukan kata sandi ini sudah tidak berlaku. Silakan minta tautan "
            "baru melalui menu Lupa kata sandi") in page
    assert not JARGON.search(page), page
    broken = flashed(client, client.get("/reset/bukan-tautan"))
    assert "tidak dapat digunakan" in broken and not JARGON.search(broken)


def test_the_length_message_is_readable(app):
    from flask_security.utils import get_message
    with app.test_request_context("/?lang=id"):
        from flask_babel import force_locale
        with force_locale("id"):
            assert get_message("INVALID_INPUT_LENGTH", length=64)[0] == \
                "Silakan isi paling banyak 64 karakter."


def test_error_pages_say_what_to_do(client, citizen):
    login(client, citizen)
    missing = client.get("/tickets/1234567")
    assert missing.status_code == 404
    assert "cari tiket Anda di menu Tiket saya" in missing.text
    wrong_method = client.delete("/tickets/new")
    assert wrong_method.status_code == 405
    assert "Halaman tidak dapat dibuka dengan cara ini" in wrong_method.text
    assert "muat ulang, lalu gunakan tombol" in wrong_method.text
