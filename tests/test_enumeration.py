"""No enumeration: sign-in, registration, password reset and confirmation resend answer
alike whether or not an address has an account; registering a known address mails its
owner instead."""
import re

import pytest

from conftest import PASSWORD, body_of, csrf_from, login
from helpdesk.models import User


def _page(response):
    """What a person sees, without the form's one-time token."""
    return re.sub(r'value="[^"]{20,}"', 'value=""', response.text)


def _post(client, url, **fields):
    fields["csrf_token"] = csrf_from(client.get(url).text)
    answer = client.post(url, data=fields)
    if answer.status_code == 302:
        return answer.headers["Location"], _page(client.get(answer.headers["Location"]))
    return answer.status_code, _page(answer)


def test_sign_in_answers_alike_for_unknown_address_and_wrong_password(citizen, app):
    known = login(app.test_client(), citizen, password="salah-sekali")
    unknown = login(app.test_client(), "siapa@contoh.id", password="salah-sekali")
    assert known.status_code == unknown.status_code == 200
    assert _page(known) == _page(unknown).replace("siapa@contoh.id", "warga@contoh.id")
    assert "Autentikasi gagal" in known.text


def test_registering_a_known_address_mails_its_owner_and_answers_as_for_a_new_one(
        citizen, app, mailbox):
    fields = {"full_name": "Siapa Saja", "password": PASSWORD, "password_confirm": PASSWORD}
    new = _post(app.test_client(), "/register", email="baru@contoh.id", **fields)
    existing = _post(app.test_client(), "/register", email="warga@contoh.id", **fields)
    assert new == (new[0], new[1]) and existing[0] == new[0]
    assert existing[1] == new[1].replace("baru@contoh.id", "warga@contoh.id")
    assert User.select().where(User.email == "warga@contoh.id").count() == 1
    owner_mail = mailbox.to("warga@contoh.id")[0]
    text = body_of(owner_mail)
    assert "sudah memiliki akun" in text and "/reset/" in text


@pytest.mark.parametrize("url", ["/reset", "/confirm"])
def test_mail_forms_answer_alike_for_unknown_addresses(url, citizen, make_user, app):
    make_user("belum@contoh.id", confirmed=False)
    known = "belum@contoh.id" if url == "/confirm" else "warga@contoh.id"
    answers = [_post(app.test_client(), url, email=address)
               for address in (known, "siapa@contoh.id")]
    assert answers[0][0] == answers[1][0]
    assert answers[0][1] == answers[1][1].replace("siapa@contoh.id", known)


def test_the_right_password_learns_why_it_did_not_sign_in(make_user, app):
    make_user("belum@contoh.id", confirmed=False)
    right = login(app.test_client(), "belum@contoh.id")
    assert "Alamat email Anda belum dikonfirmasi." in right.text
    wrong = login(app.test_client(), "belum@contoh.id", password="salah-sekali")
    assert "Alamat email Anda belum dikonfirmasi." not in wrong.text and "Autentikasi gagal" in wrong.text
