"""Mail intake end to end: messages appended to a real Dovecot and read by ``fetch-mail``,
and the same messages given to the pipe (``receive-mail``), against the whole pipeline,
the database and the SMTP sink."""
import pytest

from conftest import login
from helpdesk import intake, lifecycle
from helpdesk.intake_models import InboundMail
from helpdesk.models import Attachment, EntryKind, ThreadEntry, Ticket, TicketStatus
from intake_helpers import deliver, intake_config, text_of
from mail_samples import message, reply_to
from samples import EXE, PDF

WAYS = ["imap", "pipe"]


@pytest.fixture
def config(config):
    return intake_config(config)  # the mailbox's own settings: the imap_mailbox fixture


@pytest.fixture(params=WAYS)
def take_in(request, imap_mailbox, runner):
    """``take_in(raw, ...)``: the messages arrive in the mailbox and ``fetch-mail`` reads
    them, or each goes through the pipe; returns the commands' output."""
    def by_imap(*raws):
        imap_mailbox.append(*raws)
        result = runner.invoke(args=["fetch-mail"])
        assert result.exit_code == 0, result.output
        assert imap_mailbox.messages() == []  # each one moved aside once saved
        assert len(imap_mailbox.messages("Processed")) >= len(raws)
        return result.output

    def by_pipe(*raws):
        output = ""
        for raw in raws:
            result = runner.invoke(args=["receive-mail"], input=raw)
            assert result.exit_code == 0, result.output
            output += result.output
        return output
    by_imap.way, by_pipe.way = "imap", "pipe"
    return by_imap if request.param == "imap" else by_pipe


@pytest.fixture
def answered(app, citizen, agent, make_ticket, mailbox):
    """The citizen's ticket, answered by the agent: (ticket, the answer as the citizen got
    it, with its Reply-To)."""
    ticket = make_ticket(citizen, subject="Tidak bisa login SIKS-NG")
    with app.test_request_context():
        lifecycle.respond(ticket, by=agent, message="Silakan coba masuk lagi.")
    deliver(app)
    answer = [m for m in mailbox.to(citizen.email, count=2) if m["Reply-To"]
              and "coba masuk lagi" in text_of(m)][0]
    with mailbox.cond:
        mailbox.messages.clear()
    return ticket, answer


def messages_on(ticket):
    return [e.body for e in ThreadEntry.select().where(
        ThreadEntry.ticket == ticket, ThreadEntry.kind == EntryKind.MESSAGE)
        .order_by(ThreadEntry.id)]


def test_a_citizens_reply_joins_the_ticket_quote_cut_and_files_checked(
        take_in, app, client, answered, citizen, agent, mailbox):
    ticket, answer = answered
    output = take_in(reply_to(answer, files=[("bukti.pdf", PDF, "application/pdf"),
                                             ("program.pdf", EXE, "application/pdf")]))
    assert ("1 pesan dibaca: 1 balasan" if take_in.way == "imap"
            else f"Pesan ditambahkan ke tiket #{ticket.number}") in output
    assert messages_on(ticket)[-1] == "Sudah bisa, terima kasih."
    entry = ThreadEntry.select().order_by(ThreadEntry.id.desc()).first()
    assert [a.original_name for a in Attachment.select().where(Attachment.entry == entry)] == [
        "bukti.pdf"]
    assert "program.pdf" in text_of(mailbox.to(citizen.email)[0])  # the refused file named
    assert "Sudah bisa, terima kasih." in text_of(mailbox.to(agent.email)[0])
    login(client, citizen)
    page = client.get(f"/tickets/{ticket.number}").text
    assert "Sudah bisa, terima kasih." in page and "Silakan coba masuk lagi" in page


def test_a_new_ticket_by_mail(take_in, app, citizen, mailbox):
    output = take_in(message(subject="Data KPM tidak muncul", text="Mohon dicek."))
    ticket = Ticket.get()
    assert (ticket.subject, ticket.requester_id, ticket.topic.name) == (
        "Data KPM tidak muncul", citizen.id, "Bantuan Umum")
    assert messages_on(ticket) == ["Mohon dicek."]
    assert ("1 pesan dibaca: 0 balasan, 1 tiket baru" if take_in.way == "imap"
            else f"#{ticket.number}") in output
    assert f"#{ticket.number}" in mailbox.to(citizen.email)[0]["Subject"]  # the receipt


def test_an_unknown_sender_is_invited_to_register(take_in, app, mailbox):
    take_in(message(sender="Orang Baru <baru@contoh.id>", subject="Minta bantuan"))
    assert Ticket.select().count() == 0
    answer = mailbox.to("baru@contoh.id")[0]
    assert answer["Auto-Submitted"] == "auto-replied"
    assert "http://localhost/register" in text_of(answer)
    assert InboundMail.get().outcome == "refused"


def test_a_spoofed_reply_never_joins_someone_elses_ticket(take_in, app, answered,
                                                         other_citizen):
    ticket, answer = answered
    take_in(reply_to(answer, sender="Budi <tetangga@contoh.id>", text="Tutup saja tiketnya."))
    assert messages_on(ticket) == ["Sejak pagi gagal masuk."]
    assert Ticket.get(Ticket.id != ticket.id).requester_id == other_citizen.id


def test_a_reply_to_a_closed_ticket_is_refused_with_a_polite_answer(
        take_in, app, answered, agent, citizen, mailbox):
    ticket, answer = answered
    with app.test_request_context():
        lifecycle.set_status(ticket, by=agent, status=TicketStatus.CLOSED)
    deliver(app)
    mailbox.to(citizen.email)
    with mailbox.cond:
        mailbox.messages.clear()
    take_in(reply_to(answer, text="Masih gagal."))
    assert messages_on(ticket) == ["Sejak pagi gagal masuk."]
    said = text_of(mailbox.to(citizen.email)[0])
    assert "ditutup" in said and "http://localhost/tickets/new" in said


def test_an_auto_reply_loop_gets_no_answer(take_in, app, answered, mailbox):
    """An out-of-office answer to our answer, and a stranger's autoresponder: recorded,
    never answered, so two robots cannot write to each other for ever."""
    ticket, answer = answered
    out_of_office = reply_to(answer, text="Saya sedang cuti sampai 10 Desember.",
                             headers={"Auto-Submitted": "auto-replied"})
    robot = message(sender="Robot <robot@contoh.id>", subject="Auto: Minta bantuan",
                    headers={"Precedence": "bulk", "X-Autoreply": "yes"})
    take_in(out_of_office, robot)
    assert {row.outcome for row in InboundMail.select()} == {"ignored"}
    assert messages_on(ticket) == ["Sejak pagi gagal masuk."]
    deliver(app)
    assert mailbox.messages == []


def test_a_30_mb_message_is_quarantined_and_kept_whole(take_in, app, citizen, imap_mailbox):
    raw = message(subject="Foto dokumen", files=[("scan.pdf", PDF + b"0" * (30 << 20),
                                                  "application/pdf")])
    take_in(raw)
    if take_in.way == "imap":  # as the server gives it: lines end in CRLF
        raw, = imap_mailbox.messages("Processed")
    assert len(raw) > 30 << 20
    row = InboundMail.get()
    assert (row.outcome, row.sender, row.size) == ("quarantined", citizen.email, len(raw))
    assert '"code": "too_large"' in row.reason
    with app.app_context():
        assert intake.files.read_raw(row.stored_name) == raw
    assert Ticket.select().count() == 0


def test_a_malformed_message_is_quarantined(take_in, app):
    raw = b"Subject: tanpa pengirim\r\nContent-Type: multipart/mixed\r\n\r\n\x00\xff--\r\n"
    take_in(raw)
    row = InboundMail.get()
    assert row.outcome == "quarantined" and '"code": "no_sender"' in row.reason
    assert Ticket.select().count() == 0


def test_the_same_message_twice_is_taken_in_once(take_in, app, answered):
    ticket, answer = answered
    raw = reply_to(answer)
    take_in(raw)
    output = take_in(raw)
    assert messages_on(ticket) == ["Sejak pagi gagal masuk.", "Sudah bisa, terima kasih."]
    assert InboundMail.select().count() == 1
    assert ("1 pesan dibaca: 0 balasan, 0 tiket baru, 0 ditolak, 0 dikarantina, 1 sudah "
            "diterima sebelumnya" if take_in.way == "imap"
            else "Pesan sudah pernah diterima") in output


def test_dovecot_stopped_mid_poll_loses_nothing_and_the_next_run_takes_the_rest(
        imap_mailbox, app, runner, citizen, monkeypatch):
    raws = [message(subject=f"Laporan {n}", text=f"Isi laporan {n}.").replace(b"\n", b"\r\n")
            for n in range(1, 4)]  # lines as the server keeps them
    imap_mailbox.append(*raws)
    real_receive = intake.receive

    def receive_then_stop(raw, *, source):  # the server goes away right after the first
        outcome = real_receive(raw, source=source)
        imap_mailbox.stop()
        return outcome
    monkeypatch.setattr(intake, "receive", receive_then_stop)
    result = runner.invoke(args=["fetch-mail"])
    assert result.exit_code == 1
    assert "Kotak surat tidak dapat dibaca sampai selesai" in result.output
    assert [t.subject for t in Ticket.select()] == ["Laporan 1"]

    monkeypatch.setattr(intake, "receive", real_receive)
    imap_mailbox.start()
    assert len(imap_mailbox.messages()) == 3  # the first was saved but not yet moved
    result = runner.invoke(args=["fetch-mail"])
    assert result.exit_code == 0, result.output
    assert "3 pesan dibaca: 0 balasan, 2 tiket baru" in result.output
    assert "1 sudah diterima sebelumnya" in result.output
    assert sorted(t.subject for t in Ticket.select()) == ["Laporan 1", "Laporan 2",
                                                         "Laporan 3"]
    assert imap_mailbox.messages() == [] and imap_mailbox.messages("Processed") == raws

