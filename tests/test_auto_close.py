"""A resolution its requester leaves unanswered FLASK_AUTO_CLOSE_DAYS closes by itself: an
event by the system, an e-mail to the requester, once, however many processes run it;
from cron (``flask auto-close``) or the app's own scheduled work. The clock is passed in."""
import time
from datetime import datetime, timedelta

import pytest

from helpdesk import lifecycle
from helpdesk.lifecycle import closing
from helpdesk.models import OutboxMail, Ticket, TicketEvent, TicketStatus

from conftest import body_of, desk_url, login

RESOLVED_AT = datetime(2026, 11, 2, 3, 0)  # 10:00 WIB


@pytest.fixture
def config(config):
    config["PUBLIC_URL"] = "http://helpdesk.example.com"  # links for cron-made mail
    return config


@pytest.fixture
def resolved(app, citizen, supervisor, make_ticket):
    ticket = make_ticket(citizen, subject="Kartu rusak")
    with app.test_request_context():
        lifecycle.set_status(ticket, by=supervisor, status=TicketStatus.RESOLVED,
                             now=RESOLVED_AT)
    return ticket


def closing_mails():
    return list(OutboxMail.select().where(OutboxMail.kind == "ticket_status_requester",
                                          OutboxMail.subject.contains("Ditutup")))


def test_closes_after_the_days_with_an_event_by_the_system(app, client, resolved, citizen,
                                                          client_of, agent):
    with app.app_context():
        assert lifecycle.auto_close(now=RESOLVED_AT + timedelta(days=3, seconds=-1)) == 0
        assert Ticket.get_by_id(resolved.id).status == TicketStatus.RESOLVED
        assert lifecycle.auto_close(now=RESOLVED_AT + timedelta(days=3)) == 1
    saved = Ticket.get_by_id(resolved.id)
    assert saved.status == TicketStatus.CLOSED
    assert saved.closed_at == RESOLVED_AT + timedelta(days=3)
    assert saved.resolved_at == RESOLVED_AT  # the resolution stays as it was
    event = TicketEvent.get(TicketEvent.kind == "auto_closed")
    assert event.actor_id is None and event.data == {"days": 3}
    [mail] = closing_mails()
    assert mail.recipient == citizen.email
    assert "Kami menutup tiket ini secara otomatis" in mail.body_text
    assert "dalam 3 hari" in mail.body_text
    assert f"http://helpdesk.example.com/tickets/{resolved.number}" in mail.body_text
    login(client, citizen)
    page = client.get(f"/tickets/{resolved.number}").text
    assert "Tiket ditutup otomatis oleh sistem" in page and "Ya, tutup" not in page
    desk = client_of(agent).get(desk_url(resolved)).text
    assert "Ditutup otomatis oleh sistem: tidak ada jawaban dalam 3 hari" in desk


def test_the_days_are_a_setting(app, resolved):
    app.config["AUTO_CLOSE_DAYS"] = 7
    with app.app_context():
        assert lifecycle.auto_close(now=RESOLVED_AT + timedelta(days=6)) == 0
        assert lifecycle.auto_close(now=RESOLVED_AT + timedelta(days=7)) == 1
    assert TicketEvent.get(TicketEvent.kind == "auto_closed").data == {"days": 7}


def test_only_unanswered_resolutions_close(app, citizen, supervisor, make_ticket, resolved):
    make_ticket(citizen, subject="Masih dikerjakan")
    answered = make_ticket(citizen, subject="Dijawab pemohon")
    with app.test_request_context():
        lifecycle.set_status(answered, by=supervisor, status=TicketStatus.RESOLVED,
                             now=RESOLVED_AT)
        lifecycle.report_unsolved(answered, by=citizen, message="Belum.",
                                  now=RESOLVED_AT + timedelta(days=1))
        assert lifecycle.auto_close(now=RESOLVED_AT + timedelta(days=30)) == 1
    assert {t.subject: t.status for t in Ticket.select()} == {
        "Kartu rusak": "closed", "Masih dikerjakan": "open", "Dijawab pemohon": "open"}


def test_a_second_run_closes_nothing_and_sends_nothing(app, resolved):
    later = RESOLVED_AT + timedelta(days=4)
    with app.app_context():
        assert lifecycle.auto_close(now=later) == 1
        assert lifecycle.auto_close(now=later) == 0
        # a run that found the ticket before the other closed it: the conditional update
        # closes nothing, so no second event or mail
        assert closing._close_unanswered(resolved.id, later, 3, later) == 0
    assert TicketEvent.select().where(TicketEvent.kind == "auto_closed").count() == 1
    assert len(closing_mails()) == 1


def test_from_cron(app, runner, mailbox, resolved, citizen):
    app.config["AUTO_CLOSE_DAYS"] = 0  # (cron runs at the real time)
    result = runner.invoke(args=["auto-close"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("1 tiket ditutup otomatis; ")
    assert Ticket.get_by_id(resolved.id).status == TicketStatus.CLOSED
    [closed] = [m for m in mailbox.to(citizen.email, count=4)  # and the survey's invitation
                if "Ditutup" in m["Subject"]]
    assert "Kami menutup tiket ini secara otomatis" in body_of(closed)
    assert runner.invoke(args=["auto-close"]).output.startswith("0 tiket ditutup otomatis")


def test_from_cron_needs_the_sites_address(app, runner, resolved):
    app.config.update(PUBLIC_URL="", AUTO_CLOSE_DAYS=0)
    result = runner.invoke(args=["auto-close"])
    assert result.exit_code == 2 and "FLASK_PUBLIC_URL" in result.output
    assert Ticket.get_by_id(resolved.id).status == TicketStatus.RESOLVED


def test_the_app_runs_it_by_itself(app, client, resolved):
    from helpdesk import scheduler
    app.config.update(AUTO_CLOSE_CHECK_SECONDS=0.2, AUTO_CLOSE_DAYS=0)
    scheduler.init_app(app)
    client.get("/")  # the first request starts the job
    deadline = time.monotonic() + 10
    while Ticket.get_by_id(resolved.id).status != "closed" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert Ticket.get_by_id(resolved.id).status == TicketStatus.CLOSED
    assert TicketEvent.select().where(TicketEvent.kind == "auto_closed").count() == 1
