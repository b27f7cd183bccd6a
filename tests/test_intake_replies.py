"""Replies by e-mail join their ticket: the quote cut, the files checked, the sender
checked, the matching by reply address, thread headers and subject."""
import threading

import pytest

from conftest import login
from helpdesk import intake, lifecycle
from helpdesk.db import db
from helpdesk.intake_models import InboundMail
from helpdesk.models import Attachment, EntryKind, Ticket, TicketStatus, ThreadEntry
from intake_helpers import HELPDESK, deliver, intake_config, receive, text_of
from mail_samples import ENGLISH_QUOTE, message, reply_to
from samples import EXE, PDF


@pytest.fixture
def config(config):
    return intake_config(config)


@pytest.fixture
def answered(app, citizen, agent, make_ticket, mailbox):
    """A ticket of the citizen answered by the agent: (ticket, the answer as received)."""
    ticket = make_ticket(citizen)
    with app.test_request_context():
        lifecycle.respond(ticket, by=agent, message="Silakan coba masuk lagi.")
    deliver(app)
    answer = [m for m in mailbox.to(citizen.email, count=2) if "Balasan" in m["Subject"]][0]
    mailbox.messages.clear()
    return ticket, answer


def entries_of(ticket):
    return list(ThreadEntry.select().where(ThreadEntry.ticket == ticket,
                                           ThreadEntry.kind == EntryKind.MESSAGE)
                .order_by(ThreadEntry.id))


def test_our_mail_to_the_requester_carries_a_signed_reply_address(answered):
    ticket, answer = answered
    local, domain = answer["Reply-To"].split("@")
    assert domain == "kemensos.go.id" and local.startswith(f"helpdesk+{ticket.number}.")
    assert answer["References"] == f"<ticket-{ticket.number}@kemensos.go.id>"
    assert "balas email ini" in text_of(answer).lower()


def test_a_reply_joins_the_ticket_with_the_quote_cut_and_its_file_checked(
        app, client, answered, citizen, agent, mailbox):
    ticket, answer = answered
    raw = reply_to(answer, files=[("bukti.pdf", PDF, "application/pdf"),
                                  ("program.pdf", EXE, "application/pdf")])
    outcome = receive(app, raw)
    assert outcome.kind == "reply" and outcome.ticket.id == ticket.id
    entry = entries_of(ticket)[-1]
    assert entry.body == "Sudah bisa, terima kasih."
    assert [a.original_name for a in Attachment.select().where(Attachment.entry == entry)] == [
        "bukti.pdf"]
    # the agent is alerted; the sender learns which file was refused
    assert "Sudah bisa, terima kasih." in text_of(mailbox.to(agent.email)[0])
    refusal = mailbox.to(citizen.email)[0]
    assert refusal["Auto-Submitted"] == "auto-replied"
    assert "program.pdf" in text_of(refusal)
    # the citizen sees the reply on the ticket page
    login(client, citizen)
    assert "Sudah bisa, terima kasih." in client.get(f"/tickets/{ticket.number}").text


def test_an_english_quote_is_cut_too(app, answered):
    ticket, answer = answered
    assert receive(app, reply_to(answer, text="Works now.", quote=ENGLISH_QUOTE)).kind == "reply"
    assert entries_of(ticket)[-1].body == "Works now."


def test_a_reply_reopens_a_resolved_ticket(app, answered, agent):
    ticket, answer = answered
    with app.test_request_context():
        lifecycle.set_status(ticket, by=agent, status=TicketStatus.RESOLVED)
    outcome = receive(app, reply_to(answer, text="Masih gagal."))
    assert outcome.kind == "reply" and outcome.ticket.status == TicketStatus.OPEN


def test_a_reply_to_a_closed_ticket_is_refused_politely(app, answered, agent, citizen,
                                                       mailbox):
    ticket, answer = answered
    with app.test_request_context():
        lifecycle.set_status(ticket, by=agent, status=TicketStatus.CLOSED)
    deliver(app)
    mailbox.wait(1)
    mailbox.messages.clear()
    outcome = receive(app, reply_to(answer, text="Masih gagal."))
    assert outcome.kind == "refused"
    assert [e.body for e in entries_of(ticket)] == ["Sejak pagi gagal masuk."]
    said = text_of(mailbox.to(citizen.email)[0])
    assert "ditutup" in said and "http://localhost/tickets/new" in said


def test_a_spoofed_reply_never_joins_someone_elses_ticket(app, answered, other_citizen,
                                                         mailbox):
    """The reply address, thread and subject name the citizen's ticket, but the sender is
    someone else: a ticket of their own is opened instead."""
    ticket, answer = answered
    outcome = receive(app, reply_to(answer, sender="Budi <tetangga@contoh.id>",
                                    text="Tolong tutup tiket ini."))
    assert outcome.kind == "new_ticket" and outcome.ticket.id != ticket.id
    assert outcome.ticket.requester_id == other_citizen.id
    assert len(entries_of(ticket)) == 1


def test_a_forged_reply_address_names_no_ticket(app, answered, citizen):
    ticket, _answer = answered
    raw = message(to=f"helpdesk+{ticket.number}.{'0' * 20}@kemensos.go.id",
                  subject="Halo", text="Pesan baru.")
    outcome = receive(app, raw)
    assert outcome.kind == "new_ticket" and outcome.ticket.id != ticket.id


@pytest.mark.parametrize("how", ["thread", "in_reply_to", "subject"])
def test_without_the_reply_address_the_thread_or_the_subject_finds_the_ticket(
        app, answered, how):
    ticket, answer = answered
    if how == "thread":
        raw = message(to=HELPDESK, subject="Re: jawaban", text="Sudah.",
                      headers={"References": answer["References"]})
    elif how == "in_reply_to":  # a client that leaves References out
        raw = message(to=HELPDESK, subject="Re: jawaban", text="Sudah.",
                      headers={"In-Reply-To": answer["Message-ID"]})
    else:
        raw = message(to=HELPDESK, subject=f"Re: [#{ticket.number}] jawaban", text="Sudah.")
    outcome = receive(app, raw)
    assert outcome.kind == "reply" and outcome.ticket.id == ticket.id


def test_the_same_message_twice_is_taken_in_once(app, answered):
    ticket, answer = answered
    raw = reply_to(answer)
    assert receive(app, raw).kind == "reply"
    again = receive(app, raw)
    assert again.kind == "duplicate" and again.ticket.id == ticket.id
    assert len(entries_of(ticket)) == 2
    assert InboundMail.select().count() == 1


def test_a_failed_authentication_check_is_recorded(app, answered):
    ticket, answer = answered
    raw = reply_to(answer, headers={
        "Authentication-Results": "mx.kemensos.go.id; spf=pass smtp.mailfrom=contoh.id; "
                                  "dkim=fail header.d=contoh.id; dmarc=fail"})
    outcome = receive(app, raw)
    assert outcome.kind == "reply"
    row = InboundMail.get()
    assert row.authentication_failed and "dkim=fail" in row.authentication


def test_a_strangers_message_reusing_a_message_id_is_not_taken_for_a_copy(app, answered):
    """Someone who learnt the Message-ID of a citizen's reply cannot, by sending first,
    have the citizen's own message skipped as a duplicate."""
    ticket, answer = answered
    raw = reply_to(answer, message_id="<balasan-1@contoh.id>")
    forged = reply_to(answer, sender="iseng@contoh.id", message_id="<balasan-1@contoh.id>")
    assert receive(app, forged).kind == "refused"
    assert receive(app, raw).kind == "reply"


def test_the_same_message_from_two_processes_at_once_is_taken_in_once(app, answered):
    """The poller and the pipe (or two pollers) may get the same message at the same
    moment: the database's unique key lets exactly one of them through."""
    ticket, answer = answered
    raw = reply_to(answer)
    start = threading.Barrier(2)
    kinds = []

    def take():
        with app.app_context(), db.database.connection_context():
            start.wait()
            kinds.append(intake.receive(raw, source="imap").kind)
    threads = [threading.Thread(target=take) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(kinds) == ["duplicate", "reply"]
    assert len(entries_of(ticket)) == 2
    assert InboundMail.select().count() == 1


def test_a_reply_by_e_mail_resumes_a_ticket_awaiting_the_requester(app, answered, agent):
    ticket, answer = answered
    with app.test_request_context():
        lifecycle.set_status(ticket, by=agent, status=TicketStatus.AWAITING,
                             comment="Mohon kirim foto KTP.")
    assert receive(app, reply_to(answer)).kind == "reply"
    resumed = Ticket.get_by_id(ticket.id)
    assert resumed.status == TicketStatus.OPEN and resumed.paused_at is None
