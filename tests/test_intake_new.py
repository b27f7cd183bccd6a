"""Messages that answer no ticket: a new ticket for a confirmed citizen, an invitation
to register for an unknown address, nothing for machines, refusals for staff."""
import pytest

from conftest import csrf_from, links_in, login
from helpdesk.intake_models import InboundMail
from helpdesk.models import Attachment, HelpTopic, OutboxMail, Ticket, User
from intake_helpers import HELPDESK, intake_config, receive, text_of
from mail_samples import message
from samples import PNG


@pytest.fixture
def config(config):
    return intake_config(config)


def test_a_confirmed_citizen_opens_a_ticket_by_mail(app, citizen, agent, mailbox):
    raw = message(subject="Bansos belum cair", text="Sudah tiga bulan belum cair.\n\n-- \nSiti",
                  html="<p>Sudah tiga bulan <b>belum</b> cair.</p>",
                  inline=[(PNG, "image/png")])
    outcome = receive(app, raw)
    assert outcome.kind == "new_ticket"
    ticket = outcome.ticket
    assert ticket.requester_id == citizen.id and ticket.subject == "Bansos belum cair"
    assert ticket.topic_id == HelpTopic.get(name="Bantuan Umum").id
    assert ticket.entries.get().body == "Sudah tiga bulan belum cair."
    # the inline image is kept, checked like an upload
    assert [a.content_type for a in Attachment.select().where(Attachment.ticket == ticket)] == [
        "image/png"]
    receipt = mailbox.to(citizen.email)[0]
    assert f"#{ticket.number}" in receipt["Subject"]
    assert receipt["Reply-To"].startswith(f"helpdesk+{ticket.number}.")


def test_the_default_topic_is_a_setting(app, config, citizen):
    app.config["INTAKE_DEFAULT_TOPIC"] = "Data Terpadu"
    outcome = receive(app, message(subject="DTKS", text="Data saya salah."))
    assert outcome.ticket.topic.name == "Data Terpadu"


def test_an_html_only_message_becomes_text(app, citizen):
    raw = message(text="x", html="<p>Halo</p><script>alert(1)</script><p>Tolong &amp; cepat</p>")
    raw = raw.replace(b"Content-Type: text/plain", b"Content-Type: text/x-ignored")
    outcome = receive(app, raw)
    body = outcome.ticket.entries.get().body
    assert "<" not in body and "alert" not in body and "Tolong & cepat" in body


def test_an_unknown_sender_is_invited_to_register(app, mailbox):
    outcome = receive(app, message(sender="Orang Baru <baru@contoh.id>", subject="Tanya"))
    assert outcome.kind == "refused" and Ticket.select().count() == 0
    answer = mailbox.to("baru@contoh.id")[0]
    assert answer["Auto-Submitted"] == "auto-replied"
    assert "http://localhost/register" in text_of(answer)


def test_an_unconfirmed_account_gets_no_ticket(app, make_user, mailbox):
    make_user("belum@contoh.id", confirmed=False)
    assert receive(app, message(sender="belum@contoh.id")).kind == "refused"
    assert Ticket.select().count() == 0
    mailbox.to("belum@contoh.id")


def test_staff_do_not_open_tickets_by_mail(app, agent, mailbox):
    outcome = receive(app, message(sender=agent.email))
    assert outcome.kind == "refused" and Ticket.select().count() == 0


@pytest.mark.parametrize("headers", [
    {"Auto-Submitted": "auto-replied"},
    {"Precedence": "bulk"},
    {"List-Id": "<pengumuman.contoh.id>"},
    {"Return-Path": "<>"},
])
def test_machine_mail_gets_no_answer(app, headers):
    """An out-of-office answer or a list mail from an unknown address: recorded, never
    answered (two autoresponders would otherwise answer each other for ever)."""
    outcome = receive(app, message(sender="robot@contoh.id", headers=headers))
    assert outcome.kind == "ignored"
    assert OutboxMail.select().count() == 0 and Ticket.select().count() == 0


@pytest.mark.parametrize("sender", ["MAILER-DAEMON@contoh.id", HELPDESK,
                                    "helpdesk+1234567.abc@kemensos.go.id"])
def test_bounces_and_our_own_mail_get_no_answer(app, sender):
    assert receive(app, message(sender=sender)).kind == "ignored"
    assert OutboxMail.select().count() == 0


def test_an_auto_reply_loop_stops_at_the_rate_limit(app, config, mailbox):
    """A sender whose autoresponder hides what it is gets a few answers an hour, no more."""
    app.config["INTAKE_ANSWERS_PER_HOUR"] = 2
    for number in range(5):
        assert receive(app, message(sender="liar@contoh.id", subject=f"Re: {number}")).kind == (
            "refused")
    assert OutboxMail.select().where(OutboxMail.recipient == "liar@contoh.id").count() == 2
    assert InboundMail.select().count() == 5


def test_a_message_to_the_helpdesk_in_english_is_answered_in_the_default_language(
        app, mailbox):
    receive(app, message(sender="visitor@contoh.id", subject="Question"))
    assert "Yth." in text_of(mailbox.to("visitor@contoh.id")[0])


def test_unknown_senders_can_get_a_ticket_and_an_account_instead(app, client, mailbox):
    """INTAKE_UNKNOWN_SENDERS = "open": the ticket is opened on a new account, whose owner
    is mailed a link to choose a password; choosing it confirms the address."""
    app.config["INTAKE_UNKNOWN_SENDERS"] = "open"
    outcome = receive(app, message(sender="Orang Baru <baru@contoh.id>", subject="Tanya"))
    assert outcome.kind == "new_ticket"
    user = User.get(User.email == "baru@contoh.id")
    assert user.password is None and user.confirmed_at is None
    assert outcome.ticket.requester_id == user.id
    mails = mailbox.to("baru@contoh.id", count=2)
    welcome = [m for m in mails if "akun" in m["Subject"].lower()][0]
    link = [u for u in links_in(welcome) if "/reset/" in u][0]
    page = client.get(link)
    form = {"password": "kata-sandi-baru-9", "password_confirm": "kata-sandi-baru-9",
            "csrf_token": csrf_from(page.text)}
    assert client.post(link, data=form).status_code == 302
    assert User.get_by_id(user.id).confirmed_at is not None
    assert login(client, "baru@contoh.id", "kata-sandi-baru-9").status_code == 302
    assert "Tanya" in client.get(f"/tickets/{outcome.ticket.number}").text


def test_no_answer_goes_to_an_address_that_failed_the_sender_checks(app):
    """A forged From would make us write to a stranger (backscatter)."""
    raw = message(sender="korban@contoh.id", headers={
        "Authentication-Results": "mx.kemensos.go.id; spf=fail smtp.mailfrom=contoh.id"})
    assert receive(app, raw).kind == "refused"
    assert OutboxMail.select().count() == 0


def test_an_address_is_matched_exactly_whatever_its_case(app, make_user):
    """``_`` is not a wildcard: siti_w@ is not sitixw@'s account."""
    owner = make_user("sitixw@contoh.id")
    assert receive(app, message(sender="siti_w@contoh.id")).kind == "refused"
    outcome = receive(app, message(sender="SitiXW@Contoh.ID", subject="Kapital"))
    assert outcome.kind == "new_ticket" and outcome.ticket.requester_id == owner.id


def test_a_deactivated_account_is_neither_served_nor_answered(app, citizen, make_ticket):
    ticket = make_ticket(citizen)
    citizen.active = False
    citizen.save()
    outcome = receive(app, message(subject=f"Re: [#{ticket.number}] x", text="Halo"))
    assert outcome.kind == "refused"
    assert OutboxMail.select().where(OutboxMail.kind.startswith("intake")).count() == 0
    assert ticket.entries.count() == 1
