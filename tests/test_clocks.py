"""The two clocks of a ticket through every transition, with the clock passed in: the
first response (stops at the first public reply), the resolution (paused while the desk
awaits the citizen, stopped at the resolution, continued on a reopen), the breaches the
watch flags once per clock, and each department's holding. The seeded plan: first
response 8 working hours (Monday-Friday 08:00-16:00 WIB), resolution 48 hours around
the clock. Times are naive UTC; WIB is UTC+7."""
from datetime import datetime, timedelta

import pytest

from helpdesk import lifecycle
from helpdesk.clock_models import TicketHolding
from helpdesk.models import Department, OutboxMail, Ticket, TicketEvent, TicketStatus, utcnow

OPENED = datetime(2026, 11, 2, 3, 0)  # Monday 10:00 WIB
HOUR = timedelta(hours=1)


@pytest.fixture
def config(config):
    config["PUBLIC_URL"] = "http://helpdesk.example.com"  # links for cron-made mail
    return config


@pytest.fixture
def opened(app, citizen, topic):
    with app.test_request_context():
        return lifecycle.open_ticket(by=citizen, topic=topic, subject="Kartu rusak",
                                     message="Mohon dibantu.", now=OPENED)


def saved(ticket):
    return Ticket.get_by_id(ticket.id)


def kinds(ticket):
    return [e.kind for e in TicketEvent.select().where(TicketEvent.ticket == ticket)
            .order_by(TicketEvent.id)]


def test_opening_sets_both_due_times(opened):
    ticket = saved(opened)
    # 6 working hours on Monday, 2 on Tuesday morning: Tuesday 10:00 WIB
    assert ticket.first_response_due_at == datetime(2026, 11, 3, 3, 0)
    assert ticket.due_at == OPENED + 48 * HOUR
    assert ticket.next_due_at == ticket.first_response_due_at
    assert ticket.resolution_used_seconds == 0 and ticket.paused_at is None


def test_the_first_public_reply_stops_the_first_response_clock(app, opened, agent):
    with app.test_request_context():
        lifecycle.add_note(opened, by=agent, message="Cek dulu.", now=OPENED + HOUR)
        assert saved(opened).first_response_at is None  # a note is not an answer
        lifecycle.respond(opened, by=agent, message="Sedang kami periksa.",
                          now=OPENED + 2 * HOUR)
    ticket = saved(opened)
    assert ticket.first_response_at == OPENED + 2 * HOUR
    assert ticket.next_due_at == ticket.due_at  # only the resolution runs now
    with app.app_context():
        assert lifecycle.mark_overdue(now=ticket.first_response_due_at + HOUR) == 0


def test_awaiting_pauses_and_the_citizens_reply_resumes_from_the_time_used(
        app, opened, agent, citizen):
    with app.test_request_context():
        lifecycle.respond(opened, by=agent, message="Mohon kirim surat pengantar.",
                          status=TicketStatus.AWAITING, now=OPENED + 6 * HOUR)
    paused = saved(opened)
    assert paused.status == TicketStatus.AWAITING
    assert paused.resolution_used_seconds == 6 * 3600
    assert paused.paused_at == OPENED + 6 * HOUR
    assert paused.first_response_at == OPENED + 6 * HOUR
    assert "awaiting" in kinds(opened)

    answered = OPENED + 100 * HOUR  # days later: the waiting does not count
    with app.test_request_context():
        lifecycle.reply(opened, by=citizen, message="Terlampir suratnya.", now=answered)
    resumed = saved(opened)
    assert resumed.status == TicketStatus.OPEN and resumed.paused_at is None
    assert resumed.due_at == answered + 42 * HOUR
    assert resumed.next_due_at == resumed.due_at
    assert kinds(opened)[-1] == "resumed"
    alert = OutboxMail.get(OutboxMail.recipient == agent.email,
                           OutboxMail.kind == "ticket_message_staff")
    assert "Pemohon membalas" in alert.subject


def test_a_paused_ticket_never_breaches(app, opened, agent):
    with app.test_request_context():
        lifecycle.set_status(opened, by=agent, status=TicketStatus.AWAITING,
                             comment="Mohon kirim KTP.", now=OPENED + HOUR)
    with app.app_context():
        assert lifecycle.mark_overdue(now=OPENED + 30 * 24 * HOUR) == 0
    ticket = saved(opened)
    assert not ticket.overdue and ticket.sla_breached_at is None
    assert ticket.first_response_breached_at is None
    assert not {"overdue", "response_overdue"} & set(kinds(opened))


def test_resolving_from_awaiting_in_time_is_in_time(app, opened, agent):
    with app.test_request_context():
        lifecycle.set_status(opened, by=agent, status=TicketStatus.AWAITING, now=OPENED + HOUR)
        # resolved long after the first due time, with 47 hours of the clock left
        lifecycle.set_status(opened, by=agent, status=TicketStatus.RESOLVED,
                             now=OPENED + 80 * HOUR)
    ticket = saved(opened)
    assert ticket.status == TicketStatus.RESOLVED
    assert ticket.resolved_at <= ticket.due_at and ticket.late_seconds is None
    assert ticket.resolution_used_seconds == 3600


def test_closing_from_awaiting_works(app, opened, agent):
    with app.test_request_context():
        lifecycle.set_status(opened, by=agent, status=TicketStatus.AWAITING, now=OPENED + HOUR)
        lifecycle.set_status(opened, by=agent, status=TicketStatus.CLOSED, now=OPENED + 2 * HOUR)
    ticket = saved(opened)
    assert ticket.status == TicketStatus.CLOSED and ticket.closed_at == OPENED + 2 * HOUR


def test_a_reopen_continues_the_resolution_clock(app, opened, agent, citizen):
    with app.test_request_context():
        lifecycle.set_status(opened, by=agent, status=TicketStatus.RESOLVED,
                             now=OPENED + 10 * HOUR)
        stopped = saved(opened)
        assert stopped.resolution_used_seconds == 10 * 3600
        reopened_at = OPENED + 200 * HOUR
        lifecycle.reply(opened, by=citizen, message="Masih gagal.", now=reopened_at)
    ticket = saved(opened)
    assert ticket.status == TicketStatus.OPEN
    # neither the old due time nor a fresh 48 hours: what was left of them
    assert ticket.due_at == reopened_at + 38 * HOUR
    assert kinds(opened)[-1] == "reopened"


def test_a_late_resolution_reopened_is_overdue_again_without_a_second_alert(
        app, opened, agent, citizen):
    with app.test_request_context():
        lifecycle.respond(opened, by=agent, message="Kami cek.", now=OPENED + HOUR)
    with app.app_context():
        assert lifecycle.mark_overdue(now=OPENED + 50 * HOUR) == 1
    with app.test_request_context():
        lifecycle.set_status(opened, by=agent, status=TicketStatus.RESOLVED,
                             now=OPENED + 52 * HOUR)
        lifecycle.reply(opened, by=citizen, message="Belum.", now=OPENED + 60 * HOUR)
    reopened = saved(opened)
    assert reopened.due_at == OPENED + 56 * HOUR  # already 4 hours over
    with app.app_context():
        assert lifecycle.mark_overdue(now=OPENED + 61 * HOUR) == 0
    assert saved(opened).overdue and kinds(opened).count("overdue") == 1


def test_each_clocks_breach_is_an_event_with_how_late_alerted_once(app, opened, agent,
                                                                    colleague):
    answer_due = saved(opened).first_response_due_at
    with app.app_context():
        assert lifecycle.mark_overdue(now=answer_due - timedelta(seconds=1)) == 0
        assert lifecycle.mark_overdue(now=answer_due + HOUR) == 1
        assert lifecycle.mark_overdue(now=answer_due + 2 * HOUR) == 0
    ticket = saved(opened)
    assert ticket.first_response_breached_at == answer_due + HOUR
    assert not ticket.overdue  # the resolution is not late yet
    late = TicketEvent.get(TicketEvent.kind == "response_overdue")
    assert late.data == {"clock": "first_response", "late": 3600}
    alerts = OutboxMail.select().where(OutboxMail.kind == "ticket_response_overdue_staff")
    assert sorted(a for m in alerts for a in m.recipients) == sorted([agent.email,
                                                                      colleague.email])
    assert all("Tanggapan pertama terlambat" in m.subject for m in alerts)

    with app.app_context():
        assert lifecycle.mark_overdue(now=ticket.due_at + 2 * HOUR) == 1
        assert lifecycle.mark_overdue(now=ticket.due_at + 3 * HOUR) == 0
    overdue = TicketEvent.get(TicketEvent.kind == "overdue")
    assert overdue.data == {"clock": "resolution", "late": 7200}
    assert saved(opened).overdue
    assert kinds(opened).count("response_overdue") == 1


def test_transfers_record_how_long_each_department_held_the_ticket(app, opened, agent,
                                                                     supervisor):
    data_team = Department.get(name="Tim Data Terpadu")
    with app.test_request_context():
        lifecycle.transfer(opened, by=agent, to=data_team, comment="Soal data DTKS.",
                           now=OPENED + 2 * HOUR)
        lifecycle.set_status(opened, by=supervisor, status=TicketStatus.RESOLVED,
                             now=OPENED + 24 * HOUR)
    rows = list(TicketHolding.select().where(TicketHolding.ticket == opened)
                .order_by(TicketHolding.started_at))
    assert [(r.department.name, r.started_at, r.ended_at) for r in rows] == [
        ("Tim SIKS-NG", OPENED, OPENED + 2 * HOUR),
        ("Tim Data Terpadu", OPENED + 2 * HOUR, OPENED + 24 * HOUR)]
    assert (rows[0].working_seconds, rows[0].calendar_seconds) == (7200, 7200)
    # Monday 12:00-16:00 and Tuesday 08:00-10:00 WIB of the 22 hours
    assert (rows[1].working_seconds, rows[1].calendar_seconds) == (6 * 3600, 22 * 3600)


def test_a_transfer_of_a_ticket_awaiting_the_citizen_resumes_it_elsewhere(app, opened, agent):
    data_team = Department.get(name="Tim Data Terpadu")
    with app.test_request_context():
        lifecycle.set_status(opened, by=agent, status=TicketStatus.AWAITING, now=OPENED + HOUR)
        lifecycle.transfer(opened, by=agent, to=data_team, comment="Soal data.",
                           now=OPENED + 3 * HOUR)
    ticket = saved(opened)
    assert ticket.status == TicketStatus.OPEN and ticket.due_at == OPENED + 50 * HOUR
    assert kinds(opened)[-2:] == ["resumed", "transferred"]
    held = [(r.department_id, r.ended_at) for r in TicketHolding.select()
            .where(TicketHolding.ticket == opened).order_by(TicketHolding.id)]
    assert held == [(opened.department_id, OPENED + 3 * HOUR), (data_team.id, None)]


def test_a_reopened_ticket_is_held_anew(app, opened, agent, citizen):
    with app.test_request_context():
        lifecycle.set_status(opened, by=agent, status=TicketStatus.RESOLVED, now=OPENED + HOUR)
        lifecycle.reply(opened, by=citizen, message="Masih gagal.", now=OPENED + 5 * HOUR)
    held = [(r.started_at, r.ended_at, r.calendar_seconds) for r in TicketHolding.select()
            .where(TicketHolding.ticket == opened).order_by(TicketHolding.id)]
    assert held == [(OPENED, OPENED + HOUR, 3600), (OPENED + 5 * HOUR, None, None)]


def test_the_queue_puts_the_nearest_due_time_first_and_badges_each_clock(
        app, client_of, citizen, agent, topic):
    now = utcnow()
    with app.test_request_context():
        late = lifecycle.open_ticket(by=citizen, topic=topic, subject="Sudah lama",
                                     message="Mohon dibantu.", now=now - 47 * HOUR)
        fresh = lifecycle.open_ticket(by=citizen, topic=topic, subject="Baru saja",
                                      message="Mohon dibantu.", now=now)
    page = client_of(agent).get("/admin/ticket/?flt0_status=open").text
    assert page.index(f"#{late.number}<") < page.index(f"#{fresh.number}<")
    row = page[page.index(f"#{late.number}<"):page.index(f"#{fresh.number}<")]
    # its first response long late, its resolution due within the hour
    assert "Tanggapan terlambat" in row and "Batas waktu penyelesaian segera tiba" in row
