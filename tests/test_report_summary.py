"""The reports' summary tables: kept by the lifecycle exactly as a rebuild from the tickets
computes them, and the exact percentiles read from them the same numbers as sorting every
value (on a demo year, across whole months and the days around them)."""
import math
from collections import defaultdict
from datetime import date, datetime

import pytest
from peewee import Value

from helpdesk import demo, lifecycle, report_summary, reports
from helpdesk.db import db
from helpdesk.models import (Department, HelpTopic, OpenTally, ReportDay, ReportDuration, Ticket,
                             TicketStatus)
from helpdesk.reports import Filters, Period

from report_history import NOW, wib


def summary_rows():
    """Both tables' rows that count something, without their ids."""
    rows = set()
    for model in (ReportDay, ReportDuration, OpenTally):
        keys, counters = report_summary.KEYS[model], report_summary.COUNTERS[model]
        for row in model.select().dicts():
            counts = tuple(row[c] for c in counters)
            if any(counts):
                rows.add((model.__name__, *(row[k] for k in keys), *counts))
    return rows


def test_the_lifecycle_keeps_the_summary_a_rebuild_computes(app, history, citizen,
                                                           data_agent, supervisor):
    """Every kind of change (opening, claim, answers, resolving, reopening by a reply of
    an unassigned ticket, closing, transfers both ways and of a resolved ticket, release,
    assignment, reopening by staff) leaves the summary equal to one rebuilt from the
    tickets."""
    data_team = Department.get(name="Tim Data Terpadu")
    with app.test_request_context():
        t5 = history["T5"]
        lifecycle.transfer(t5, by=supervisor, to=data_team, comment="Kembali.", now=NOW)
        lifecycle.claim(t5, by=data_agent, now=NOW)
        lifecycle.release(t5, by=data_agent, now=NOW)
        lifecycle.assign(t5, by=supervisor, to=data_agent, now=NOW)
        lifecycle.set_status(history["T3"], by=supervisor, status=TicketStatus.OPEN, now=NOW)
        lifecycle.respond(history["T9"], by=data_agent, message="Baik.",
                          status=TicketStatus.RESOLVED, now=NOW)
        lifecycle.release(history["T9"], by=data_agent, now=NOW)
        lifecycle.reply(history["T9"], by=citizen, message="Masih gagal.", now=NOW)
        lifecycle.transfer(history["T4"], by=supervisor, to=data_team, comment="Data.",
                           now=NOW)
    kept = summary_rows()
    today = ReportDay.get(day=date(2026, 12, 2), topic=t5.topic_id,
                          department=data_team.id, assignee=0)
    # the transfer back, into the team; T9 reopened by its requester once released
    assert (today.transfers, today.transfers_in, today.transfers_out,
            today.reopenings, today.created) == (1, 1, 0, 1, 0)
    with app.app_context():
        report_summary.rebuild()
    assert summary_rows() == kept


def test_a_duration_bucket_is_the_same_in_python_and_in_sql():
    """Durations at and around every tier's edges fall in the same bucket whichever
    computes it, and within the bounds ``bucket_bounds`` gives for it."""
    edges = [0, 59.999, 60, 599.9999, 600, 3599.999999, 3600, 3600.000001, 14399.9, 14400,
             86399.5, 86400, 604799.75, 604800, 2591999.999,
             2592000, 2592000.25, 29476604.0, 12345.678]
    for seconds in edges:
        in_sql = db.database.execute(Ticket.select(
            report_summary.bucket_sql(Value(seconds).cast("REAL" if not _postgres()
                                                          else "DOUBLE PRECISION")))
        ).fetchone()[0]
        number = report_summary.bucket(seconds)
        low, high = report_summary.bucket_bounds(number)
        assert (in_sql, low <= seconds < high) == (number, True), seconds
    assert report_summary.bucket(59.999) + 1 == report_summary.bucket(60)


def _postgres():
    from helpdesk.report_sql import on_postgres
    return on_postgres()


# --- exact percentiles on a demo year -------------------------------------------------

DEMO_NOW = datetime(2026, 11, 18, 3, 0)  # Wednesday 18 November 2026, 10.00 WIB


@pytest.fixture
def year(app, runner, monkeypatch):
    monkeypatch.setattr(demo, "utcnow", lambda: DEMO_NOW)
    result = runner.invoke(args=["demo-data", "--tickets", "1500", "--seed", "5"])
    assert result.exit_code == 0, result.output


def sorted_percentile(values, share):
    """PostgreSQL's percentile_cont, by sorting every value."""
    ordered = sorted(values)
    if not ordered:
        return None
    position = (len(ordered) - 1) * share / 100
    low = math.floor(position)
    if low + 1 >= len(ordered):
        return ordered[low]
    return ordered[low] + (ordered[low + 1] - ordered[low]) * (position - low)


def by_sorting(period, filters):
    """{dimension: {key: {duration: {share: value}}}} from every ticket's values."""
    keys = {"all": lambda t: 0, "topic": lambda t: t.topic_id,
            "department": lambda t: t.department_id, "agent": lambda t: t.assignee_id}
    values = defaultdict(lambda: defaultdict(list))
    tickets = Ticket.select().where(filters.condition() & period.holds(Ticket.created_at))
    for ticket in tickets:
        for dimension, key_of in keys.items():
            key = key_of(ticket)
            if key is None:
                continue
            for name in ("response_seconds", "resolution_seconds"):
                values[(dimension, key)][name]  # a group without values still shows
                if getattr(ticket, name) is not None:
                    values[(dimension, key)][name].append(getattr(ticket, name))
    return values


@pytest.mark.parametrize("first, last, topic", [
    (date(2025, 11, 19), date(2026, 11, 18), None),  # 11 whole months and the days around
    (date(2026, 10, 20), date(2026, 11, 18), None),  # 30 days, no whole month
    (date(2026, 6, 1), date(2026, 8, 31), None),  # whole months only
    (date(2025, 11, 19), date(2026, 11, 18), "Data Terpadu"),
])
def test_the_percentiles_are_those_of_sorting_every_value(year, first, last, topic):
    period = Period(first, last)
    filters = Filters(topic=HelpTopic.get(name=topic).id if topic else None)
    found = reports.figures(period, filters, now=DEMO_NOW)["period"]
    expected = by_sorting(period, filters)
    checked = 0
    for (dimension, key), durations in expected.items():
        row = found[dimension][key]
        for name, values in durations.items():
            shares = (50, 90) if dimension == "all" else (50,)
            for share in shares:
                wanted = sorted_percentile(values, share)
                assert row[name][share] == pytest.approx(wanted, rel=1e-9), (
                    dimension, key, name, share)
                checked += wanted is not None
    assert checked > 15  # every dimension's groups, with values


def test_the_counts_per_group_are_those_of_the_tickets(year):
    period = Period(date(2025, 11, 19), date(2026, 11, 18))
    rows = {row["id"]: row for row in reports.by_agent(period, now=DEMO_NOW)}
    cohort = Ticket.select().where(period.holds(Ticket.created_at),
                                   Ticket.assignee.is_null(False))
    counted = defaultdict(lambda: [0, 0, 0])
    for ticket in cohort:
        mine = counted[ticket.assignee_id]
        mine[0] += 1
        mine[1] += ticket.resolved_at is not None
        mine[2] += ticket.status == TicketStatus.OPEN
    assert {key: [row["created"], row["resolved"]] for key, row in rows.items()
            if row["created"]} == {key: n[:2] for key, n in counted.items()}
    late = Ticket.select().where(period.holds(Ticket.created_at),
                                 Ticket.resolved_at > Ticket.due_at).count()
    unresolved = Ticket.select().where(period.holds(Ticket.created_at),
                                       Ticket.resolved_at.is_null(),
                                       Ticket.due_at < DEMO_NOW).count()
    assert reports.sla(period, now=DEMO_NOW)["breach_count"] == late + unresolved > 0


def test_the_breaches_are_listed_most_late_first(year):
    period = Period(date(2025, 11, 19), date(2026, 11, 18))
    listed = reports.sla(period, now=DEMO_NOW, limit=None)["breaches"]
    assert len(listed) == reports.sla(period, now=DEMO_NOW)["breach_count"]
    assert [b["late"] for b in listed] == sorted((b["late"] for b in listed), reverse=True)
    worst = max(Ticket.select().where(period.holds(Ticket.created_at),
                                      Ticket.resolved_at > Ticket.due_at),
                key=lambda t: t.resolved_at - t.due_at)
    still_open = [t for t in Ticket.select().where(period.holds(Ticket.created_at),
                                                   Ticket.resolved_at.is_null(),
                                                   Ticket.due_at < DEMO_NOW)]
    most = max([(worst.resolved_at - worst.due_at).total_seconds(), *(
        (DEMO_NOW - t.due_at).total_seconds() for t in still_open)])
    assert listed[0]["late"] == pytest.approx(most, abs=0.001)
    page = reports.sla(period, now=DEMO_NOW, limit=5, offset=5)["breaches"]
    assert [b["number"] for b in page] == [b["number"] for b in listed[5:10]]


def test_a_reopening_takes_the_resolution_out_of_its_bucket(app, history, agent):
    with app.test_request_context():
        lifecycle.set_status(history["T2"], by=agent, status=TicketStatus.OPEN,
                             now=wib(1, 12, 9))
    resolutions = ReportDuration.select().where(ReportDuration.kind == 1)
    assert sum(row.tickets for row in resolutions) == Ticket.select().where(
        Ticket.resolution_seconds.is_null(False)).count() == 3  # T1, T3, T4; T2 no more
    assert all(row.tickets >= 0 for row in resolutions)


def test_the_summary_can_be_rebuilt_from_the_command_line(app, history, runner):
    """``flask report-summary`` (after a change of zone, or tickets loaded by hand)."""
    kept = summary_rows()
    ReportDay.delete().execute()
    ReportDuration.update(tickets=ReportDuration.tickets + 1).execute()
    result = runner.invoke(args=["report-summary"])
    assert result.exit_code == 0, result.output
    assert "Ringkasan laporan kini menghitung 10 tiket." in result.output
    assert summary_rows() == kept
