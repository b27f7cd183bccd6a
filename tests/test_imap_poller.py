"""The IMAP poller against a real Dovecot, with the pipeline replaced by a recorder: what is
fetched, moved, left for the next run, and what ``fetch-mail`` says and exits with. The whole
pipeline over IMAP is in test_intake_imap.py."""
import logging
import threading
from types import SimpleNamespace

import pytest

from app import create_app
from helpdesk import intake
from helpdesk.intake import imap as poller
from imap_server import Dovecot


def message(n, subject=None):
    return (f"From: warga{n}@contoh.id\r\nTo: helpdesk@kemensos.go.id\r\n"
            f"Subject: {subject or f'Pesan {n}'}\r\nMessage-ID: <pesan-{n}@contoh.id>\r\n"
            f"\r\nIsi pesan {n}\r\n").encode()


@pytest.fixture
def config(config):
    config["PUBLIC_URL"] = "http://localhost"  # the answers' links
    return config


@pytest.fixture
def received(monkeypatch):
    """The raw messages handed to ``intake.receive``; a subject containing "SIBUK" makes it
    raise TemporaryFailure (the database busy), "RUSAK" any other error (a fault of ours)."""
    seen = []

    def receive(raw, *, source):
        assert source == "imap"
        if b"SIBUK" in raw:
            raise intake.TemporaryFailure("database unavailable")
        if b"RUSAK" in raw:
            raise KeyError("a fault of ours")
        seen.append(raw)
        return SimpleNamespace(kind="new_ticket" if b"baru" in raw else "reply", ticket=None)
    monkeypatch.setattr(intake, "receive", receive)
    return seen


def test_fetch_mail_takes_in_each_message_then_moves_it_to_the_processed_folder(
        imap_mailbox, received, runner):
    imap_mailbox.append(message(1), message(2, "Tiket baru"), message(3))
    result = runner.invoke(args=["fetch-mail"])
    assert result.exit_code == 0, result.output
    assert received == [message(1), message(2, "Tiket baru"), message(3)]
    assert imap_mailbox.messages() == []
    assert imap_mailbox.messages("Processed") == received
    assert "3 pesan dibaca: 2 balasan, 1 tiket baru, 0 ditolak, 0 dikarantina" in result.output
    with imap_mailbox.client() as imap:  # shown in mail clients
        assert "Processed" in [name for _, _, name in imap.list_sub_folders()]

    again = runner.invoke(args=["fetch-mail"])
    assert again.exit_code == 0 and "0 pesan dibaca" in again.output
    assert len(received) == 3


def test_a_temporary_failure_leaves_the_message_for_the_next_run(imap_mailbox, received,
                                                                 runner, monkeypatch):
    imap_mailbox.append(message(1), message(2, "SIBUK"), message(3))
    result = runner.invoke(args=["fetch-mail"])
    assert result.exit_code == 0, result.output
    assert "1 menunggu pembacaan berikutnya" in result.output
    assert imap_mailbox.messages() == [message(2, "SIBUK")]
    assert imap_mailbox.messages("Processed") == [message(1), message(3)]

    def receive(raw, *, source):  # the database is back
        received.append(raw)
        return SimpleNamespace(kind="reply", ticket=None)
    monkeypatch.setattr(intake, "receive", receive)
    assert runner.invoke(args=["fetch-mail"]).exit_code == 0
    assert received[-1] == message(2, "SIBUK")
    assert imap_mailbox.messages() == []
    assert len(imap_mailbox.messages("Processed")) == 3


def test_a_message_our_code_fails_on_stays_and_does_not_hold_up_the_others(
        imap_mailbox, received, runner, caplog):
    imap_mailbox.append(message(1, "RUSAK"), message(2))
    result = runner.invoke(args=["fetch-mail"])
    assert result.exit_code == 0, result.output
    assert received == [message(2)]
    assert imap_mailbox.messages() == [message(1, "RUSAK")]
    assert "could not be taken in" in caplog.text and "a fault of ours" in caplog.text


def test_a_message_another_process_took_meanwhile_is_skipped(imap_mailbox, received,
                                                             runner, monkeypatch):
    """Two app servers reading one mailbox: while this one takes in the first message, the
    other takes the second and moves it away."""
    imap_mailbox.append(message(1), message(2))
    record = intake.receive

    def receive_while_another_takes_the_next(raw, *, source):
        with imap_mailbox.client() as other:
            other.select_folder("INBOX")
            other.move(other.search(["HEADER", "Subject", "Pesan 2"]), "Processed")
        return record(raw, source=source)
    monkeypatch.setattr(intake, "receive", receive_while_another_takes_the_next)
    result = runner.invoke(args=["fetch-mail"])
    assert result.exit_code == 0, result.output
    assert received == [message(1)]
    assert "1 pesan dibaca" in result.output
    assert imap_mailbox.messages() == []
    assert imap_mailbox.messages("Processed") == [message(2), message(1)]


@pytest.mark.parametrize("capabilities", ["UIDPLUS", ""])
def test_a_server_without_move_gets_copy_then_delete_of_that_message_only(
        app, received, runner, capabilities):
    plain = Dovecot(extra=f"imap_capability = IMAP4rev1 LITERAL+ SASL-IR {capabilities}")
    try:
        plain.start()
        with plain.client() as imap:
            assert not imap.has_capability("MOVE")
        plain.append(message(1), message(2))
        with plain.client() as imap:  # someone's message deleted but not yet expunged
            imap.append("INBOX", message(3), flags=[b"\\Deleted"])
        app.config.update(INTAKE_IMAP_URL=plain.url(), INTAKE_IMAP_CA_FILE=plain.ca_file)
        assert runner.invoke(args=["fetch-mail"]).exit_code == 0
        assert runner.invoke(args=["fetch-mail"]).exit_code == 0
        assert received == [message(1), message(2)]
        assert plain.messages("Processed") == [message(1), message(2)]
        if capabilities:  # expunged one by one
            assert plain.messages() == [message(3)]
        else:  # flagged deleted, for the server or a client to expunge
            assert plain.messages() == [message(1), message(2), message(3)]
            assert plain.messages(criteria="UNDELETED") == []
    finally:
        plain.remove()


def test_with_no_done_folder_messages_are_flagged_read_and_left_in_place(
        imap_mailbox, received, app, runner):
    app.config["INTAKE_IMAP_DONE_FOLDER"] = ""
    imap_mailbox.append(message(1))
    assert runner.invoke(args=["fetch-mail"]).exit_code == 0
    imap_mailbox.append(message(2))
    assert runner.invoke(args=["fetch-mail"]).exit_code == 0
    assert received == [message(1), message(2)]
    with imap_mailbox.client() as imap:
        imap.select_folder("INBOX", readonly=True)
        assert len(imap.search("SEEN")) == 2
        assert [name for _, _, name in imap.list_folders()] == ["INBOX"]


def test_plain_imap_only_when_the_url_says_so(imap_mailbox, received, app, runner):
    app.config["INTAKE_IMAP_URL"] = imap_mailbox.url(tls=False)
    imap_mailbox.append(message(1))
    assert runner.invoke(args=["fetch-mail"]).exit_code == 0
    assert received == [message(1)]
    assert poller.parse_url(imap_mailbox.url()).tls
    assert not poller.parse_url(imap_mailbox.url(tls=False)).tls


@pytest.mark.parametrize("url, port, tls, user, password, folder", [
    ("imaps://helpdesk:rahasia@mail.kemensos.go.id/INBOX", 993, True, "helpdesk", "rahasia",
     "INBOX"),
    ("imaps://helpdesk%40kemensos.go.id:a%2Fb%40c@mail.kemensos.go.id:1993/Masuk", 1993,
     True, "helpdesk@kemensos.go.id", "a/b@c", "Masuk"),
    ("imap://helpdesk:rahasia@localhost", 143, False, "helpdesk", "rahasia", "INBOX"),
])
def test_the_url_gives_server_account_and_folder(url, port, tls, user, password, folder):
    mailbox = poller.parse_url(url)
    assert (mailbox.port, mailbox.tls, mailbox.user, mailbox.password, mailbox.folder) == (
        port, tls, user, password, folder)
    assert password not in str(mailbox) + repr(mailbox)


@pytest.mark.parametrize("url", ["pop3://a:b@host/INBOX", "imaps://host/INBOX",
                                 "mail.kemensos.go.id"])
def test_fetch_mail_refuses_a_url_it_cannot_use(app, runner, url):
    app.config["INTAKE_IMAP_URL"] = url
    result = runner.invoke(args=["fetch-mail"])
    assert result.exit_code == 2
    assert "imaps://user:password@host/INBOX" in result.output


def test_fetch_mail_without_a_mailbox_or_an_address_says_what_to_set(imap_mailbox, app,
                                                                     runner, received):
    imap_mailbox.append(message(1))
    app.config["PUBLIC_URL"] = ""
    result = runner.invoke(args=["fetch-mail"])
    assert result.exit_code == 2 and "FLASK_PUBLIC_URL" in result.output
    app.config.update(PUBLIC_URL="http://localhost", INTAKE_IMAP_URL="")
    result = runner.invoke(args=["fetch-mail"])
    assert result.exit_code == 2 and "FLASK_INTAKE_IMAP_URL" in result.output
    assert received == [] and imap_mailbox.messages() == [message(1)]


@pytest.mark.parametrize("problem", ["server down", "wrong password", "untrusted certificate"])
def test_a_mailbox_that_cannot_be_read_fails_the_command_and_is_logged(
        imap_mailbox, received, app, runner, caplog, problem):
    imap_mailbox.append(message(1))
    if problem == "server down":
        app.config["INTAKE_IMAP_URL"] = imap_mailbox.url().replace(
            str(imap_mailbox.tls_port), str(Dovecot.unused_port()))
    elif problem == "wrong password":
        app.config["INTAKE_IMAP_URL"] = imap_mailbox.url().replace(":kotak-surat-uji@", ":salah@")
    else:
        app.config["INTAKE_IMAP_CA_FILE"] = ""
    with caplog.at_level(logging.ERROR, logger="helpdesk.intake.imap"):
        result = runner.invoke(args=["fetch-mail"])
    assert result.exit_code == 1
    assert "Kotak surat tidak dapat dibaca sampai selesai" in result.output
    assert "mail intake from imaps://helpdesk@127.0.0.1" in caplog.text
    assert "kotak-surat-uji" not in caplog.text + result.output
    assert received == [] and imap_mailbox.messages() == [message(1)]


@pytest.fixture
def polling(imap_mailbox, config):
    config["INTAKE_POLL_SECONDS"] = 3600  # a run at the start, then only when woken
    return imap_mailbox


def test_the_scheduled_work_reads_the_mailbox(polling, received, app):
    assert "mail_intake" in app.extensions
    polling.append(message(1))
    assert app.test_client().get("/").status_code == 200  # the first request starts it
    app.extensions["mail_intake"].wake()
    arrived = threading.Event()
    for _ in range(200):  # until the message is in the folder (at most 10 s)
        if polling.messages("Processed"):
            break
        arrived.wait(0.05)
    assert received == [message(1)]
    assert polling.messages("Processed") == [message(1)]


def test_no_scheduled_reading_without_a_period(app):
    assert "mail_intake" not in app.extensions  # INTAKE_POLL_SECONDS is 0 in the tests


@pytest.mark.parametrize("setting, value, said", [
    ("PUBLIC_URL", "", "FLASK_PUBLIC_URL is not: the mailbox is not read"),
    ("INTAKE_IMAP_URL", "pop3://helpdesk:kotak-surat-uji@127.0.0.1/INBOX",
     "FLASK_INTAKE_IMAP_URL is not an imaps:// or imap:// address"),
])
def test_no_scheduled_reading_with_a_setting_missing_or_wrong_and_the_log_says_why(
        polling, config, caplog, setting, value, said):
    config[setting] = value
    with caplog.at_level(logging.WARNING, logger="helpdesk.scheduler"):
        app = create_app(config)
    assert "mail_intake" not in app.extensions
    assert said in caplog.text and "kotak-surat-uji" not in caplog.text
