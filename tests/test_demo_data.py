"""The shape of ``flask demo-data``'s year: what a supervisor's dashboard shows of it
(agents of different speeds, reopenings, transfers, breaches, seasons, a backlog of every
age) and that its figures agree with plain counts of the rows. "Now" is fixed at
Wednesday 18 November 2026, 10.00 WIB."""
import statistics
from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from helpdesk import demo, demo_history, reports
from helpdesk.db import db
from helpdesk.demo import FAST, SLOW, STAFF
from helpdesk.models import (Attachment, CannedResponse, Department, EntryKind, Ticket,
                             TicketEvent, TicketParticipant, TicketStatus, TicketTransfer,
                             ThreadEntry, User)
from helpdesk.reports import Period

NOW = datetime(2026, 11, 18, 3, 0)
WIB = timedelta(hours=7)
YEAR = Period(date(2025, 11, 18), date(2026, 11, 18))
TICKETS = 3000


@pytest.fixture
def year(app, runner, monkeypatch):
    monkeypatch.setattr(demo, "utcnow", lambda: NOW)
    result = runner.invoke(args=["demo-data", "--tickets", str(TICKETS), "--seed", "3"])
    assert result.exit_code == 0, result.output
    return result


def local(when):
    return when + WIB


def test_the_year_adds_up_on_the_dashboard(year):
    """reports.headline over the year equals plain counts, and every kind of history is
    there: first responses, resolutions, closings, reopenings, transfers."""
    assert "  50% (1.500 dari 3.000 tiket)" in year.output  # progress outside a terminal
    figures = reports.headline(YEAR, now=NOW)
    tickets = Ticket.select()
    assert figures["created"] == tickets.count() == TICKETS
    assert figures["first_responses"] == tickets.where(
        Ticket.first_response_at.is_null(False)).count() > TICKETS * 0.9
    assert figures["resolved"] == tickets.where(Ticket.resolved_at.is_null(False)).count() \
        > TICKETS * 0.8
    assert figures["closed"] == tickets.where(Ticket.status == TicketStatus.CLOSED).count() \
        > TICKETS * 0.6
    reopened = TicketEvent.select().where(TicketEvent.kind == "reopened").count()
    assert figures["reopened"] == reopened > TICKETS * 0.03
    transfers = TicketTransfer.select().count()
    assert figures["transferred"] == transfers == TicketEvent.select().where(
        TicketEvent.kind == "transferred").count() > TICKETS * 0.03

    backlog = figures["backlog"]
    still_open = tickets.where(Ticket.status == TicketStatus.OPEN)
    assert backlog["open"] == still_open.count()
    for age in ("under_1_day", "1_to_2_days", "2_to_7_days", "over_7_days"):
        assert backlog[age] > 0, age
    assert backlog["overdue"] == still_open.where(Ticket.due_at < NOW).count() > 0
    assert sum(backlog[age] for age, _, _ in reports.BACKLOG_AGES) == backlog["open"]


def test_each_ticket_has_a_consistent_history(year):
    openings = ThreadEntry.select(ThreadEntry.id, ThreadEntry.ticket).join(Ticket).where(
        ThreadEntry.kind == EntryKind.MESSAGE, ThreadEntry.author == Ticket.requester,
        ThreadEntry.created_at == Ticket.created_at).tuples()
    opening_ids, opening = {e for e, _ in openings}, {t for _, t in openings}
    events = Counter((e.ticket_id, e.kind) for e in TicketEvent.select())
    for t in Ticket.select():
        assert t.id in opening and events[(t.id, "opened")] == 1
        assert t.created_at < t.due_at and t.updated_at <= NOW
        times = [x for x in (t.created_at, t.first_response_at, t.resolved_at, t.closed_at)
                 if x]
        assert times == sorted(times) and max(times) <= t.updated_at
        assert (t.status == TicketStatus.OPEN) == (t.resolved_at is None)
        assert (t.status == TicketStatus.CLOSED) == (t.closed_at is not None)
        assert (t.assignee_id is not None) == (events[(t.id, "claimed")] == 1)
        # the SLA watch's marks, as lifecycle.mark_overdue leaves them
        assert (t.sla_breached_at is not None) == (events[(t.id, "overdue")] == 1)
        if t.sla_breached_at:
            assert t.due_at < t.sla_breached_at <= NOW
        if t.resolved_at and t.resolved_at > t.due_at + timedelta(minutes=10) \
                and not events[(t.id, "reopened")]:
            assert t.sla_breached_at is not None
        is_open, settled = t.status == TicketStatus.OPEN, NOW - timedelta(minutes=10)
        if t.overdue:
            assert is_open and t.due_at < NOW and t.sla_breached_at
        elif is_open:
            assert t.due_at > settled or t.updated_at > settled
        if events[(t.id, "reopened")]:  # resolved twice, or open again now
            assert events[(t.id, "resolved")] == 2 or t.status == TicketStatus.OPEN
        # the durations the reports read, as the lifecycle keeps them
        for moment, seconds in ((t.first_response_at, t.response_seconds),
                                (t.resolved_at, t.resolution_seconds)):
            assert seconds == (None if moment is None
                               else pytest.approx((moment - t.created_at).total_seconds()))
    attachments = list(Attachment.select(Attachment, ThreadEntry).join(ThreadEntry))
    assert attachments and all(a.entry.ticket_id == a.ticket_id and a.entry.id in opening_ids
                               for a in attachments)
    breached = Ticket.select().where(Ticket.sla_breached_at.is_null(False)).count()
    assert TICKETS * 0.03 < breached < TICKETS * 0.5


def test_agents_answer_at_their_own_speed(year):
    """In each department's per-agent medians, the fast agent answers first and the slow
    one last, with the average agents in between."""
    rows = {r["id"]: r for r in reports.by_agent(YEAR, now=NOW)}
    emails = dict(User.select(User.id, User.email).tuples())
    median = {emails[key]: row["response_median"] for key, row in rows.items()}
    by_department = {}
    for email, _, departments, _, speed in STAFF:
        for name in departments:
            by_department.setdefault(name, {}).setdefault(speed, []).append(median[email])
    assert len(by_department) == Department.select().count()
    for name, speeds in by_department.items():
        average = [m for speed, ms in speeds.items() if speed not in (FAST, SLOW) for m in ms]
        assert max(speeds[FAST]) < min(average) <= max(average) < min(speeds[SLOW]), name
        assert 3 <= sum(len(ms) for ms in speeds.values()) <= 5
    assert all(row["created"] > 0 for row in rows.values())


def test_volume_follows_the_week_the_day_and_the_seasons(year):
    created = [local(c) for (c,) in Ticket.select(Ticket.created_at).tuples()]
    days = Counter(c.date() for c in created)
    weekday = statistics.mean(n for d, n in days.items() if d.weekday() < 5)
    weekend = statistics.mean(n for d, n in days.items() if d.weekday() >= 5)
    assert weekend < weekday / 2
    office = sum(1 for c in created if 8 <= c.hour < 16)
    assert office > len(created) * 0.6

    def between(first, last):
        return sum(n for d, n in days.items() if first <= d <= last)
    # busier in January (start of the year, bansos) than in June; little around Idul Fitri
    assert between(date(2026, 1, 1), date(2026, 1, 31)) > \
        1.3 * between(date(2026, 6, 1), date(2026, 6, 30))
    assert between(date(2026, 3, 17), date(2026, 3, 23)) < \
        0.4 * between(date(2026, 2, 17), date(2026, 2, 23))


def test_canned_responses_for_every_department_and_for_everyone(year):
    everyone = CannedResponse.select().where(CannedResponse.department.is_null())
    assert everyone.count() >= 2
    for department in Department.select():
        assert CannedResponse.select().where(
            CannedResponse.department == department).count() >= 2
    assert "2 × 24 jam" in CannedResponse.get(CannedResponse.title == "Tiket diterima").body


def schema():
    """Every index and foreign key of the tables demo-data loads in bulk."""
    found = set()
    for model in (Ticket, ThreadEntry, TicketEvent, TicketParticipant, TicketTransfer):
        table = model._meta.table_name
        found |= {(table, i.name, tuple(i.columns), i.unique)
                  for i in db.database.get_indexes(table)}
        found |= {(table, k.column, k.dest_table, k.dest_column)
                  for k in db.database.get_foreign_keys(table)}
    return found


@pytest.fixture
def rebuilding(monkeypatch):
    """Loads as large ones do: indexes (and foreign keys on PostgreSQL) dropped and made
    again at the end."""
    monkeypatch.setattr(demo, "REBUILD_INDEXES_FROM", 1)
    return schema()


def test_a_large_load_leaves_every_index_and_key_in_place(app, runner, rebuilding):
    result = runner.invoke(args=["demo-data", "--tickets", "300", "--seed", "5"])
    assert result.exit_code == 0, result.output
    assert schema() == rebuilding
    assert len(rebuilding) > 20 and Ticket.select().count() == 300


def test_a_load_that_fails_leaves_nothing_behind(app, runner, rebuilding, monkeypatch):
    real, told = demo_history.Story.tell, []

    def tell(story, *args):
        told.append(1)
        if len(told) == 250:
            raise RuntimeError("killed")
        return real(story, *args)
    monkeypatch.setattr(demo, "BATCH", 100)
    monkeypatch.setattr(demo_history.Story, "tell", tell)
    result = runner.invoke(args=["demo-data", "--tickets", "300", "--seed", "5"])
    assert isinstance(result.exception, RuntimeError)
    assert schema() == rebuilding
    assert Ticket.select().count() == 0 and TicketEvent.select().count() == 0


def test_closed_tickets_have_survey_answers(year):
    from helpdesk import survey_index
    from helpdesk.survey_models import SurveyAnswer, SurveyResponse

    responses = (SurveyResponse.select(SurveyResponse, Ticket)
                 .join(Ticket, on=SurveyResponse.ticket == Ticket.id))
    assert responses.count() > 100
    for response in responses:
        assert response.ticket.status == TicketStatus.CLOSED
        assert response.ticket.closed_at < response.created_at <= NOW
        assert response.topic_id == response.ticket.topic_id
    assert SurveyAnswer.select().count() == 9 * responses.count()
    found = survey_index.index(YEAR)
    assert found.respondents == responses.count() and found.grade is not None
    assert any(r.comment for r in responses)
