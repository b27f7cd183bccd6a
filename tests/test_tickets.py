"""Opening a ticket, the refusals of bad input, following and answering it."""
import hashlib
import re
from datetime import timedelta
from pathlib import Path

import pytest

from helpdesk.models import (
    Attachment, HelpTopic, OutboxMail, Ticket, TicketEvent, TicketStatus, ThreadEntry)

from conftest import body_of, csrf_from, links_in, login
from samples import EXE, HTML, PDF, PNG, upload


def open_form(client):
    page = client.get("/tickets/new")
    assert page.status_code == 200
    return csrf_from(page.text)


def post_ticket(client, topic, subject="Tidak bisa login SIKS-NG",
                message="Sejak pagi muncul pesan galat saat masuk.", files=(), **extra):
    data = {"csrf_token": open_form(client), "topic": str(topic.id), "subject": subject,
            "message": message, **extra}
    if files:
        data["attachments"] = [upload(name, content) for name, content in files]
    return client.post("/tickets/new", data=data, content_type="multipart/form-data")


def stored_files(app):
    return [p for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_file()]


def test_open_ticket_with_two_attachments(app, client, citizen, topic, mailbox):
    login(client, citizen)
    response = post_ticket(client, topic, files=[("Surat Dinas (1).pdf", PDF),
                                                 ("tangkapan layar.png", PNG)])
    assert response.status_code == 302
    ticket = Ticket.get()
    assert re.fullmatch(r"[1-9]\d{6}", str(ticket.number))
    assert response.headers["Location"].startswith(f"/tickets/{ticket.number}")
    assert ticket.status == TicketStatus.OPEN and ticket.requester_id == citizen.id
    assert ticket.department_id == topic.department_id
    assert ticket.due_at - ticket.created_at == timedelta(hours=48)
    [entry] = ThreadEntry.select()
    assert entry.kind == "message" and "pesan galat" in entry.body
    assert TicketEvent.get().kind == "opened"

    files = {a.original_name: a for a in Attachment.select()}
    assert set(files) == {"Surat Dinas (1).pdf", "tangkapan layar.png"}
    pdf = files["Surat Dinas (1).pdf"]
    assert (pdf.content_type, pdf.size, pdf.entry_id) == ("application/pdf", len(PDF), entry.id)
    assert pdf.sha256 == hashlib.sha256(PDF).hexdigest()
    on_disk = {p.read_bytes() for p in stored_files(app)}
    assert on_disk == {PDF, PNG}
    assert all(p.name in {a.stored_name for a in files.values()} for p in stored_files(app))

    page = client.get(response.headers["Location"])
    assert f"Ticket#{ticket.number}" in page.text
    assert "Surat Dinas (1).pdf" in page.text

    [mail] = mailbox.to(citizen.email)
    assert f"[#{ticket.number}]" in mail["Subject"]
    assert mail["Message-ID"] == f"<ticket-{ticket.number}@kemensos.go.id>"
    text = body_of(mail)
    assert f"#{ticket.number}" in text and "Aplikasi SIKS-NG" in text
    [link] = [u for u in links_in(mail) if f"/tickets/{ticket.number}" in u]
    followed = client.get(link.replace("http://localhost", ""))
    assert followed.status_code == 200 and "Sejak pagi muncul pesan galat" in followed.text


BAD_INPUT = {
    "no topic": dict(topic=""),
    "unknown topic": dict(topic="987654"),
    "no subject": dict(subject="  "),
    "no message": dict(message=""),
    "subject too long": dict(subject="x" * 201),
    "too many files": dict(files=[(f"f{i}.pdf", PDF) for i in range(6)]),
    "disallowed kind": dict(files=[("surat.pdf", PDF), ("virus.exe", EXE)]),
    "web page renamed png": dict(files=[("foto.png", HTML)]),
    "program renamed pdf": dict(files=[("surat.pdf", EXE)]),
    "empty file": dict(files=[("kosong.pdf", b"")]),
    "too large": dict(files=[("besar.pdf", PDF + b"0" * 3000)]),
    "no extension": dict(files=[("README", b"teks")]),
}


@pytest.mark.parametrize("case", BAD_INPUT, ids=list(BAD_INPUT))
def test_bad_input_is_refused_and_nothing_saved(app, client, citizen, topic, case):
    app.config["UPLOAD_MAX_FILE_SIZE"] = 2000
    login(client, citizen)
    data = {"subject": "Data NIK <tidak> muncul", "message": "Mohon dicek & dibantu.",
            **BAD_INPUT[case]}
    files = data.pop("files", ())
    topic_value = data.pop("topic", None)
    response = post_ticket(client, topic, files=files, **data) if topic_value is None else \
        post_ticket_raw(client, topic_value, files=files, **data)
    assert response.status_code == 200
    assert 'class="invalid-feedback' in response.text
    if case not in ("no subject", "subject too long"):
        assert "Data NIK &lt;tidak&gt; muncul" in response.text  # kept, and escaped
    if case != "no message":
        assert "Mohon dicek &amp; dibantu." in response.text
    assert Ticket.select().count() == 0
    assert Attachment.select().count() == 0 and ThreadEntry.select().count() == 0
    assert stored_files(app) == []
    assert OutboxMail.select().count() == 0


def post_ticket_raw(client, topic_value, subject, message, files=()):
    data = {"csrf_token": open_form(client), "topic": topic_value, "subject": subject,
            "message": message}
    return client.post("/tickets/new", data=data, content_type="multipart/form-data")


def test_inactive_topic_is_refused(app, client, citizen, topic):
    login(client, citizen)
    token = open_form(client)
    HelpTopic.update(active=False).where(HelpTopic.id == topic.id).execute()
    response = client.post("/tickets/new", data={
        "csrf_token": token, "topic": str(topic.id), "subject": "S", "message": "M"})
    assert response.status_code == 200 and Ticket.select().count() == 0


def test_the_form_lists_topics_with_descriptions(client, citizen):
    login(client, citizen)
    page = client.get("/tickets/new").text
    for name in ("Aplikasi SIKS-NG", "Bantuan Umum", "Data Terpadu", "Email Kemsos",
                 "Internet/Jaringan"):
        assert f">{name}</option>" in page
    assert 'data-description="Penggunaan email Kemensos: penambahan kuota, perubahan, dan ' \
           'penghapusan."' in page


def test_oversized_request_gets_a_friendly_page(app, client, citizen, topic):
    app.config["MAX_CONTENT_LENGTH"] = 4000
    login(client, citizen)
    response = post_ticket(client, topic, files=[("besar.pdf", PDF + b"0" * 8000)])
    assert response.status_code == 413
    assert "Berkas terlalu besar" in response.text and "10 MB" in response.text
    assert Ticket.select().count() == 0 and stored_files(app) == []


def test_missing_csrf_token_is_refused(client, citizen, topic):
    login(client, citizen)
    response = client.post("/tickets/new", data={"topic": str(topic.id), "subject": "S",
                                                 "message": "M"})
    assert response.status_code == 400 and Ticket.select().count() == 0


def test_my_tickets_lists_only_mine(client, citizen, other_citizen, make_ticket):
    mine = make_ticket(citizen, subject="Punya saya")
    theirs = make_ticket(other_citizen, subject="Punya tetangga")
    login(client, citizen)
    page = client.get("/tickets/").text
    assert f"#{mine.number}" in page and "Punya saya" in page and "Aplikasi SIKS-NG" in page
    assert f"#{theirs.number}" not in page and "Punya tetangga" not in page


def test_user_text_is_escaped(client, citizen, make_ticket):
    ticket = make_ticket(citizen, subject="<script>alert(1)</script>",
                         message="<img src=x onerror=alert(2)>")
    login(client, citizen)
    page = client.get(f"/tickets/{ticket.number}").text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(2)&gt;" in page


def reply(client, ticket, message="Sudah saya coba, masih gagal.", files=()):
    token = csrf_from(client.get(f"/tickets/{ticket.number}").text)
    data = {"csrf_token": token, "message": message}
    if files:
        data["attachments"] = [upload(n, c) for n, c in files]
    return client.post(f"/tickets/{ticket.number}", data=data,
                       content_type="multipart/form-data")


def test_citizen_replies_with_an_attachment(app, client, citizen, make_ticket):
    ticket = make_ticket(citizen)
    login(client, citizen)
    response = reply(client, ticket, files=[("bukti.png", PNG)])
    assert response.status_code == 302
    entries = list(ThreadEntry.select().where(ThreadEntry.ticket == ticket)
                   .order_by(ThreadEntry.id))
    assert [e.kind for e in entries] == ["message", "message"]
    assert Attachment.get().entry_id == entries[1].id
    page = client.get(f"/tickets/{ticket.number}").text
    assert page.index("Sejak pagi gagal masuk.") < page.index("Sudah saya coba, masih gagal.")
    assert "bukti.png" in page


def test_reply_to_a_resolved_ticket_reopens_it(client, citizen, make_ticket):
    ticket = make_ticket(citizen)
    Ticket.update(status=TicketStatus.RESOLVED).where(Ticket.id == ticket.id).execute()
    login(client, citizen)
    assert reply(client, ticket).status_code == 302
    assert Ticket.get_by_id(ticket.id).status == TicketStatus.OPEN
    assert TicketEvent.select().where(TicketEvent.kind == "reopened").count() == 1


def test_reply_to_a_closed_ticket_is_refused(client, citizen, make_ticket):
    ticket = make_ticket(citizen)
    Ticket.update(status=TicketStatus.CLOSED).where(Ticket.id == ticket.id).execute()
    login(client, citizen)
    token = csrf_from(client.get("/tickets/new").text)
    response = client.post(f"/tickets/{ticket.number}", data={"csrf_token": token,
                                                              "message": "Halo?"})
    assert response.status_code == 200
    assert (f"Tiket #{ticket.number} sudah ditutup dan tidak dapat menerima balasan baru. "
            f"Silakan buat tiket baru dan sebutkan #{ticket.number}") in response.text
    assert ThreadEntry.select().count() == 1
    assert Ticket.get_by_id(ticket.id).status == TicketStatus.CLOSED


def test_empty_reply_is_refused(client, citizen, make_ticket):
    ticket = make_ticket(citizen)
    login(client, citizen)
    assert reply(client, ticket, message="").status_code == 200
    assert ThreadEntry.select().count() == 1


def test_a_taken_ticket_number_is_never_reused(monkeypatch, citizen, make_ticket):
    draws = iter([5, 5, 6])
    monkeypatch.setattr("helpdesk.lifecycle.citizen.secrets.randbelow", lambda n: next(draws))
    first, second = make_ticket(citizen), make_ticket(citizen)
    assert (first.number, second.number) == (1_000_005, 1_000_006)
    assert Ticket.select().count() == 2


def test_line_breaks_in_a_crafted_subject_cannot_reach_mail_headers(citizen, make_ticket,
                                                                     mailbox):
    ticket = make_ticket(citizen, subject="Halo\r\nBcc: korban@contoh.id")
    assert ticket.subject == "Halo Bcc: korban@contoh.id"
    [mail] = mailbox.to(citizen.email)
    assert mail["Bcc"] is None and "Halo Bcc:" in mail["Subject"]


def test_a_ticket_closed_after_the_page_was_loaded_refuses_the_reply(app, citizen, make_ticket):
    from helpdesk import lifecycle

    ticket = make_ticket(citizen)  # the copy the reply form was built from says "open"
    Ticket.update(status=TicketStatus.CLOSED).where(Ticket.id == ticket.id).execute()
    with app.test_request_context(), pytest.raises(lifecycle.InvalidTransition):
        lifecycle.reply(ticket, by=citizen, message="Masih ada?")
    assert ThreadEntry.select().count() == 1
