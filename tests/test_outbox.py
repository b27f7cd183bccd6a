"""Nothing is silently abandoned: mail the server refuses for good, or that used every
attempt, is marked failed, listed in the admins' Outbox and sent again by Retry; a copy
re-sent after a lost claim carries the first one's Message-ID; send-mail --now."""
import json
import logging
import time
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from playhouse.migrate import migrate

from helpdesk import mailer, migrations, notifications
from helpdesk.db import db
from helpdesk.models import OutboxMail, SchemaVersion, utcnow

from conftest import Sink, csrf_from, free_port, login


class Refusing(Sink):
    """An SMTP server that answers every recipient with ``answer``."""

    def __init__(self, answer):
        super().__init__()
        self.answer = answer

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return self.answer


@pytest.fixture
def smtp_answering():
    """Start SMTP servers with a given behaviour for one test: ``smtp_answering(handler,
    **smtp_options)`` returns the port."""
    controllers = []

    def start(handler, **options):
        controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **options)
        controller.start()
        controllers.append(controller)
        return controller.port
    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def admin(make_user):
    return make_user("admin@kemensos.go.id", roles=["admin"], full_name="Ani Admin")


def queue(app, *recipients):
    with app.app_context():
        return [notifications.queue_rendered(r, f"Uji {r}", f"Isi rahasia untuk {r}")
                for r in recipients]


def fresh(row):
    return OutboxMail.get_by_id(row.id)


def deliver(app):
    with app.app_context():
        return mailer.deliver_pending()


def fail_for_good(app, smtp_answering, *recipients):
    """Rows refused with 550 by a server, so marked failed (delivery thread not started)."""
    mail = app.extensions["mail"]
    mail.port, sink_port = smtp_answering(Refusing("550 5.1.1 Mailbox unavailable")), mail.port
    rows = queue(app, *recipients)
    assert deliver(app) == (0, len(rows))
    mail.port = sink_port
    return rows


def action(client, name, *rows):
    token = csrf_from(client.get("/admin/outbox/?flt0_status=waiting").text)
    return client.post("/admin/outbox/action/", data={
        "csrf_token": token, "action": name, "rowid": [str(r.id) for r in rows],
        "url": "/admin/outbox/?flt0_status=waiting"}, follow_redirects=True)


def wait_sent(row, timeout=10):
    deadline = time.monotonic() + timeout  # the row is marked just after the server took it
    while fresh(row).sent_at is None and time.monotonic() < deadline:
        time.sleep(0.02)
    return fresh(row).sent_at is not None


# --- failed mail ---------------------------------------------------------------------------

def test_mail_that_used_every_attempt_is_marked_failed_and_listed(app, runner, client_of,
                                                                  admin, caplog):
    app.extensions["mail_dispatcher"].stop()
    app.extensions["mail"].port = free_port()  # nothing listens there
    [row] = queue(app, "warga@contoh.id")
    OutboxMail.update(attempts=app.config["MAIL_MAX_ATTEMPTS"] - 1).execute()
    with caplog.at_level(logging.ERROR, logger="helpdesk.mailer"):
        assert "0 terkirim, 1 gagal" in runner.invoke(args=["send-mail"]).output
    assert fresh(row).failed_at is not None and fresh(row).sent_at is None
    assert "failed 8 times, marked failed" in caplog.text

    OutboxMail.update(next_attempt_at=utcnow() - timedelta(days=1)).execute()
    assert "0 terkirim, 0 gagal; 0 dalam antrean, 1 tidak dicoba lagi" in runner.invoke(
        args=["send-mail"]).output

    browser = client_of(admin)
    assert browser.get("/admin/outbox/").headers["Location"].endswith(
        "/admin/outbox/?flt0_status=waiting")
    page = browser.get("/admin/outbox/?flt0_status=failed").text
    assert "warga@contoh.id" in page and "Uji warga@contoh.id" in page
    assert "ConnectionRefusedError" in page and "mail-failed" in page
    assert "dalam antrean atau gagal" in page  # the status filter's choices, translated
    assert "Isi rahasia" not in page  # the body is on the details page only
    details = browser.get(f"/admin/outbox/details/?id={row.id}").text
    assert "Isi rahasia untuk warga@contoh.id" in details
    assert "warga@contoh.id" not in browser.get("/admin/outbox/?flt0_status=sent").text


@pytest.mark.parametrize("who", ["agent", "supervisor", "citizen"])
def test_only_admins_see_the_outbox(app, client_of, request, who, admin):
    [row] = queue(app, "warga@contoh.id")
    browser = client_of(request.getfixturevalue(who))
    assert browser.get("/admin/outbox/?flt0_status=waiting").status_code == 403
    assert browser.get(f"/admin/outbox/details/?id={row.id}").status_code == 403
    token = csrf_from(browser.get("/").text)
    refused = browser.post("/admin/outbox/action/", data={
        "csrf_token": token, "action": "retry_all"})
    assert refused.status_code == 403
    assert "/admin/outbox/" not in browser.get("/admin/").text


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get("/admin/outbox/?flt0_status=failed")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_outbox_cannot_be_edited(app, client_of, admin):
    [row] = queue(app, "warga@contoh.id")
    browser = client_of(admin)
    assert browser.get("/admin/outbox/new/").status_code in (302, 403, 404)
    assert browser.get(f"/admin/outbox/edit/?id={row.id}").status_code in (302, 403, 404)
    token = csrf_from(browser.get("/").text)
    browser.post("/admin/outbox/delete/", data={"csrf_token": token, "id": row.id})
    assert fresh(row).recipient == "warga@contoh.id"


def test_a_permanent_refusal_fails_the_mail_at_once(app, smtp_answering, client_of, admin,
                                                    caplog):
    app.extensions["mail_dispatcher"].stop()
    with caplog.at_level(logging.ERROR, logger="helpdesk.mailer"):
        [row] = fail_for_good(app, smtp_answering, "tidak-ada@contoh.id")
    row = fresh(row)
    assert row.attempts == 1 and row.failed_at is not None and "550" in row.last_error
    [record] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "refused for good" in record.getMessage() and "550" in record.getMessage()
    page = client_of(admin).get("/admin/outbox/?flt0_status=failed").text
    assert "tidak-ada@contoh.id" in page and "Mailbox unavailable" in page


def test_a_temporary_refusal_keeps_the_backoff(app, smtp_answering, caplog):
    app.extensions["mail_dispatcher"].stop()
    app.extensions["mail"].port = smtp_answering(Refusing("451 4.3.0 Try again later"))
    [row] = queue(app, "warga@contoh.id")
    with caplog.at_level(logging.WARNING, logger="helpdesk.mailer"):
        assert deliver(app) == (0, 1)
    row = fresh(row)
    assert row.attempts == 1 and row.failed_at is None and "451" in row.last_error
    assert row.next_attempt_at > utcnow() + timedelta(seconds=50)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_a_refused_sign_in_fails_every_mail_of_the_run(app, smtp_answering, caplog):
    """A wrong SMTP password is the operator's to fix; the mail waits, failed and visible,
    for Retry all rather than burning its attempts for a day."""
    app.extensions["mail_dispatcher"].stop()
    mail = app.extensions["mail"]
    mail.port = smtp_answering(Sink(), auth_require_tls=False,
                               authenticator=lambda *args: AuthResult(success=False, handled=False))
    mail.username, mail.password = "helpdesk", "salah"
    rows = queue(app, "satu@contoh.id", "dua@contoh.id")
    with caplog.at_level(logging.ERROR, logger="helpdesk.mailer"):
        assert deliver(app) == (0, 2)
    assert all(fresh(r).failed_at is not None and "535" in fresh(r).last_error for r in rows)
    assert "SMTPAuthenticationError" in caplog.text


# --- Retry ---------------------------------------------------------------------------------

def test_retry_sends_the_selected_failed_mail(app, smtp_answering, client_of, admin, mailbox):
    first, second = fail_for_good(app, smtp_answering, "satu@contoh.id", "dua@contoh.id")
    page = action(client_of(admin), "retry", first)
    assert "1 email dijadwalkan untuk dikirim ulang." in page.text
    assert mailbox.to("satu@contoh.id")[0]["Subject"] == "Uji satu@contoh.id"
    assert wait_sent(first)
    second = fresh(second)
    assert second.failed_at is not None and second.sent_at is None


def test_retry_all_sends_every_failed_mail(app, smtp_answering, client_of, admin, mailbox):
    rows = fail_for_good(app, smtp_answering, "satu@contoh.id", "dua@contoh.id")
    browser = client_of(admin)
    page = browser.get("/admin/outbox/?flt0_status=failed").text
    assert 'value="retry_all"' in page and "(2)" in page
    token = csrf_from(page)
    browser.post("/admin/outbox/action/", data={"csrf_token": token, "action": "retry_all"})
    mailbox.wait(2)
    assert sorted(m["To"] for m in mailbox.messages) == ["dua@contoh.id", "satu@contoh.id"]
    assert all(wait_sent(r) for r in rows)
    assert OutboxMail.select().where(OutboxMail.failed_at.is_null(False)).count() == 0


def test_the_desk_home_shows_admins_the_failed_mail(app, smtp_answering, client_of, admin,
                                                    agent):
    fail_for_good(app, smtp_answering, "satu@contoh.id", "dua@contoh.id")
    home = client_of(admin).get("/admin/").text
    assert 'count-failed-mail">2<' in home
    assert "/admin/outbox/?flt0_status=failed" in home
    assert "count-failed-mail" not in client_of(agent).get("/admin/").text


# --- send-mail --now -----------------------------------------------------------------------

def test_send_mail_now_ignores_the_backoff(app, runner, smtp_answering, mailbox):
    app.extensions["mail_dispatcher"].stop()
    [failed] = fail_for_good(app, smtp_answering, "gagal@contoh.id")
    [waiting] = queue(app, "warga@contoh.id")
    OutboxMail.update(attempts=3, next_attempt_at=utcnow() + timedelta(hours=3)).where(
        OutboxMail.id == waiting.id).execute()
    assert "0 terkirim, 0 gagal" in runner.invoke(args=["send-mail"]).output

    result = runner.invoke(args=["send-mail", "--now"])
    said = result.output
    assert "1 terkirim, 0 gagal; 0 dalam antrean, 1 tidak dicoba lagi" in said, said
    assert mailbox.to("warga@contoh.id")[0]["Subject"] == "Uji warga@contoh.id"
    assert fresh(failed).sent_at is None  # failed mail waits for Retry

    result = runner.invoke(args=["send-mail", "--retry-failed"])
    assert "1 email yang gagal diantrekan kembali" in result.output
    assert "1 terkirim" in result.output
    assert mailbox.to("gagal@contoh.id")
    assert "--retry-failed" in runner.invoke(args=["send-mail", "--help"]).output


# --- at least once -------------------------------------------------------------------------

class Killed(BaseException):
    """The worker dies between the SMTP send and marking the row sent."""


def test_a_copy_sent_again_after_a_lost_claim_keeps_the_message_id(app, mailbox, monkeypatch):
    app.extensions["mail_dispatcher"].stop()
    [row] = queue(app, "warga@contoh.id")
    message_id = json.loads(row.headers)["Message-ID"]

    def die(row, marks):
        raise Killed
    monkeypatch.setattr(mailer, "_sent", die)
    with pytest.raises(Killed):
        deliver(app)
    mailbox.to("warga@contoh.id")
    assert fresh(row).sent_at is None
    monkeypatch.undo()

    with app.app_context():
        assert mailer.deliver_pending() == (0, 0)  # still claimed
        assert mailer.deliver_pending(now=utcnow() + mailer.LEASE + timedelta(seconds=1)) \
            == (1, 0)
    copies = mailbox.to("warga@contoh.id", count=2)
    assert [m["Message-ID"] for m in copies] == [message_id, message_id]
    assert fresh(row).sent_at is not None


def test_a_run_marks_its_mail_sent_at_once_and_a_kill_resends_only_what_was_unmarked(
        app, mailbox, monkeypatch):
    """The rows a run sent are marked together at its end (one statement for the run);
    after MARK_SECONDS they are marked before the next is sent, so a process killed then
    sends again only the mail sent since."""
    app.extensions["mail_dispatcher"].stop()
    rows = queue(app, "satu@contoh.id", "dua@contoh.id", "tiga@contoh.id")
    marks, mark = [], mailer._Marks.mark
    monkeypatch.setattr(mailer._Marks, "mark", lambda self: (
        marks.append(list(self.ids)), mark(self)))
    assert deliver(app) == (3, 0)
    assert [ids for ids in marks if ids] == [[row.id for row in rows]]
    assert all(fresh(row).sent_at is not None for row in rows)
    mailbox.wait(3)

    rows = queue(app, "empat@contoh.id", "lima@contoh.id", "enam@contoh.id")
    monkeypatch.setattr(mailer, "MARK_SECONDS", 0)  # each one marked at once
    sent = mailer._sent

    def die_at_the_third(row, marks):
        if row.id == rows[2].id:
            raise Killed
        sent(row, marks)
    monkeypatch.setattr(mailer, "_sent", die_at_the_third)
    with pytest.raises(Killed):
        deliver(app)
    assert [fresh(row).sent_at is not None for row in rows] == [True, True, False]
    monkeypatch.setattr(mailer, "_sent", sent)
    with app.app_context():
        assert mailer.deliver_pending(now=utcnow() + mailer.LEASE + timedelta(seconds=1)) \
            == (1, 0)
    assert len(mailbox.to("enam@contoh.id", count=2)) == 2
    assert len(mailbox.to("empat@contoh.id")) == 1


# --- upgrading ----------------------------------------------------------------------------

@pytest.mark.alters_schema
def test_upgrade_adds_failed_at_and_gives_up_on_exhausted_rows(app, runner):
    app.extensions["mail_dispatcher"].stop()
    name = "0004_outbox_failed"
    migrator = migrations.migrator_for(db.database)
    migrate(migrator.drop_index("outboxmail", "outboxmail_sent_at_failed_at"),
            migrator.drop_column("outboxmail", "failed_at"))
    SchemaVersion.delete().where(SchemaVersion.name == name).execute()
    db.database.execute_sql(
        "INSERT INTO outboxmail (recipient, subject, body_text, headers, kind, created_at, "
        "attempts, next_attempt_at) VALUES ('lama@contoh.id', 'Lama', 'Isi', '{}', '', "
        "'2026-01-01 00:00:00', 8, '2026-01-02 00:00:00')")

    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and name in result.output, result.output
    assert "outboxmail_sent_at_failed_at" in {i.name for i in db.database.get_indexes("outboxmail")}
    assert "0 dalam antrean, 1 tidak dicoba lagi" in runner.invoke(args=["send-mail"]).output
