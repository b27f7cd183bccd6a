"""Bahasa Indonesia by default, English on request, remembered; e-mails in the user's language."""
from helpdesk.models import User

from conftest import body_of, login


def test_indonesian_is_the_default(client):
    home = client.get("/")
    assert '<html lang="id">' in home.text
    assert "Buka Tiket Baru" in home.text and "Open a New Ticket" not in home.text
    login_page = client.get("/login").text
    assert "<h1>Masuk</h1>" in login_page and "Kata sandi" in login_page


def test_lang_parameter_switches_and_is_remembered(client):
    assert "Open a New Ticket" in client.get("/?lang=en").text
    again = client.get("/login")
    assert '<html lang="en">' in again.text and "Password" in again.text
    assert "Buka Tiket Baru" in client.get("/?lang=id").text
    assert "Buka Tiket Baru" in client.get("/").text


def test_browser_language_is_used_when_nothing_was_chosen(client):
    english = client.get("/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert "Open a New Ticket" in english.text
    other = client.get("/", headers={"Accept-Language": "fr-FR"})
    assert "Buka Tiket Baru" in other.text


def test_each_request_follows_its_own_browser_language(client):
    """The answer kept for one Accept-Language is not another's."""
    english, indonesian = "Open a New Ticket", "Buka Tiket Baru"
    for header, words in [("en-US,en;q=0.9", english), ("id,en;q=0.5", indonesian),
                          ("en-US,en;q=0.9", english), ("de, en;q=0.1", english),
                          ("", indonesian), ("fr-FR", indonesian)]:
        assert words in client.get("/", headers={"Accept-Language": header}).text, header


def test_unknown_lang_is_ignored(client):
    assert "Buka Tiket Baru" in client.get("/?lang=xx").text


def test_form_errors_are_translated(client, citizen):
    login(client, citizen)
    from conftest import csrf_from
    token = csrf_from(client.get("/tickets/new").text)
    page = client.post("/tickets/new", data={"csrf_token": token, "topic": "", "subject": "",
                                             "message": ""}).text
    assert "Silakan pilih topik bantuan." in page
    assert "Silakan tulis subjek singkat." in page
    english = client.post("/tickets/new?lang=en", data={"csrf_token": token, "topic": "",
                                                        "subject": "", "message": ""}).text
    assert "Please choose a help topic." in english


def test_mail_follows_the_users_language(client, citizen, make_user, make_ticket, mailbox):
    english = make_user("tourist@example.com", locale="en")
    make_ticket(citizen)
    make_ticket(english)
    [indonesian_mail] = mailbox.to(citizen.email)
    [english_mail] = mailbox.to(english.email)
    assert "Tiket Anda telah kami terima" in indonesian_mail["Subject"]
    assert "Lihat perkembangan tiket ini secara daring" in body_of(indonesian_mail)
    assert "We received your ticket" in english_mail["Subject"]
    assert "View this ticket's progress online" in body_of(english_mail)


def test_switching_language_signed_in_changes_the_mail_language(client, citizen):
    login(client, citizen)
    client.get("/tickets/?lang=en")
    assert User.get_by_id(citizen.id).locale == "en"
