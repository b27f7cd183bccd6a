"""A small history with known times, made through the lifecycle, shared by the tests of the
dashboard's figures, page and workbook. November 2026 in WIB (UTC+7) is the period; "now"
is 2 December 12:00 WIB. Import ``history`` (a fixture) and the names beside it."""
from datetime import date, datetime, timedelta

import pytest

from helpdesk import lifecycle
from helpdesk.models import Department, HelpTopic, OutboxMail, TicketStatus
from helpdesk.reports import Period

HOUR = 3600
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 30))


def wib(day, month, hour=0, minute=0, second=0):
    """A local time in Jakarta as the naive UTC the database stores."""
    return datetime(2026, month, day, hour, minute, second) - timedelta(hours=7)


NOW = wib(2, 12, 12)


@pytest.fixture
def history(app, citizen, agent, colleague, data_agent):
    """T0 31 Oct 23:58 (before the period), claimed, never answered; T1 1 Nov 00:00
    answered and resolved at +1 h, reopened by a reply, resolved again at +4 h; T2 1 Nov
    10:00, +2 h, +20 h; T3 2 Nov 09:00 (colleague), +3 h, +30 h, closed 4 Nov; T4 3 Nov
    08:00, +4 h, resolved 12 h late at +60 h; T5 5 Nov 12:00 Data Terpadu, answered +6 h,
    transferred to Tim SIKS-NG at +7 h, still open; T9 27 Nov 10:00 Data Terpadu, never
    answered; T6 30 Nov 23:59:59, never answered (its first response was due 1 Dec 16:00,
    8 working hours later); T7 1 Dec 00:00 and T8 2 Dec 09:00 (after the period)."""
    siks = HelpTopic.get(name="Aplikasi SIKS-NG")
    data = HelpTopic.get(name="Data Terpadu")
    made = {}

    def ticket(name, when, topic=siks):
        made[name] = lifecycle.open_ticket(by=citizen, topic=topic, subject=f"Tiket {name}",
                                           message="Mohon bantuan.", now=when)
        return made[name], when

    def answer(t, by, at, status=None):
        lifecycle.respond(t, by=by, message="Sedang kami periksa.", status=status, now=at)

    with app.test_request_context():
        t, at = ticket("T0", wib(31, 10, 23, 58))
        lifecycle.claim(t, by=agent, now=at + timedelta(hours=1))
        t, at = ticket("T1", wib(1, 11))
        answer(t, agent, at + timedelta(hours=1), TicketStatus.RESOLVED)
        lifecycle.reply(t, by=citizen, message="Masih gagal.", now=at + timedelta(hours=2))
        answer(t, agent, at + timedelta(hours=4), TicketStatus.RESOLVED)
        t, at = ticket("T2", wib(1, 11, 10))
        answer(t, agent, at + timedelta(hours=2))
        lifecycle.set_status(t, by=agent, status="resolved", now=at + timedelta(hours=20))
        t, at = ticket("T3", wib(2, 11, 9))
        answer(t, colleague, at + timedelta(hours=3))
        lifecycle.set_status(t, by=colleague, status="resolved", now=at + timedelta(hours=30))
        lifecycle.set_status(t, by=colleague, status="closed", now=wib(4, 11, 10))
        t, at = ticket("T4", wib(3, 11, 8))
        answer(t, agent, at + timedelta(hours=4))
        lifecycle.set_status(t, by=agent, status="resolved", now=at + timedelta(hours=60))
        t, at = ticket("T5", wib(5, 11, 12), data)
        answer(t, data_agent, at + timedelta(hours=6))
        lifecycle.transfer(t, by=data_agent, to=Department.get(name="Tim SIKS-NG"),
                           comment="Masalah aplikasi.", now=at + timedelta(hours=7))
        ticket("T9", wib(27, 11, 10), data)
        ticket("T6", wib(30, 11, 23, 59, 59))
        ticket("T7", wib(1, 12))
        ticket("T8", wib(2, 12, 9))
        lifecycle.mark_overdue(now=NOW)
        # The ~45 notifications of this history are not what the reports' tests look at:
        # without them the mail thread has nothing to send beside each test and at its end
        OutboxMail.delete().execute()
    return made
