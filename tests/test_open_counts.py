"""The desk home's counters come from the open tickets' tally, and equal what COUNT(*) over
the tickets says: after every kind of change, at the edges of a day and of the ages, per
topic and department, and after changes made at the same moment on several connections."""
import random
import threading
from datetime import timedelta

import pytest

from helpdesk import lifecycle, open_counts, queries, report_summary
from helpdesk.db import db
from helpdesk.models import Department, HelpTopic, OpenTally, Ticket, TicketStatus, User
from helpdesk.reports import BACKLOG_AGES, NO_FILTERS, Filters

from report_history import NOW


def counted_backlog(now, filters):
    """The headline's backlog as it was computed before the tally: over every ticket."""
    is_open = Ticket.select().where(filters.condition(), Ticket.status == TicketStatus.OPEN)
    figures = {"open": is_open.count(), "overdue": is_open.where(Ticket.due_at < now).count()}
    for name, younger, older in BACKLOG_AGES:
        aged = is_open.where(Ticket.created_at <= now - timedelta(days=younger))
        if older is not None:
            aged = aged.where(Ticket.created_at > now - timedelta(days=older))
        figures[name] = aged.count()
    return figures


def counted_desk(user):
    visible = queries.tickets_actionable_by(user).where(Ticket.status == TicketStatus.OPEN)
    return {"open": visible.count(), "mine": visible.where(Ticket.assignee == user.id).count(),
            "none": visible.where(Ticket.assignee.is_null()).count(),
            "overdue": visible.where(Ticket.overdue).count(),
            "awaiting": queries.tickets_actionable_by(user).where(
                Ticket.status == TicketStatus.AWAITING).count()}


def tally_rows():
    return {tuple(row) for row in OpenTally.select(
        OpenTally.created_day, OpenTally.due_day, OpenTally.topic, OpenTally.department,
        OpenTally.assignee, OpenTally.overdue, OpenTally.tickets)
        .where(OpenTally.tickets != 0).tuples()}


def every_filter():
    yield NO_FILTERS
    for topic in HelpTopic.select():
        yield Filters(topic=topic.id)
    for department in Department.select():
        yield Filters(department=department.id)


def test_the_counters_equal_a_count_of_the_tickets(app, history, citizen, agent, data_agent,
                                                   supervisor):
    data_team = Department.get(name="Tim Data Terpadu")
    with app.test_request_context():
        lifecycle.transfer(history["T5"], by=supervisor, to=data_team, comment="Data.",
                           now=NOW)
        lifecycle.claim(history["T9"], by=data_agent, now=NOW)
        lifecycle.reply(history["T2"], by=citizen, message="Masih gagal.", now=NOW)
        lifecycle.set_status(history["T7"], by=supervisor, status=TicketStatus.RESOLVED,
                             now=NOW)
        lifecycle.mark_overdue(now=NOW + timedelta(days=3))
    t6, t8 = Ticket.get_by_id(history["T6"].id), Ticket.get_by_id(history["T8"].id)
    # exactly on a creation time (counted as that old) and a due time (not yet overdue)
    moments = [NOW, NOW + timedelta(days=3), t6.created_at + timedelta(days=1),
               t8.created_at + timedelta(days=2), t8.due_at, t6.due_at + timedelta(days=7)]
    for now in moments:
        for filters in every_filter():
            assert open_counts.backlog(filters, now, BACKLOG_AGES) == \
                counted_backlog(now, filters), (now, filters)
    for user in (agent, data_agent, supervisor):
        assert open_counts.desk_counts(user) == counted_desk(user)
    assert counted_desk(data_agent)["mine"] == 1 and counted_desk(agent)["overdue"] > 0


def test_the_desk_home_shows_the_counters(client_of, history, agent):
    page = client_of(agent).get("/admin/").get_data(as_text=True)
    counts = counted_desk(agent)
    assert counts["none"] > 0
    for key in ("mine", "none", "overdue"):  # "open" is on the queue's shortcut
        assert f'count-{key}">{counts[key]}</p>' in page


@pytest.fixture
def agents(make_user):
    return [make_user(f"petugas{n}@kemensos.go.id", roles=["agent"],
                      departments=["Tim SIKS-NG", "Tim Data Terpadu"]) for n in range(3)]


def test_concurrent_changes_keep_the_counters_exact(app, citizen, agents, supervisor,
                                                    make_ticket):
    ids = [make_ticket(citizen, subject=f"Tiket {n}").id for n in range(12)]
    departments = [d.id for d in Department.select()]
    errors = []

    def work(user_id, seed):
        chance = random.Random(seed)
        with app.test_request_context(), db.database.connection_context():
            user = User.get_by_id(user_id)
            for _ in range(15):
                ticket = Ticket.get_by_id(chance.choice(ids))
                step = chance.choice(("claim", "release", "resolve", "reopen", "transfer"))
                try:
                    if step == "claim":
                        lifecycle.claim(ticket, by=user)
                    elif step == "release":
                        lifecycle.release(ticket, by=supervisor)
                    elif step == "resolve":
                        lifecycle.set_status(ticket, by=supervisor,
                                             status=TicketStatus.RESOLVED)
                    elif step == "reopen":
                        lifecycle.set_status(ticket, by=supervisor, status=TicketStatus.OPEN)
                    else:
                        lifecycle.transfer(ticket, by=supervisor, comment="Pindah.",
                                           to=Department.get_by_id(chance.choice(departments)))
                except (lifecycle.NotAllowed, lifecycle.InvalidTransition):
                    pass
                except Exception as exc:  # noqa: BLE001 (reported below)
                    errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(user.id, n))
               for n, user in enumerate([*agents, supervisor])]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert errors == []
    later = NOW + timedelta(days=400)
    for filters in every_filter():
        assert open_counts.backlog(filters, later, BACKLOG_AGES) == \
            counted_backlog(later, filters)
    for user in agents:
        assert open_counts.desk_counts(user) == counted_desk(user)
    kept = tally_rows()
    with app.app_context():
        report_summary.rebuild()
    assert tally_rows() == kept
