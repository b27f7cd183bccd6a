"""Registration, confirmation by e-mail, sign-in, password reset (Flask-Security)."""
from urllib.parse import urlsplit

from helpdesk.models import OutboxMail, User

from conftest import PASSWORD, body_of, csrf_from, free_port, links_in, login, logout


def register(client, email="baru@contoh.id", name="Rina Baru", password=PASSWORD,
             confirm=None):
    page = client.get("/register")
    return client.post("/register", data={
        "full_name": name, "email": email, "password": password,
        "password_confirm": confirm or password, "csrf_token": csrf_from(page.text)})


def path_of(url):
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def test_register_confirm_by_mail_then_sign_in(client, mailbox):
    response = register(client)
    assert response.status_code == 302
    user = User.get(email="baru@contoh.id")
    assert user.full_name == "Rina Baru" and user.confirmed_at is None
    assert user.password.startswith("$argon2")

    refused = login(client, "baru@contoh.id")
    assert refused.status_code == 200
    assert "Alamat email Anda belum dikonfirmasi." in refused.text
    assert "melalui menu Konfirmasi akun" in refused.text  # what to do without the mail
    assert "/tickets/" not in refused.headers.get("Location", "")

    [mail] = mailbox.to("baru@contoh.id")
    assert "Rina Baru" in body_of(mail) and "Helpdesk Pusdatin Kesos" in body_of(mail)
    confirm = [link for link in links_in(mail) if "/confirm/" in link]
    assert confirm and confirm[0].startswith("http://localhost/confirm/")
    followed = client.get(path_of(confirm[0]))
    assert followed.status_code == 302
    assert User.get(email="baru@contoh.id").confirmed_at is not None

    signed_in = login(client, "baru@contoh.id")
    assert signed_in.status_code == 302
    assert client.get("/tickets/").status_code == 200


def test_registration_survives_smtp_outage_and_mail_follows(client, app, mailbox, runner):
    app.extensions["mail_dispatcher"].stop()  # only the explicit commands below send
    app.extensions["mail"].port = free_port()  # nothing listens there
    assert register(client).status_code == 302
    assert User.get(email="baru@contoh.id")
    row = OutboxMail.get(OutboxMail.recipient == "baru@contoh.id")
    assert "0 terkirim, 1 gagal" in runner.invoke(args=["send-mail"]).output
    row = OutboxMail.get_by_id(row.id)
    assert row.sent_at is None and row.attempts == 1
    assert "ConnectionRefused" in row.last_error

    app.extensions["mail"].port = mailbox.port
    OutboxMail.update(next_attempt_at=row.created_at).execute()  # retry is due now
    assert "1 terkirim, 0 gagal" in runner.invoke(args=["send-mail"]).output
    [mail] = mailbox.to("baru@contoh.id")
    assert any("/confirm/" in link for link in links_in(mail))


def test_register_refuses_bad_input_in_indonesian(client):
    response = register(client, name="", email="bukan-email", password="123", confirm="456")
    assert response.status_code == 200
    assert User.select().count() == 0
    assert "Silakan isi nama lengkap Anda." in response.text
    assert 'value="bukan-email"' in response.text  # what was typed is kept
    assert "is-invalid" in response.text


def test_duplicate_registration_makes_no_second_account(client, citizen):
    # Answered as a new registration is (no enumeration; the owner is mailed instead:
    # test_enumeration.py), but nothing is created
    response = register(client, email=citizen.email)
    assert response.status_code == 302
    assert User.select().where(User.email == citizen.email).count() == 1


def test_password_reset_by_mailed_link(client, citizen, mailbox):
    page = client.get("/reset")
    client.post("/reset", data={"email": citizen.email, "csrf_token": csrf_from(page.text)})
    [mail] = mailbox.to(citizen.email)
    link = [link for link in links_in(mail) if "/reset/" in link][0]
    form = client.get(path_of(link))
    assert form.status_code == 200
    done = client.post(path_of(link), data={
        "password": "kata-sandi-baru-9", "password_confirm": "kata-sandi-baru-9",
        "csrf_token": csrf_from(form.text)})
    assert done.status_code == 302
    assert login(client, citizen, "kata-sandi-baru-9").status_code == 302


def test_sign_out_is_a_post_with_csrf(client, citizen):
    login(client, citizen)
    page = client.get("/tickets/")
    assert client.get("/logout").status_code == 405
    client.post("/logout", data={"csrf_token": csrf_from(page.text)})
    assert client.get("/tickets/").status_code == 302


def test_change_password_tells_the_user_by_mail(client, citizen, mailbox):
    login(client, citizen)
    form = client.get("/change")
    assert form.status_code == 200
    changed = client.post("/change", data={
        "password": PASSWORD, "new_password": "sandi-baru-2026",
        "new_password_confirm": "sandi-baru-2026", "csrf_token": csrf_from(form.text)})
    assert changed.status_code == 302
    [notice] = mailbox.to(citizen.email)
    assert "kata sandi" in body_of(notice).lower()
    logout(client)
    assert login(client, citizen).status_code == 200  # the old password no longer works
    assert login(client, citizen, "sandi-baru-2026").status_code == 302


def test_change_password_refuses_a_wrong_current_password(client, citizen):
    login(client, citizen)
    form = client.get("/change")
    refused = client.post("/change", data={
        "password": "salah-sekali", "new_password": "sandi-baru-2026",
        "new_password_confirm": "sandi-baru-2026", "csrf_token": csrf_from(form.text)})
    assert refused.status_code == 200 and "is-invalid" in refused.text
    logout(client)
    assert login(client, citizen).status_code == 302
