"""The outbox: mail survives an SMTP outage, is retried later, is sent once, and falls
back to .eml files when no SMTP server is configured."""
import logging
import socket
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest

from helpdesk import mailer, notifications
from helpdesk.db import db, statements_run
from helpdesk.models import OutboxMail, utcnow

from conftest import free_port


def queue(app, count=1):
    with app.app_context():
        for i in range(count):
            notifications.queue_rendered(f"warga{i}@contoh.id", f"Uji {i}", f"Isi {i}")


def test_failed_send_is_retried_later_with_backoff(app, runner, mailbox):
    app.extensions["mail_dispatcher"].stop()
    app.extensions["mail"].port = free_port()  # nothing listens there
    queue(app)
    assert "0 terkirim, 1 gagal" in runner.invoke(args=["send-mail"]).output
    row = OutboxMail.get()
    assert row.attempts == 1 and row.sent_at is None
    assert timedelta(seconds=50) < row.next_attempt_at - utcnow() <= timedelta(minutes=1)

    app.extensions["mail"].port = mailbox.port
    assert "0 terkirim, 0 gagal" in runner.invoke(args=["send-mail"]).output  # not due yet
    OutboxMail.update(next_attempt_at=utcnow() - timedelta(seconds=1)).execute()
    assert "1 terkirim, 0 gagal" in runner.invoke(args=["send-mail"]).output
    assert mailbox.to("warga0@contoh.id")[0]["Subject"] == "Uji 0"
    assert OutboxMail.get().sent_at is not None


def test_second_failure_waits_longer(app):
    app.extensions["mail_dispatcher"].stop()
    app.extensions["mail"].port = free_port()
    queue(app)
    OutboxMail.update(attempts=1).execute()
    with app.app_context():
        assert mailer.deliver_pending() == (0, 1)
    assert OutboxMail.get().next_attempt_at - utcnow() > timedelta(minutes=4)


def test_mail_that_failed_too_often_is_left_alone(app, runner):
    app.extensions["mail_dispatcher"].stop()
    queue(app)
    OutboxMail.update(attempts=app.config["MAIL_MAX_ATTEMPTS"]).execute()
    assert "0 terkirim, 0 gagal" in runner.invoke(args=["send-mail"]).output


def test_concurrent_senders_send_each_mail_once(app, mailbox):
    app.extensions["mail_dispatcher"].stop()
    queue(app, count=30)
    results = []

    def drain():
        with app.app_context(), db.database.connection_context():
            results.append(mailer.deliver_pending())

    threads = [threading.Thread(target=drain) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(sent for sent, _ in results) == 30
    mailbox.wait(30)
    assert sorted(m["To"] for m in mailbox.messages) == sorted(
        f"warga{i}@contoh.id" for i in range(30))


def test_background_delivery_needs_no_command(client, citizen, make_ticket, mailbox):
    ticket = make_ticket(citizen)
    [mail] = mailbox.to(citizen.email, timeout=5)
    assert f"#{ticket.number}" in mail["Subject"]
    deadline = time.monotonic() + 5  # the row is marked just after the SMTP server took it
    while OutboxMail.get().sent_at is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert OutboxMail.get().sent_at is not None


class TestWithoutSmtpServer:
    @pytest.fixture
    def config(self, config):
        config["MAIL_SERVER"] = ""
        return config

    def test_mail_is_written_as_eml_and_links_are_logged(self, app, runner, citizen,
                                                         make_ticket, caplog):
        app.extensions["mail_dispatcher"].stop()
        ticket = make_ticket(citizen)
        with caplog.at_level(logging.WARNING, logger="helpdesk.mailer"):
            assert "1 terkirim, 0 gagal" in runner.invoke(args=["send-mail"]).output
        [eml] = Path(app.config["MAIL_FOLDER"]).glob("*.eml")
        content = eml.read_bytes()
        assert f"#{ticket.number}".encode() in content and b"warga@contoh.id" in content
        assert f"http://localhost/tickets/{ticket.number}" in caplog.text


def test_a_server_that_never_answers_times_out(app):
    app.extensions["mail_dispatcher"].stop()
    app.config["MAIL_SMTP_TIMEOUT"] = 0.5
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        app.extensions["mail"].port = silent.getsockname()[1]
        queue(app)
        with app.app_context():
            assert mailer.deliver_pending() == (0, 1)
    row = OutboxMail.get()
    assert row.attempts == 1 and "timed out" in row.last_error.lower()


class TestPublicUrl:
    @pytest.fixture
    def config(self, config):
        config["PUBLIC_URL"] = "https://helpdesk.kemensos.go.id/layanan"
        return config

    def test_ticket_links_use_the_public_address(self, citizen, make_ticket, mailbox):
        ticket = make_ticket(citizen)
        [mail] = mailbox.to(citizen.email)
        link = f"https://helpdesk.kemensos.go.id/layanan/tickets/{ticket.number}"
        assert link in mail.get_body(preferencelist=("plain",)).get_content()


def test_a_message_that_cannot_be_sent_does_not_hold_up_the_others(app, runner, mailbox):
    app.extensions["mail_dispatcher"].stop()
    with app.app_context():
        notifications.queue_rendered("rusak@contoh.id", "Baris\r\nBcc: x@contoh.id", "Isi")
        notifications.queue_rendered("baik@contoh.id", "Baik", "Isi")
    assert "1 terkirim, 1 gagal" in runner.invoke(args=["send-mail"]).output
    assert mailbox.to("baik@contoh.id")[0]["Subject"] == "Baik"
    broken = OutboxMail.get(OutboxMail.recipient == "rusak@contoh.id")
    assert broken.attempts == 1 and broken.sent_at is None and "BadHeader" in broken.last_error
    assert broken.failed_at is not None  # it can never be sent: no more attempts


@pytest.mark.parametrize("count", [2, 7])
@pytest.mark.parametrize("files", [0, 1])
def test_a_batch_of_mail_takes_three_statements_at_most(app, mailbox, monkeypatch, count,
                                                        files):
    """The due mail is claimed (with its rows) in one statement, its attachments read once
    for the batch when it has any, and the messages the server took marked sent in one
    (a batch sent within MARK_SECONDS; test_outbox.py shows the marks made sooner). The
    mail thread looks for rows that used every attempt once in a while, a command at
    each run."""
    app.extensions["mail_dispatcher"].stop()
    monkeypatch.setattr(mailer, "MARK_SECONDS", 60)  # however slow this machine is
    with app.app_context(), db.database.connection_context():
        queue(app, count=2)  # on PostgreSQL a connection prepares what it runs twice
        assert mailer.deliver_pending() == (2, 0)
        queue(app, count=count)
        if files:
            notifications.queue_rendered("laporan@contoh.id", "Laporan", "Terlampir.",
                                         files=[("laporan.csv", "text/csv", b"a,b\n")])
        with statements_run() as seen:
            assert mailer.deliver_pending(give_up=False) == (count + files, 0)
        assert len(seen) == 1 + files + 1
        queue(app, count=1)
        with statements_run() as seen:
            assert mailer.deliver_pending() == (1, 0)
        assert len(seen) == 1 + 1 + 1
    received = mailbox.wait(3 + count + files)
    assert len(received) == 3 + count + files
    if files:
        report, = [mail for mail in received if mail["To"] == "laporan@contoh.id"]
        attachment, = report.iter_attachments()
        assert attachment.get_filename() == "laporan.csv"
        assert attachment.get_content() == "a,b\n"




def test_every_message_arrives_when_the_connection_is_made_anew(app, mailbox):
    """After MAIL_MAX_EMAILS messages the SMTP connection is closed and opened again."""
    app.extensions["mail_dispatcher"].stop()
    app.extensions["mail"].max_emails = 2
    queue(app, count=5)
    with app.app_context(), db.database.connection_context():
        assert mailer.deliver_pending() == (5, 0)
    received = mailbox.wait(5)
    assert sorted(mail["To"] for mail in received) == [f"warga{i}@contoh.id" for i in range(5)]
    assert not OutboxMail.select().where(OutboxMail.sent_at.is_null()).exists()
