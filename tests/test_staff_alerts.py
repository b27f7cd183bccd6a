"""An alert to several staff members is one message per language, each of them a Bcc: every
agent of the department receives it, none sees another's address, and a new ticket sends as
many messages with two agents as with six. A server that refuses some of the recipients
refuses them alone: the others have the message, and the refused ones wait in the Outbox
(a 5xx for good, for an administrator's Retry; a 4xx with the usual backoff)."""
import json
import logging
from datetime import timedelta
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from playhouse.migrate import PostgresqlMigrator, migrate
from peewee import CharField

from helpdesk import lifecycle, mailer, migrations, notifications
from helpdesk.db import db
from helpdesk.models import Department, OutboxMail, SchemaVersion, Ticket, utcnow

from conftest import Sink, csrf_from, free_port


def team(make_user, count, department="Tim SIKS-NG", locale="id"):
    return [make_user(f"{department.split()[-1].lower()}.{n}@kemensos.go.id", roles=["agent"],
                      departments=[department], full_name=f"Petugas {n}", locale=locale)
            for n in range(count)]


def deliver(app):
    with app.app_context():
        return mailer.deliver_pending()


def headers_of(message):
    return "\n".join(f"{name}: {value}" for name, value in message.items())


def alerts_in(mailbox):
    return [m for m in mailbox.messages if "warga@contoh.id" not in m.envelope_to]


@pytest.mark.parametrize("count", [2, 6])
def test_every_agent_receives_the_new_ticket_alert_and_sees_no_other(app, citizen, make_user,
                                                                   make_ticket, mailbox, count):
    app.extensions["mail_dispatcher"].stop()
    agents = team(make_user, count)
    ticket = make_ticket(citizen)
    assert deliver(app) == (2, 0)  # the receipt and one alert, whatever the number of agents
    assert len(mailbox.messages) == 2
    [alert] = alerts_in(mailbox)
    assert sorted(alert.envelope_to) == sorted(agent.email for agent in agents)
    assert alert["To"] == "undisclosed-recipients:;" and "Bcc" not in alert
    assert not any(agent.email in headers_of(alert) for agent in agents)
    assert f"[#{ticket.number}]" in alert["Subject"]
    assert "Yth. Bapak/Ibu petugas Tim SIKS-NG," in alert.get_body(("plain",)).get_content()
    for agent in agents:
        assert mailbox.to(agent.email) == [alert]
    [receipt] = mailbox.to("warga@contoh.id")
    assert receipt["To"] == "warga@contoh.id"


def test_one_alert_per_language(app, citizen, make_user, make_ticket, mailbox):
    app.extensions["mail_dispatcher"].stop()
    indonesian = team(make_user, 3)
    english = [make_user(f"en.{n}@kemensos.go.id", roles=["agent"], departments=["Tim SIKS-NG"],
                         full_name=f"Officer {n}", locale="en") for n in range(2)]
    make_ticket(citizen)
    assert deliver(app) == (3, 0)
    by_language = {tuple(sorted(m.envelope_to)): m for m in alerts_in(mailbox)}
    text = by_language[tuple(sorted(a.email for a in english))].get_body(("plain",)).get_content()
    assert "Dear agents of Tim SIKS-NG," in text and "New ticket" in text
    text = by_language[tuple(sorted(a.email for a in indonesian))].get_body(
        ("plain",)).get_content()
    assert "Yth. Bapak/Ibu petugas Tim SIKS-NG," in text


def test_a_transfer_and_an_overdue_ticket_alert_the_department_in_one_message(
        app, citizen, supervisor, make_user, make_ticket, mailbox):
    app.extensions["mail_dispatcher"].stop()
    agents = team(make_user, 4, department="Tim Data Terpadu")
    ticket = make_ticket(citizen)
    deliver(app)
    mailbox.messages.clear()
    with app.test_request_context():
        lifecycle.transfer(ticket, by=supervisor, to=Department.get(name="Tim Data Terpadu"),
                           comment="Soal data, bukan aplikasi.")
    Ticket.update(due_at=utcnow() - timedelta(hours=1)).where(Ticket.id == ticket.id).execute()
    with app.test_request_context():
        assert lifecycle.mark_overdue() == 1
    assert deliver(app) == (2, 0)
    transferred, overdue = mailbox.messages
    assert "Soal data, bukan aplikasi." in transferred.get_body(("plain",)).get_content()
    assert sorted(OutboxMail.get(OutboxMail.kind == "ticket_overdue_staff").recipients) == sorted(
        agent.email for agent in agents)
    for message in (transferred, overdue):
        assert sorted(message.envelope_to) == sorted(agent.email for agent in agents)
        assert not any(agent.email in headers_of(message) for agent in agents)


class RefusingSome(Sink):
    """An SMTP server that gives some recipients an answer of their own."""

    def __init__(self, answers):
        super().__init__()
        self.answers = answers

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.answers:
            return self.answers[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing(app):
    controllers = []

    def start(answers):
        controller = Controller(RefusingSome(answers), hostname="127.0.0.1", port=free_port())
        controller.start()
        controllers.append(controller)
        app.extensions["mail"].port = controller.port
        return controller.handler
    yield start
    for controller in controllers:
        controller.stop()


def test_a_refused_recipient_is_refused_alone(app, citizen, make_user, make_ticket, refusing,
                                              client_of, mailbox, caplog):
    app.extensions["mail_dispatcher"].stop()
    agents = team(make_user, 4)
    gone, busy = agents[1].email, agents[2].email
    sink_port = app.extensions["mail"].port
    server = refusing({gone: "550 5.1.1 Mailbox unavailable", busy: "452 4.2.2 Mailbox full"})
    make_ticket(citizen)
    alert = OutboxMail.get(OutboxMail.kind == "ticket_opened_staff")
    message_id = json.loads(alert.headers)["Message-ID"]
    with caplog.at_level(logging.WARNING, logger="helpdesk.mailer"):
        assert deliver(app) == (2, 0)
    [received] = alerts_in(server)
    assert sorted(received.envelope_to) == sorted([agents[0].email, agents[3].email])

    alert = OutboxMail.get_by_id(alert.id)
    assert alert.sent_at is not None
    assert sorted(alert.recipients) == sorted([agents[0].email, agents[3].email])
    refused = OutboxMail.get((OutboxMail.recipient == gone))
    assert refused.failed_at is not None and refused.sent_at is None and "550" in refused.last_error
    later = OutboxMail.get((OutboxMail.recipient == busy))
    assert later.failed_at is None and later.sent_at is None and "452" in later.last_error
    assert later.next_attempt_at > utcnow() + timedelta(seconds=50) and later.attempts == 1
    assert {json.loads(row.headers)["Message-ID"] for row in (refused, later)} == {message_id}
    assert f"to {gone} refused for good" in caplog.text

    admin = make_user("admin@kemensos.go.id", roles=["admin"])
    browser = client_of(admin)
    page = browser.get("/admin/outbox/?flt0_status=failed").text
    assert gone in page and busy not in page and "Mailbox unavailable" in page
    app.extensions["mail"].port = sink_port
    browser.post("/admin/outbox/action/", data={
        "csrf_token": csrf_from(page), "action": "retry", "rowid": [str(refused.id)],
        "url": "/admin/outbox/?flt0_status=failed"})
    deliver(app)
    [again] = mailbox.to(gone)
    assert again.envelope_to == [gone] and again["Message-ID"] == message_id


def test_a_refused_recipient_keeps_the_attachments(app, refusing, mailbox):
    app.extensions["mail_dispatcher"].stop()
    sink_port = app.extensions["mail"].port
    refusing({"dua@kemensos.go.id": "550 5.1.1 Mailbox unavailable"})
    with app.app_context():
        row = notifications.queue_rendered(
            "satu@kemensos.go.id, dua@kemensos.go.id", "Laporan", "Terlampir.",
            files=[("laporan.csv", "text/csv", b"tanggal,jumlah\n")])
    assert deliver(app) == (1, 0)
    refused = OutboxMail.get(OutboxMail.recipient == "dua@kemensos.go.id")
    assert refused.failed_at is not None and OutboxMail.get_by_id(row.id).sent_at is not None
    app.extensions["mail"].port = sink_port
    with app.app_context():
        assert mailer.retry([refused.id]) == 1
    assert deliver(app) == (1, 0)
    [again] = mailbox.to("dua@kemensos.go.id")
    [file] = [part for part in again.iter_attachments()]
    assert file.get_filename() == "laporan.csv" and file.get_content() == "tanggal,jumlah\n"


def test_every_recipient_refused_for_good_fails_the_message_once(app, citizen, make_user,
                                                                 make_ticket, refusing):
    app.extensions["mail_dispatcher"].stop()
    agents = team(make_user, 3)
    refusing({agent.email: "550 5.1.1 Mailbox unavailable" for agent in agents})
    make_ticket(citizen)
    assert deliver(app) == (1, 1)
    [alert] = OutboxMail.select().where(OutboxMail.kind == "ticket_opened_staff")
    assert alert.failed_at is not None
    assert sorted(alert.recipients) == sorted(a.email for a in agents)


def test_the_outbox_lists_every_recipient(app, citizen, make_user, make_ticket, client_of):
    app.extensions["mail_dispatcher"].stop()
    agents = team(make_user, 5)
    make_ticket(citizen)
    alert = OutboxMail.get(OutboxMail.kind == "ticket_opened_staff")
    browser = client_of(make_user("admin@kemensos.go.id", roles=["admin"]))
    page = browser.get("/admin/outbox/?flt0_status=waiting").text
    assert f"{agents[0].email}, {agents[1].email}" in page and "dan 3 lainnya" in page
    found = browser.get(f"/admin/outbox/?flt0_status=waiting&search={agents[4].email}").text
    assert "dan 3 lainnya" in found and "warga@contoh.id" not in found
    details = browser.get(f"/admin/outbox/details/?id={alert.id}").text
    assert all(agent.email in details for agent in agents)


class TestWithoutSmtpServer:
    @pytest.fixture
    def config(self, config):
        config["MAIL_SERVER"] = ""
        return config

    def test_an_alert_to_several_agents_is_one_file(self, app, citizen, make_user, make_ticket,
                                                     caplog):
        app.extensions["mail_dispatcher"].stop()
        agents = team(make_user, 3)
        ticket = make_ticket(citizen)
        with caplog.at_level(logging.WARNING, logger="helpdesk.mailer"):
            assert deliver(app) == (2, 0)
        files = [f.read_bytes() for f in Path(app.config["MAIL_FOLDER"]).glob("*.eml")]
        [alert] = [f for f in files if b"undisclosed-recipients:;" in f]
        assert f"#{ticket.number}".encode() in alert
        assert not any(agent.email.encode() in alert for agent in agents)
        assert ", ".join(agent.email for agent in agents) in caplog.text


@pytest.mark.alters_schema
def test_upgrade_lets_the_outbox_keep_a_large_department(app, runner, citizen, make_user,
                                                         make_ticket):
    """Migration 0027: ``recipient`` held 255 characters on PostgreSQL."""
    app.extensions["mail_dispatcher"].stop()
    migrator = migrations.migrator_for(db.database)
    if isinstance(migrator, PostgresqlMigrator):
        migrate(migrator.alter_column_type("outboxmail", "recipient", CharField(max_length=255)))
    SchemaVersion.delete().where(SchemaVersion.name == "0027_outbox_recipients").execute()
    result = runner.invoke(args=["init-db"])
    assert result.exit_code == 0 and "0027_outbox_recipients" in result.output, result.output
    agents = team(make_user, 40)
    make_ticket(citizen)
    alert = OutboxMail.get(OutboxMail.kind == "ticket_opened_staff")
    assert len(alert.recipient) > 255
    assert sorted(alert.recipients) == sorted(a.email for a in agents)
