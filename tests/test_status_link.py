"""Checking a ticket without a password: the home page's "Cek Status Tiket" asks for the
number and the address and always answers the same; a match mails a link that opens that
one ticket for 24 hours (read, reply, confirm or dispute), and is refused with a clear page
once expired, tampered with or replaced."""
import re
from datetime import timedelta

import pytest

from helpdesk import lifecycle, status_links
from helpdesk.models import (Attachment, OutboxMail, Ticket, TicketEvent, TicketLink,
                             TicketStatus, ThreadEntry, User)

from conftest import body_of, csrf_from, login
from samples import PDF, PNG
from test_uploads import check


def ask(client, number, email):
    form = client.get("/status/")
    assert form.status_code == 200
    return client.post("/status/", data={"csrf_token": csrf_from(form.text),
                                         "number": str(number), "email": email})


def link_mails():
    return list(OutboxMail.select().where(OutboxMail.kind == "ticket_link_requester")
                .order_by(OutboxMail.id))


def link_of(mail):
    [url] = re.findall(r"https?://\S+/status/\S+", mail.body_text)
    return re.sub(r"^https?://[^/]+", "", url)


def without_tokens(html):
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"|value="[^"]+"\s*name="csrf_token"',
                  "", html)


@pytest.fixture
def linked(client, citizen, make_ticket, app):
    """A ticket of the citizen, and the path of the link they asked for."""
    ticket = make_ticket(citizen, subject="Kartu tidak terbaca")
    ask(client, ticket.number, citizen.email)
    [mail] = link_mails()
    return ticket, link_of(mail)


def test_the_home_page_leads_to_the_form(client):
    home = client.get("/").text
    assert 'href="/status/"' in home and "Cek status tiket" in home
    form = client.get("/status/").text
    assert "Nomor tiket" in form and "Alamat email Anda" in form
    assert 'name="csrf_token"' in form


def test_the_answer_is_the_same_whether_or_not_they_match(app, client, citizen, other_citizen,
                                                         make_ticket, mailbox):
    app.config["THROTTLE_MAIL_ACCOUNT"] = "10 per hour"  # (one address asks four times)
    ticket, other = make_ticket(citizen), make_ticket(other_citizen)
    answers = [ask(client, number, address) for number, address in (
        (ticket.number, citizen.email),  # the match
        (f"#{ticket.number}", " WARGA@contoh.id "),  # the match, typed otherwise
        (ticket.number, other_citizen.email),  # someone else's address
        (other.number, citizen.email),  # someone else's ticket
        (9999999, citizen.email),  # no such ticket
        (ticket.number, "orang@contoh.id"),  # nobody's address
    )]
    assert {a.status_code for a in answers} == {200}
    assert len({without_tokens(a.text) for a in answers}) == 1
    assert "kami telah mengirimkan tautan ke alamat tersebut" in answers[0].text
    mails = link_mails()
    assert [m.recipient for m in mails] == [citizen.email, citizen.email]
    assert all(f"#{ticket.number}" in m.subject for m in mails)
    delivered = mailbox.to(citizen.email, count=2)
    assert "selama 24 jam" in body_of(delivered[-1])
    assert not [m for m in mailbox.to(other_citizen.email) if "Tautan" in m["Subject"]]


def test_bad_input_is_refused_on_the_form(client):
    form = client.get("/status/")
    response = client.post("/status/", data={"csrf_token": csrf_from(form.text),
                                             "number": "12ab", "email": ""})
    assert response.status_code == 200
    assert "Nomor tiket terdiri atas 7 angka" in response.text
    assert "Silakan masukkan alamat email Anda." in response.text
    assert client.post("/status/", data={"number": "1234567",
                                         "email": "a@contoh.id"}).status_code == 400
    assert not link_mails()


def test_the_link_opens_the_public_thread_without_signing_in(client, app, linked, agent,
                                                            supervisor):
    ticket, path = linked
    with app.test_request_context():
        lifecycle.add_note(ticket, by=supervisor, message="Catatan rahasia petugas.")
        lifecycle.respond(ticket, by=supervisor, message="Silakan coba lagi.")
    page = client.get(path)
    assert page.status_code == 200
    assert "Kartu tidak terbaca" in page.text and "Silakan coba lagi." in page.text
    assert "Catatan rahasia petugas." not in page.text
    assert "tanpa masuk" in page.text  # told how they got here
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    assert client.get(f"/tickets/{ticket.number}").status_code == 302  # still signed out


def test_a_reply_and_the_answers_through_the_link(client, app, linked, citizen, supervisor):
    ticket, path = linked
    token = csrf_from(client.get(path).text)
    response = client.post(path, data={"csrf_token": token, "message": "Sudah saya coba."},
                           content_type="multipart/form-data")
    assert response.status_code == 302 and response.headers["Location"].startswith(path)
    entry = ThreadEntry.select().order_by(ThreadEntry.id.desc()).get()
    assert (entry.author_id, entry.body) == (citizen.id, "Sudah saya coba.")

    with app.test_request_context():
        lifecycle.set_status(ticket, by=supervisor, status=TicketStatus.RESOLVED)
    page = client.get(path).text
    assert "Apakah masalah Anda sudah selesai?" in page
    token = re.search(r'name="confirm-csrf_token" type="hidden" value="([^"]+)"', page)[1]
    client.post(f"{path}/unsolved", data={"unsolved-csrf_token": token,
                                          "unsolved-message": "Masih tidak terbaca."})
    assert Ticket.get_by_id(ticket.id).status == TicketStatus.OPEN
    with app.test_request_context():
        lifecycle.set_status(ticket, by=supervisor, status=TicketStatus.RESOLVED)
    response = client.post(f"{path}/confirm", data={"confirm-csrf_token": token})
    assert Ticket.get_by_id(ticket.id).status == TicketStatus.CLOSED
    assert [e.actor_id for e in TicketEvent.select().where(
        TicketEvent.kind.in_(["confirmed", "reopened"]))] == [citizen.id, citizen.id]
    assert "Terima kasih atas konfirmasinya" in client.get(response.headers["Location"]).text


def test_only_that_tickets_public_files_download(client, app, citizen, supervisor, make_ticket):
    mine = make_ticket(citizen, files=[check("surat.pdf", PDF)])
    make_ticket(citizen, files=[check("lain.png", PNG)])
    with app.test_request_context():
        lifecycle.add_note(mine, by=supervisor, message="Internal.",
                           files=[check("internal.png", PNG)])
    ask(client, mine.number, citizen.email)
    path = link_of(link_mails()[-1])
    page = client.get(path).text
    [href] = re.findall(r'href="([^"]+/files/\d+)"', page)
    download = client.get(href)
    assert download.status_code == 200 and download.data == PDF
    for name in ("lain.png", "internal.png"):
        hidden = Attachment.get(Attachment.original_name == name)
        assert client.get(f"{path}/files/{hidden.id}").status_code == 404


@pytest.mark.parametrize("spoil, reason", [
    (lambda path: path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB"), "tidak sah"),
    (lambda path: "/status/" + "x" * 40, "tidak sah"),
])
def test_a_tampered_link_is_refused(client, linked, spoil, reason):
    ticket, path = linked
    page = client.get(spoil(path))
    assert page.status_code == 403 and reason in page.text
    assert "Minta tautan baru" in page.text


def test_a_link_for_another_ticket_cannot_be_made_from_one(client, app, linked, citizen,
                                                         make_ticket):
    ticket, path = linked
    other = make_ticket(citizen, subject="Tiket lain")
    with app.test_request_context():
        forged = status_links._serializer().dumps([other.id, TicketLink.get().nonce])
    page = client.get(f"/status/{forged}")
    assert page.status_code == 403 and "Tiket lain" not in page.text


def test_an_expired_link_is_refused(client, linked):
    ticket, path = linked
    link = TicketLink.get()
    TicketLink.update(issued_at=link.issued_at - timedelta(hours=24)).execute()
    page = client.get(path)
    assert page.status_code == 403 and "sudah kedaluwarsa" in page.text
    assert "Kartu tidak terbaca" not in page.text
    token = csrf_from(client.get("/status/").text)
    refused = client.post(path, data={"csrf_token": token, "message": "Halo."})
    assert refused.status_code == 403
    assert ThreadEntry.select().count() == 1


def test_a_new_link_or_a_revocation_ends_the_old_ones(client, app, linked, citizen):
    ticket, first = linked
    ask(client, ticket.number, citizen.email)
    second = link_of(link_mails()[-1])
    assert second != first
    old = client.get(first)
    assert old.status_code == 403 and "tidak berlaku lagi" in old.text
    assert client.get(second).status_code == 200
    runner = app.test_cli_runner()
    revoked = runner.invoke(args=["revoke-link", str(ticket.number)])
    assert revoked.output == f"Tautan tiket #{ticket.number} tidak berlaku lagi.\n"
    assert client.get(second).status_code == 403
    again = runner.invoke(args=["revoke-link", str(ticket.number)])
    assert again.output == f"Tiket #{ticket.number} tidak memiliki tautan yang berlaku.\n"
    unknown = runner.invoke(args=["revoke-link", "1000000"])
    assert unknown.exit_code == 2 and "Tidak ada tiket #1000000" in unknown.output


def test_the_check_is_throttled_like_sign_in(app, client, citizen, make_ticket):
    app.config["THROTTLE_MAIL_ACCOUNT"] = "2 per hour"
    ticket = make_ticket(citizen)
    codes = [ask(client, ticket.number, citizen.email).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert len(link_mails()) == 2


def test_ticket_mails_still_lead_through_sign_in(client, citizen, make_ticket):
    ticket = make_ticket(citizen)
    receipt = OutboxMail.get(OutboxMail.kind == "ticket_opened_requester")
    assert f"/tickets/{ticket.number}" in receipt.body_text
    assert "/status/" not in receipt.body_text
    login(client, citizen)
    assert client.get(f"/tickets/{ticket.number}").status_code == 200


def test_a_deactivated_account_gets_no_link_and_its_links_stop(client, linked, citizen):
    ticket, path = linked
    User.update(active=False).where(User.id == citizen.id).execute()
    assert client.get(path).status_code == 403
    assert ask(client, ticket.number, citizen.email).status_code == 200
    assert len(link_mails()) == 1
