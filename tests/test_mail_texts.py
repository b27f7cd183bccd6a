"""Every kind of e-mail, in Indonesian and in English, reads like a public service's letter:
"Yth. Bapak/Ibu …," ("Dear …,"), a subject that says what happened, what happens next (and by
when), that the mail is automatic and how to answer, and "Hormat kami," with the sender."""
import re
from datetime import date

import pytest

from helpdesk import lifecycle, notifications
from helpdesk.dashboard import build
from helpdesk.models import OutboxMail
from helpdesk.reports import Period

from conftest import PASSWORD, csrf_from, login
from report_history import NOW
from test_directory import admin, as_admin, submit, user_form  # noqa: F401 (fixtures)

WORDS = {
    "id": {"greeting": "Yth. Bapak/Ibu {name},", "closing": "Hormat kami,",
           "ministry": "Kementerian Sosial Republik Indonesia",
           "automatic": "Email ini dikirim (secara )?otomatis",
           "time": r"\d{1,2} \w{3} \d{4}, \d\d\.\d\d WIB"},
    "en": {"greeting": "Dear {name},", "closing": "Kind regards,",
           "ministry": "Ministry of Social Affairs of the Republic of Indonesia",
           "automatic": "This e-mail (was sent automatically|is automatic)",
           "time": r"\d{1,2} \w{3} \d{4}, \d\d:\d\d WIB"},
}
LANGUAGES = sorted(WORDS)


def last_mail(address):
    return OutboxMail.select().where(OutboxMail.recipient == address) \
        .order_by(OutboxMail.id.desc()).first()


def check_letter(mail, lang, name, sender=None):
    """Greeting, closing with the sender, and the automatic note, in both parts."""
    words = WORDS[lang]
    for body in (mail.body_text, re.sub(r"<[^>]+>", "\n", mail.body_html)):
        assert words["greeting"].format(name=name) in body, body
        closing = body[body.index(words["closing"]):]
        assert "Helpdesk Pusdatin Kesos" in closing and words["ministry"] in closing
        if sender:
            assert str(sender) in closing
        assert re.search(words["automatic"], body)
        assert "+0700" not in body
        assert lang == "en" or not re.search(r"\b(online|e-mail)\b", body), body


@pytest.fixture
def people(make_user):
    return {lang: make_user(f"warga.{lang}@contoh.id", full_name=f"Warga {lang.upper()}",
                            locale=lang) for lang in LANGUAGES}


@pytest.fixture
def staff(make_user):
    return {lang: make_user(f"petugas.{lang}@contoh.id", roles=("agent",),
                            departments=("Tim SIKS-NG",), full_name=f"Petugas {lang.upper()}",
                            locale=lang) for lang in LANGUAGES}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_receipt(app, people, staff, make_ticket, lang):
    citizen = people[lang]
    ticket = make_ticket(citizen, subject="Kuota penuh")
    mail = last_mail(citizen.email)
    check_letter(mail, lang, citizen)
    expected = {"id": f"[#{ticket.number}] Tiket Anda telah kami terima: Kuota penuh",
                "en": f"[#{ticket.number}] We received your ticket: Kuota penuh"}[lang]
    assert mail.subject == expected
    next_step = {"id": "Petugas kami akan menjawab paling lambat {}; setiap balasan kami kirim "
                       "ke email ini.",
                 "en": "Our staff will answer by {} at the latest; we send every reply to this "
                       "e-mail address."}[lang]
    assert re.search(re.escape(next_step).replace(re.escape("{}"), WORDS[lang]["time"]),
                     mail.body_text)
    assert {"id": "balas melalui", "en": "To answer, open the ticket"}[lang] in mail.body_text \
        or "tulis balasan Anda di halaman tersebut" in mail.body_text

    # the department's agents are alerted, each in their own language
    alert = last_mail(staff[lang].email)
    check_letter(alert, lang, staff[lang])
    assert alert.subject == {"id": f"[#{ticket.number}] Tiket baru untuk Tim SIKS-NG: Kuota penuh",
                             "en": f"[#{ticket.number}] New ticket for Tim SIKS-NG: Kuota penuh"
                             }[lang]
    assert re.search({"id": "Mohon tindak lanjuti tiket ini paling lambat ",
                      "en": "Please act on the ticket by "}[lang] + WORDS[lang]["time"],
                     alert.body_text)
    assert {"id": "buka tiket di Halaman Petugas", "en": "open it in the staff desk"}[lang] \
        in alert.body_text


def test_agents_of_one_language_share_one_alert_that_greets_the_department(app, people,
                                                                         make_user,
                                                                         make_ticket):
    agents = [make_user(f"petugas.{n}@contoh.id", roles=("agent",), departments=("Tim SIKS-NG",),
                        full_name=name, locale="id")
              for n, name in enumerate(("Budi Santoso", "Citra Dewi"))]
    make_ticket(people["id"], subject="Kuota penuh")
    alert = OutboxMail.get(OutboxMail.kind == "ticket_opened_staff")
    assert alert.recipients == [agent.email for agent in agents]
    check_letter(alert, "id", "petugas Tim SIKS-NG")
    assert "Budi" not in alert.body_text + alert.body_html
    assert "Citra" not in alert.body_text + alert.body_html


def test_an_agent_alone_in_their_language_is_greeted_by_name(app, people, make_user,
                                                             make_ticket):
    agents = [make_user(f"petugas.{n}@contoh.id", roles=("agent",), departments=("Tim SIKS-NG",),
                        full_name=name, locale=locale)
              for n, (name, locale) in enumerate((("Budi <Tim> & Co", "en"),
                                                  ("Citra Dewi", "id")))]
    make_ticket(people["id"], subject="Kuota penuh")
    first, second = (last_mail(agent.email) for agent in agents)
    assert "Dear Budi <Tim> & Co," in first.body_text
    assert "Dear Budi &lt;Tim&gt; &amp; Co," in first.body_html
    assert "Citra" not in first.body_text + first.body_html
    check_letter(second, "id", agents[1])
    assert "Budi" not in second.body_text + second.body_html


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_reply_and_a_status_change(app, people, agent, make_ticket, lang):
    citizen = people[lang]
    ticket = make_ticket(citizen, subject="Kuota penuh")
    with app.test_request_context():
        lifecycle.claim(ticket, by=agent)
        lifecycle.respond(ticket, by=agent, message="Kuota sudah kami tambah.")
    reply = last_mail(citizen.email)
    check_letter(reply, lang, citizen, sender=agent)
    assert reply.subject == {"id": f"[#{ticket.number}] Balasan untuk tiket Anda: Kuota penuh",
                             "en": f"[#{ticket.number}] Reply to your ticket: Kuota penuh"}[lang]
    assert {"id": "Jika masih ada pertanyaan, atau masalah belum teratasi, silakan balas "
                  "melalui halaman tiket.",
            "en": "If you have more questions, or this does not solve the problem, reply on the "
                  "ticket page."}[lang] in reply.body_text

    with app.test_request_context():
        lifecycle.set_status(ticket, by=agent, status="resolved")
    status = last_mail(citizen.email)
    check_letter(status, lang, citizen)
    assert status.subject == {
        "id": f"[#{ticket.number}] Status tiket Anda kini Selesai: Kuota penuh",
        "en": f"[#{ticket.number}] Your ticket is now Resolved: Kuota penuh"}[lang]
    assert {"id": "Apakah masalah Anda sudah selesai? Silakan jawab di halaman tiket",
            "en": "Is your problem solved? Please answer on the ticket's page"
            }[lang] in status.body_text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_registration_mail(client, mailbox, lang):
    client.get(f"/?lang={lang}")
    page = client.get("/register")
    client.post("/register", data={
        "full_name": "Rina Baru", "email": "baru@contoh.id", "password": "rahasia-123",
        "password_confirm": "rahasia-123", "csrf_token": csrf_from(page.text)})
    mail = last_mail("baru@contoh.id")
    check_letter(mail, lang, "Rina Baru")
    assert mail.subject == {"id": "Konfirmasi alamat email Anda",
                            "en": "Confirm your e-mail address"}[lang]
    assert "/confirm/" in mail.body_text
    assert {"id": "Silakan konfirmasi alamat email Anda dengan membuka tautan berikut dalam "
                  "2 hari:",
            "en": "Please confirm your e-mail address by opening this link within 2 days:"
            }[lang] in " ".join(mail.body_text.split())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_password_reset_mail(client, people, lang):
    """Asked for on the page in the person's language."""
    citizen = people[lang]
    client.get(f"/?lang={lang}")
    page = client.get("/reset")
    client.post("/reset", data={"email": citizen.email, "csrf_token": csrf_from(page.text)})
    mail = last_mail(citizen.email)
    check_letter(mail, lang, citizen)
    assert "/reset/" in mail.body_text
    assert {"id": "Silakan tentukan melalui tautan berikut dalam 1 hari",
            "en": "Please choose it by opening this link within 1 day"}[lang] in mail.body_text
    assert {"id": "kata sandi Anda tidak berubah", "en": "your password stays as it is"}[lang] \
        in mail.body_text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_new_staff_are_welcomed_and_asked_to_set_a_password(as_admin, lang):  # noqa: F811
    submit(as_admin, "/admin/user/new/", dict(user_form(), locale=lang))
    mail = last_mail("petugas.baru@kemensos.go.id")
    check_letter(mail, lang, "Petugas Baru")
    assert mail.subject == {"id": "Akun Anda di Helpdesk Pusdatin Kesos",
                            "en": "Your account on the Pusdatin Kesos Helpdesk"}[lang]
    assert {"id": "Akun Helpdesk Pusdatin Kesos telah dibuat untuk Anda",
            "en": "An account on the Pusdatin Kesos Helpdesk has been created for you"}[lang] \
        in mail.body_text
    assert {"id": "Silakan tentukan kata sandi Anda melalui tautan berikut dalam 1 hari",
            "en": "Please set your password by opening this link within 1 day"}[lang] \
        in mail.body_text
    assert "/reset/" in mail.body_text
    assert {"id": "atur ulang", "en": "reset"}[lang] not in mail.body_text.replace("/reset/", "")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_report_mail(app, history, make_user, lang):
    user = make_user(f"kepala.{lang}@contoh.id", roles=("supervisor",), locale=lang,
                     full_name="Kepala Unit")
    with app.test_request_context():
        board = build(Period(date(2026, 11, 1), date(2026, 11, 30)), now=NOW)
        notifications.report_made(user.email, workbook=b"x", filename="laporan.xlsx",
                                  board=board, made_by="operator@kemensos.go.id",
                                  made_at=board.now)
    mail = last_mail(user.email)
    check_letter(mail, lang, "Kepala Unit")
    assert mail.subject.startswith({"id": "Laporan helpdesk", "en": "Helpdesk report"}[lang])
    assert {"id": "silakan hubungi operator@kemensos.go.id",
            "en": "please contact operator@kemensos.go.id"}[lang] in mail.body_text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_password_change_notice(client, people, lang):
    citizen = people[lang]
    login(client, citizen)
    client.get(f"/?lang={lang}")
    form = client.get("/change")
    client.post("/change", data={
        "password": PASSWORD, "new_password": "sandi-baru-2026",
        "new_password_confirm": "sandi-baru-2026", "csrf_token": csrf_from(form.text)})
    notice = last_mail(citizen.email)
    check_letter(notice, lang, citizen)
    assert notice.subject == {"id": "Kata sandi Anda telah diubah",
                              "en": "Your password has been changed"}[lang]
    assert {"id": "Jika bukan, segera tentukan kata sandi baru melalui tautan ini",
            "en": "If it was not, please choose a new password at once with this link"}[lang] \
        in notice.body_text and "/reset" in notice.body_text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_new_confirmation_link(client, make_user, lang):
    make_user("belum@contoh.id", full_name="Belum Konfirmasi", confirmed=False, locale=lang)
    client.get(f"/?lang={lang}")
    page = client.get("/confirm")
    client.post("/confirm", data={"email": "belum@contoh.id", "csrf_token": csrf_from(page.text)})
    mail = last_mail("belum@contoh.id")
    check_letter(mail, lang, "Belum Konfirmasi")
    assert mail.subject == {"id": "Konfirmasi alamat email Anda",
                            "en": "Confirm your e-mail address"}[lang]
    assert "/confirm/" in mail.body_text
    assert {"id": "dalam 2 hari:", "en": "within 2 days:"}[lang] in mail.body_text
