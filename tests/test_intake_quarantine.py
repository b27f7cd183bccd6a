"""Messages the intake cannot take: kept in quarantine with a reason, never lost, never
a crash; and the pipe's exit codes for the MTA."""
import pytest

from helpdesk.db import db
from helpdesk.intake import files
from helpdesk.intake_models import InboundMail
from helpdesk.models import Ticket
from intake_helpers import intake_config, receive
from mail_samples import message


@pytest.fixture
def config(config):
    return intake_config(config)


def kept(app, row):
    with app.app_context():
        return files.read_raw(row.stored_name)


def test_an_oversized_message_is_quarantined_whole(app, citizen):
    app.config["INTAKE_MAX_BYTES"] = 50_000
    raw = message(subject="Foto besar", files=[("besar.pdf", b"%PDF-" + b"x" * 60_000,
                                                 "application/pdf")])
    outcome = receive(app, raw)
    assert outcome.kind == "quarantined"
    assert outcome.reasons == [{"code": "too_large", "size": len(raw), "limit": 50_000}]
    row = InboundMail.get()
    assert (row.outcome, row.sender, row.subject) == ("quarantined", "warga@contoh.id",
                                                      "Foto besar")
    assert kept(app, row) == raw and Ticket.select().count() == 0


@pytest.mark.parametrize("raw", [
    b"\x00\xff\xfe garbage with no headers at all",
    b"From: nobody\r\nSubject: no address\r\n\r\nbody",
    b"",
])
def test_a_malformed_message_is_quarantined(app, raw):
    outcome = receive(app, raw)
    assert outcome.kind == "quarantined"
    assert outcome.reasons[0]["code"] in {"malformed", "no_headers", "no_sender"}
    assert kept(app, InboundMail.get()) == raw


def test_broken_mime_parts_are_read_as_far_as_they_can_be(app, citizen):
    """An unknown charset, bad base64, a missing closing boundary: the ticket is opened
    with what could be read; the damaged file is refused, not trusted."""
    raw = (b"From: warga@contoh.id\r\nTo: helpdesk@kemensos.go.id\r\nSubject: Rusak\r\n"
           b"Message-ID: <rusak@contoh.id>\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: multipart/mixed; boundary=\"zz\"\r\n\r\n"
           b"--zz\r\nContent-Type: text/plain; charset=unknown-8bit\r\n"
           b"Content-Transfer-Encoding: 8bit\r\n\r\nTolong \xe9 dibantu\r\n"
           b"--zz\r\nContent-Type: application/pdf; name=\"a.pdf\"\r\n"
           b"Content-Transfer-Encoding: base64\r\n\r\n%%%\r\n")  # no closing boundary
    outcome = receive(app, raw)
    assert outcome.kind == "new_ticket"
    assert outcome.ticket.entries.get().body == "Tolong \ufffd dibantu"
    assert outcome.ticket.attachments.count() == 0


def test_a_quarantined_message_taken_in_again_is_kept_once(app):
    raw = b"garbage"
    assert receive(app, raw).kind == "quarantined"
    assert receive(app, raw).kind == "duplicate"
    assert InboundMail.select().count() == 1


# --- the pipe -----------------------------------------------------------------------------

def test_the_pipe_takes_a_message_and_exits_0(app, runner, citizen, mailbox):
    result = runner.invoke(args=["receive-mail"], input=message(subject="Lewat pipa"))
    assert result.exit_code == 0, result.output
    ticket = Ticket.get()
    assert f"#{ticket.number}" in result.output and ticket.subject == "Lewat pipa"
    mailbox.to(citizen.email)  # the receipt went out


@pytest.mark.parametrize("raw", [b"garbage", message(sender="baru@contoh.id")])
def test_the_pipe_exits_0_for_a_refused_or_quarantined_message(app, runner, raw):
    result = runner.invoke(args=["receive-mail"], input=raw)
    assert result.exit_code == 0, result.output
    assert InboundMail.select().count() == 1


def test_the_pipe_exits_75_when_the_database_is_unreachable(app, runner, monkeypatch):
    """The MTA keeps the message and tries again later (EX_TEMPFAIL)."""
    from peewee import OperationalError

    def unreachable(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused")
    monkeypatch.setattr(db.database.obj, "connect", unreachable)
    result = runner.invoke(args=["receive-mail"], input=message())
    assert result.exit_code == 75
    assert "Connection refused" in result.output
    monkeypatch.undo()
    with app.app_context(), db.database.connection_context():
        assert InboundMail.select().count() == 0


def test_the_pipe_exits_75_when_the_message_cannot_be_stored(app, runner, citizen):
    app.config["INTAKE_FOLDER"] = "/proc/no-such-place"
    result = runner.invoke(args=["receive-mail"], input=message())
    assert result.exit_code == 75
    assert InboundMail.select().count() == 0


def test_the_pipe_needs_the_public_address(app, runner):
    app.config["PUBLIC_URL"] = ""
    result = runner.invoke(args=["receive-mail"], input=message())
    assert result.exit_code == 75 and "FLASK_PUBLIC_URL" in result.output
