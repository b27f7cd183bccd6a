"""The counters stay equal to COUNT(*) when several processes, each with several threads,
open, claim, release, answer, resolve, reopen, close, transfer, confirm, withdraw and mark
tickets overdue at once: the tally the lifecycle keeps, the desk home's counters and the
queue's shortcuts (each the number of tickets its link lists)."""
import html
import multiprocessing
import re
from datetime import timedelta

from helpdesk import open_counts, report_summary
from helpdesk.models import Ticket, utcnow
from helpdesk.reports import BACKLOG_AGES, NO_FILTERS

from test_open_counts import agents, counted_backlog, counted_desk, every_filter, tally_rows  # noqa: F401,E501
from ticket_churn import churn

PROCESSES, STEPS = 3, 12


def shortcut_counts(page):
    return dict(re.findall(r'<a class="btn btn-sm btn-outline-primary" href="([^"]*)">'
                           r'<span>[^<]*</span> <span class="shortcut-count count-\w+">'
                           r'\(([\d.]+)\)', page))


def test_changes_from_several_processes_keep_the_counters_exact(
        app, config, client_of, citizen, other_citizen, agents, supervisor, make_ticket):
    for n in range(8):
        make_ticket(citizen if n % 2 else other_citizen, subject=f"Tiket {n}")
    staff = [user.id for user in (*agents, supervisor)]
    spawn = multiprocessing.get_context("spawn")  # no fork of this process's threads
    with spawn.Pool(PROCESSES) as pool:
        errors = pool.starmap(churn, [(config, staff, [citizen.id, other_citizen.id], seed,
                                       STEPS) for seed in range(PROCESSES)])
    assert errors == [[]] * PROCESSES
    assert Ticket.select().count() > 8  # tickets were opened meanwhile
    for now in (utcnow(), utcnow() + timedelta(days=2), utcnow() + timedelta(days=400)):
        for filters in every_filter():
            assert open_counts.backlog(filters, now, BACKLOG_AGES) == \
                counted_backlog(now, filters), (now, filters)
    for user in (*agents, supervisor):
        assert open_counts.desk_counts(user) == counted_desk(user)
        desk = client_of(user)
        counts = counted_desk(user)
        home = desk.get("/admin/").text
        if user == supervisor:  # the backlog's cards, as the reports count it
            backlog = counted_backlog(utcnow(), NO_FILTERS)
            for key in ("open", "overdue", *(name for name, *_ in BACKLOG_AGES)):
                assert f'figure-{key}">{backlog[key]}</span>' in home, key
        else:
            for key in ("mine", "none", "overdue"):
                assert f'count-{key}">{counts[key]}</p>' in home, key
        shown = shortcut_counts(desk.get("/admin/ticket/?flt0_status=open").text)
        assert sorted(int(n) for n in shown.values()) == sorted(counts.values())
        for link, count in shown.items():
            listed = re.findall(r'class="ticket-link">#(\d+)<',
                                desk.get(html.unescape(link) + "&page_size=100").text)
            assert len(listed) == int(count), link
    kept = tally_rows()
    with app.app_context():
        report_summary.rebuild()
    assert tally_rows() == kept
