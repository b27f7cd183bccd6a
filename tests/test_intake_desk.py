"""What staff see of the mail intake: the original of a message that came by e-mail and
a failed sender check on the ticket's page, and the administrators' list of mail
received with its quarantine."""
import pytest

from conftest import csrf_from, desk_url, login
from helpdesk.intake_models import InboundMail
from helpdesk.models import Ticket
from intake_helpers import intake_config, receive
from mail_samples import message


@pytest.fixture
def config(config):
    return intake_config(config)


FORGED = {"Authentication-Results": "mx.kemensos.go.id; spf=fail smtp.mailfrom=contoh.id"}


def test_the_ticket_page_offers_the_original_and_flags_a_failed_check(
        app, client, citizen, make_user):
    raw = message(subject="Lewat email", text="Isi pesan.", headers=FORGED)
    ticket = receive(app, raw).ticket
    login(client, make_user("pusdatin@kemensos.go.id", roles=["agent"],
                            departments=["Helpdesk Pusdatin"]))
    page = client.get(desk_url(ticket)).text
    assert "Pengirim belum terverifikasi" in page and "spf=fail" in page
    mail = InboundMail.get()
    assert f'href="/admin/ticket/mail/?id={ticket.id}&amp;mail={mail.id}"' in page
    assert page.count('class="badge badge-info by-mail"') == 1
    original = client.get(f"/admin/ticket/mail/?id={ticket.id}&mail={mail.id}")
    assert original.status_code == 200 and original.data == raw
    assert original.headers["Content-Disposition"].startswith("attachment")


def test_the_citizen_never_sees_the_original(app, client, citizen):
    ticket = receive(app, message(subject="Lewat email")).ticket
    login(client, citizen)
    assert "original" not in client.get(f"/tickets/{ticket.number}").text.lower()
    mail = InboundMail.get()
    assert client.get(f"/admin/ticket/mail/?id={ticket.id}&mail={mail.id}").status_code == 403


def test_an_agent_of_another_department_cannot_fetch_the_original(app, client, citizen,
                                                                  make_user):
    ticket = receive(app, message(subject="Lewat email")).ticket  # Helpdesk Pusdatin's
    stranger = make_user("lain@kemensos.go.id", roles=["agent"], departments=["Tim Jaringan"])
    login(client, stranger)
    mail = InboundMail.get()
    assert client.get(f"/admin/ticket/mail/?id={ticket.id}&mail={mail.id}").status_code == 404


def test_administrators_list_the_quarantine_and_download_a_message(app, client, make_user):
    receive(app, b"garbage that is no e-mail")
    admin = make_user("admin@kemensos.go.id", roles=["admin"])
    login(client, admin)
    page = client.get("/admin/inbound_mail/?flt0_outcome=quarantined").text
    assert "tidak terbaca sebagai email" in page
    assert '"dikarantina"' in page  # the filter offers the outcomes, in Indonesian
    mail = InboundMail.get()
    raw = client.get(f"/admin/inbound_mail/raw/?id={mail.id}")
    assert raw.status_code == 200 and raw.data == b"garbage that is no e-mail"


def test_agents_cannot_open_the_mail_received(app, client, agent):
    receive(app, b"garbage")
    login(client, agent)
    assert client.get("/admin/inbound_mail/").status_code == 403
    assert client.get(f"/admin/inbound_mail/raw/?id={InboundMail.get().id}").status_code == 403


def test_an_administrator_processes_a_quarantined_message_again(app, client, citizen,
                                                                make_user):
    """Too large for the limit of the day; the limit raised, it becomes a ticket."""
    app.config["INTAKE_MAX_BYTES"] = 1000
    raw = message(subject="Panjang sekali", text="Isi yang panjang. " * 100)
    assert receive(app, raw).kind == "quarantined"
    app.config["INTAKE_MAX_BYTES"] = 100_000
    login(client, make_user("admin@kemensos.go.id", roles=["admin"]))
    page = client.get("/admin/inbound_mail/")
    answer = client.post("/admin/inbound_mail/action/", data={
        "action": "reprocess", "rowid": [str(InboundMail.get().id)],
        "csrf_token": csrf_from(page.text)}, follow_redirects=True)
    assert "1 pesan diproses" in answer.text
    assert Ticket.get().subject == "Panjang sekali"
    assert [m.outcome for m in InboundMail.select()] == ["new_ticket"]
