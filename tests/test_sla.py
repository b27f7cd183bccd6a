"""The SLA watch: ``flask sla-check`` and the app's own periodic run mark open tickets past
due as overdue once, with one event and one alert; resolving clears the flag, not the
record of the breach."""
import time
from datetime import timedelta

import pytest

from helpdesk.models import OutboxMail, Ticket, TicketEvent, utcnow

from conftest import body_of, desk_post


def past_due(ticket, hours=1):
    Ticket.update(due_at=utcnow() - timedelta(hours=hours)).where(
        Ticket.id == ticket.id).execute()


def overdue_events(ticket):
    return TicketEvent.select().where(TicketEvent.ticket == ticket,
                                      TicketEvent.kind == "overdue").count()


def test_sla_check_marks_once_and_alerts_the_assignee(runner, client_of, citizen, agent,
                                                      colleague, make_ticket, mailbox):
    late, on_time = make_ticket(citizen, subject="Terlambat"), make_ticket(citizen)
    desk_post(client_of(agent), late, "claim")
    past_due(late)
    first = runner.invoke(args=["sla-check"])
    assert first.exit_code == 0 and first.output.startswith("1 tiket baru terlambat")
    saved = Ticket.get_by_id(late.id)
    assert saved.overdue and saved.sla_breached_at is not None
    assert not Ticket.get_by_id(on_time.id).overdue
    assert overdue_events(late) == 1
    alert = [m for m in mailbox.to(agent.email, count=3) if "Terlambat" in m["Subject"]
             and m["Subject"] != mailbox.to(agent.email)[0]["Subject"]]
    assert alert and ("http://helpdesk.example.com/admin/ticket/details/?id="
                      f"{late.id}") in body_of(alert[-1])
    outbox = OutboxMail.select().count()

    again = runner.invoke(args=["sla-check"])
    assert again.output.startswith("0 tiket baru terlambat")
    assert overdue_events(late) == 1 and OutboxMail.select().count() == outbox
    assert not [m for m in OutboxMail.select() if colleague.email in m.recipients
                and m.kind == "ticket_overdue_staff"]


def test_an_unassigned_ticket_alerts_its_department(runner, citizen, agent, colleague,
                                                    make_ticket):
    ticket = make_ticket(citizen)
    past_due(ticket)
    runner.invoke(args=["sla-check"])
    alerted = {a for m in OutboxMail.select().where(
        OutboxMail.kind == "ticket_overdue_staff") for a in m.recipients}
    assert alerted == {agent.email, colleague.email}


def test_resolving_clears_the_flag_but_keeps_the_breach(runner, client_of, citizen, agent,
                                                        make_ticket):
    ticket = make_ticket(citizen)
    past_due(ticket)
    runner.invoke(args=["sla-check"])
    breached = Ticket.get_by_id(ticket.id).sla_breached_at
    desk = client_of(agent)
    desk_post(desk, ticket, "status", status="resolved")
    saved = Ticket.get_by_id(ticket.id)
    assert not saved.overdue and saved.sla_breached_at == breached
    overdue_queue = desk.get("/admin/ticket/?flt0_status=any&flt1_overdue=yes").text
    assert f"#{ticket.number}<" not in overdue_queue

    desk_post(desk, ticket, "status", status="open")  # reopened, still past due
    runner.invoke(args=["sla-check"])
    saved = Ticket.get_by_id(ticket.id)
    assert saved.overdue and saved.sla_breached_at == breached
    assert overdue_events(ticket) == 1  # no second alert for the same breach


def test_resolved_and_closed_tickets_are_not_marked(runner, client_of, citizen, agent,
                                                    make_ticket):
    resolved, closed = make_ticket(citizen), make_ticket(citizen)
    desk = client_of(agent)
    desk_post(desk, resolved, "status", status="resolved")
    desk_post(desk, closed, "status", status="closed")
    past_due(resolved)
    past_due(closed)
    assert runner.invoke(args=["sla-check"]).output.startswith("0 tiket")
    assert not Ticket.select().where(Ticket.overdue).exists()


@pytest.fixture
def config(config):
    config["PUBLIC_URL"] = "http://helpdesk.example.com"  # links for cron-made mail
    return config


def test_the_app_runs_the_check_by_itself(app, client, citizen, make_ticket):
    from helpdesk import scheduler
    app.config["SLA_CHECK_SECONDS"] = 0.2  # as in production, only faster
    scheduler.init_app(app)
    ticket = make_ticket(citizen)
    past_due(ticket)
    client.get("/")  # the first request starts the watch
    deadline = time.monotonic() + 10
    while not Ticket.get_by_id(ticket.id).overdue and time.monotonic() < deadline:
        time.sleep(0.05)
    assert Ticket.get_by_id(ticket.id).overdue
    assert overdue_events(ticket) == 1


def test_sla_check_from_cron_needs_the_sites_address(app, runner, citizen, make_ticket):
    app.config["PUBLIC_URL"] = ""
    ticket = make_ticket(citizen)
    past_due(ticket)
    result = runner.invoke(args=["sla-check"])
    assert result.exit_code == 2 and "FLASK_PUBLIC_URL" in result.output
    assert not Ticket.get_by_id(ticket.id).overdue
