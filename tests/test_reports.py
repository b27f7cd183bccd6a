"""The dashboard's figures (helpdesk/reports.py) on a small history with known times, made
through the lifecycle, checked against values computed by hand. November 2026 in WIB
(UTC+7) is the period; "now" is 2 December 12:00 WIB."""
from datetime import date, datetime

import pytest

from helpdesk import lifecycle, reports
from helpdesk.dashboard import build
from helpdesk.db import statements_run
from helpdesk.models import Department, HelpTopic
from helpdesk.reports import Filters, Period

from report_history import HOUR, NOVEMBER, NOW, wib


def test_a_period_runs_from_midnight_wib_to_midnight_wib():
    assert NOVEMBER.start == datetime(2026, 10, 31, 17, 0)  # not 16:53 (+07:07 LMT)
    assert NOVEMBER.end == datetime(2026, 11, 30, 17, 0)
    today = date(2026, 12, 2)
    presets = {name: Period.preset(name, today) for name in reports.PRESETS}
    assert (presets["today"].first, presets["today"].last) == (today, today)
    assert presets["this_week"].first == date(2026, 11, 30)
    assert presets["this_month"].first == date(2026, 12, 1)
    assert (presets["last_month"].first, presets["last_month"].last) == (
        date(2026, 11, 1), date(2026, 11, 30))
    assert presets["this_year"].first == date(2026, 1, 1)
    assert presets["last_12_months"].first == date(2025, 12, 3)
    with pytest.raises(ValueError):
        Period(date(2026, 11, 2), date(2026, 11, 1))


def test_headline_counts_the_period_and_the_backlog_now(history):
    assert reports.headline(NOVEMBER, now=NOW) == {
        # T0 at 23:58 the day before is out, T1 at 00:00 and T6 at 23:59:59 are in
        "created": 7, "first_responses": 5, "resolved": 4, "closed": 1, "reopened": 1,
        "transferred": 1,
        # T1 reopened by its requester's reply; T3 closed by staff
        "closed_by_citizen": 0, "closed_automatically": 0, "reopened_by_citizen": 1,
        "backlog": {"open": 6, "overdue": 3, "under_1_day": 1, "1_to_2_days": 2,
                    "2_to_7_days": 1, "over_7_days": 2}}


def test_headline_honours_the_filters(history):
    data = Filters(topic=HelpTopic.get(name="Data Terpadu").id)
    assert reports.headline(NOVEMBER, data, now=NOW) == {
        "created": 2, "first_responses": 1, "resolved": 0, "closed": 0, "reopened": 0,
        "transferred": 1, "closed_by_citizen": 0, "closed_automatically": 0,
        "reopened_by_citizen": 0,
        "backlog": {"open": 2, "overdue": 2, "under_1_day": 0, "1_to_2_days": 0,
                    "2_to_7_days": 1, "over_7_days": 1}}
    team = Filters(department=Department.get(name="Tim Data Terpadu").id)
    figures = reports.headline(NOVEMBER, team, now=NOW)
    assert (figures["created"], figures["transferred"]) == (1, 1)  # T9; T5 left it


def test_times_are_exact_percentiles_interpolated_between_ranks(history):
    # responses 1, 2, 3, 4, 6 h: median 3 h; p90 at rank 3.6 = 4 h + 0.6 * 2 h = 5.2 h
    # resolutions 4, 20, 30, 60 h: median 25 h; p90 at rank 2.7 = 30 h + 0.7 * 30 h = 51 h
    assert reports.times(NOVEMBER) == {
        "response": {"median": pytest.approx(3 * HOUR), "p90": pytest.approx(5.2 * HOUR)},
        "resolution": {"median": pytest.approx(25 * HOUR), "p90": pytest.approx(51 * HOUR)}}
    first_day = Period(date(2026, 11, 1), date(2026, 11, 1))  # T1 and T2: 1 h and 2 h
    assert reports.times(first_day)["response"]["median"] == pytest.approx(1.5 * HOUR)
    empty = Period(date(2026, 6, 1), date(2026, 6, 30))
    assert reports.times(empty)["resolution"] == {"median": None, "p90": None}


def test_sla_shares_and_the_breaches_with_how_late(history):
    figures = reports.sla(NOVEMBER, now=NOW)
    # answered: T1-T5 in time of 7 known (T9 and T6 past their first response's due
    # time: 8 working hours, T6's on 1 Dec at 16:00)
    assert figures["answered_in_time"] == pytest.approx(5 / 7)
    # resolved: T1-T3 in time of 6 known (T4 late, T5 and T9 past due)
    assert figures["resolved_in_time"] == pytest.approx(0.5)
    assert figures["breach_count"] == 3
    rows = [(b["number"], b["topic"], b["department"], b["assignee"], b["late"])
            for b in figures["breaches"]]
    assert rows == [
        (history["T5"].number, "Data Terpadu", "Tim SIKS-NG", None, pytest.approx(25 * 24 * HOUR)),
        (history["T9"].number, "Data Terpadu", "Tim Data Terpadu", None,
         pytest.approx(74 * HOUR)),
        (history["T4"].number, "Aplikasi SIKS-NG", "Tim SIKS-NG", "Petugas",
         pytest.approx(12 * HOUR))]
    page = reports.sla(NOVEMBER, now=NOW, limit=1, offset=1)
    assert [b["number"] for b in page["breaches"]] == [history["T9"].number]


def rows_by_name(rows):
    return {row.pop("name"): {k: v for k, v in row.items() if k != "id"} for row in rows}


CLOSE_LOOP = {"closed_by_citizen": 0, "closed_automatically": 0, "reopened_by_citizen": 0}


def test_per_topic(history):
    assert rows_by_name(reports.by_topic(NOVEMBER, now=NOW)) == {
        "Aplikasi SIKS-NG": {"created": 5, "resolved": 4, "answered_in_time": 0.8,  # T6
                             "resolved_in_time": 0.75, "open_now": 4,
                             "response_median": pytest.approx(2.5 * HOUR),
                             "resolution_median": pytest.approx(25 * HOUR),
                             **CLOSE_LOOP, "reopened_by_citizen": 1},  # T1 by a reply
        "Data Terpadu": {"created": 2, "resolved": 0, "answered_in_time": 0.5,
                         "resolved_in_time": 0.0, "open_now": 2,
                         "response_median": pytest.approx(6 * HOUR),
                         "resolution_median": None, **CLOSE_LOOP}}


def test_per_department_with_transfers_in_and_out(history):
    assert rows_by_name(reports.by_department(NOVEMBER, now=NOW)) == {
        "Tim SIKS-NG": {"created": 6, "resolved": 4,
                        "answered_in_time": pytest.approx(5 / 6),
                        "resolved_in_time": pytest.approx(0.6), "open_now": 5,
                        "response_median": pytest.approx(3 * HOUR),
                        "resolution_median": pytest.approx(25 * HOUR),
                        "transfers_in": 1, "transfers_out": 0,
                        **CLOSE_LOOP, "reopened_by_citizen": 1},
        "Tim Data Terpadu": {"created": 1, "resolved": 0, "answered_in_time": 0.0,
                             "resolved_in_time": 0.0, "open_now": 1,
                             "response_median": None, "resolution_median": None,
                             "transfers_in": 0, "transfers_out": 1, **CLOSE_LOOP}}


def test_per_agent_counts_what_is_assigned_to_them(history):
    assert rows_by_name(reports.by_agent(NOVEMBER, now=NOW)) == {
        "Petugas": {"created": 3, "resolved": 3, "answered_in_time": 1.0,
                    "resolved_in_time": pytest.approx(2 / 3), "open_now": 1,
                    "response_median": pytest.approx(2 * HOUR),
                    "resolution_median": pytest.approx(20 * HOUR)},
        "Rina Rekan": {"created": 1, "resolved": 1, "answered_in_time": 1.0,
                       "resolved_in_time": 1.0, "open_now": 0,
                       "response_median": pytest.approx(3 * HOUR),
                       "resolution_median": pytest.approx(30 * HOUR)}}


def test_daily_series_by_local_day_with_the_backlog(history):
    series = {row["day"]: (row["created"], row["resolved"], row["backlog"])
              for row in reports.daily(NOVEMBER)}
    assert len(series) == 30 and min(series) == date(2026, 11, 1)
    # backlog before: T0. T2 resolved 2 Nov 06:00 WIB (1 Nov 23:00 UTC) counts on 2 Nov
    assert series[date(2026, 11, 1)] == (2, 1, 2)
    assert series[date(2026, 11, 2)] == (1, 1, 2)
    assert series[date(2026, 11, 3)] == (1, 1, 2)
    assert series[date(2026, 11, 4)] == (0, 0, 2)
    assert series[date(2026, 11, 5)] == (1, 1, 2)
    assert series[date(2026, 11, 27)] == (1, 0, 3)
    assert series[date(2026, 11, 30)] == (1, 0, 4)


def test_long_periods_go_by_iso_week(history):
    half_year = Period(date(2026, 6, 1), date(2026, 11, 30))
    series = {row["day"]: (row["created"], row["resolved"], row["backlog"])
              for row in reports.daily(half_year)}
    assert all(day.weekday() == 0 for day in series)
    assert series[date(2026, 10, 26)] == (3, 1, 2)  # T0 (31 Oct), T1, T2 (Sunday 1 Nov)
    assert series[date(2026, 11, 2)] == (3, 3, 2)
    assert series[date(2026, 11, 30)] == (1, 0, 4)


def dashboard():
    """Every figure, as the page reads them (the shared ones once)."""
    return build(NOVEMBER, now=NOW)


def test_the_number_of_statements_does_not_grow_with_the_tickets(app, citizen, agent, topic):
    def open_some(count):
        with app.test_request_context():
            for n in range(count):
                ticket = lifecycle.open_ticket(by=citizen, topic=topic, subject="Tiket",
                                               message="Mohon bantuan.",
                                               now=wib(3 + n, 11, 9))
                lifecycle.respond(ticket, by=agent, message="Baik.", status="resolved",
                                  now=wib(3 + n, 11, 11))

    open_some(1)
    with statements_run() as few:
        dashboard()
    open_some(6)
    with statements_run() as more:
        dashboard()
    assert len(few) == len(more) <= 30


@pytest.mark.alters_schema
def test_the_migration_keeps_earlier_transfers_by_department(app, citizen, data_agent, topic):
    """A database from before the reports: no transfer rows, no report indexes."""
    from playhouse.migrate import migrate

    from helpdesk import migrations
    from helpdesk.db import db
    from helpdesk.models import SchemaVersion, TicketTransfer

    team = Department.get(name="Tim Data Terpadu")
    with app.test_request_context():
        ticket = lifecycle.open_ticket(by=citizen, topic=HelpTopic.get(name="Data Terpadu"),
                                       subject="Tiket", message="Mohon bantuan.",
                                       now=wib(2, 11, 9))
        lifecycle.transfer(ticket, by=data_agent, to=topic.department, comment="Aplikasi.",
                           now=wib(2, 11, 10))
    db.database.drop_tables([TicketTransfer])
    migrate(*[migrations.migrator_for(db.database).drop_index("ticket", f"ticket_{name}")
              for name in ("first_response_at", "resolved_at", "closed_at",
                           "topic_id_created_at", "department_id_created_at",
                           "status_topic_id", "status_department_id")])
    SchemaVersion.delete().where(SchemaVersion.name == "0005_reports").execute()

    assert migrations.upgrade(db.database) == ["0005_reports"]
    moved = TicketTransfer.get()
    assert (moved.ticket_id, moved.source_id, moved.target_id, moved.created_at) == (
        ticket.id, team.id, topic.department_id, wib(2, 11, 10))
    assert "ticket_resolved_at" in {i.name for i in db.database.get_indexes("ticket")}
    rows = rows_by_name(reports.by_department(NOVEMBER, now=NOW))
    assert rows["Tim Data Terpadu"]["transfers_out"] == 1


def test_demo_data_records_transfers_the_reports_can_count(app, runner):
    from helpdesk.models import Ticket, TicketEvent, TicketTransfer

    result = runner.invoke(args=["demo-data", "--tickets", "200", "--seed", "1"])
    assert result.exit_code == 0, result.output
    events = {(e.ticket_id, e.created_at, e.data["target"]) for e in
              TicketEvent.select().where(TicketEvent.kind == "transferred")}
    rows = {(t.ticket_id, t.created_at, t.target.name) for t in TicketTransfer.select()}
    assert events and rows == events
    assert all(Ticket.get_by_id(t.ticket_id).department_id == t.target_id
               and t.source_id != t.target_id for t in TicketTransfer.select())


def test_time_held_per_department_in_working_and_calendar_time(history):
    """The holdings ended in November: Tim SIKS-NG held T1 twice (1 h and 2 h, on a
    Sunday), T2 20 h from Sunday 10:00 (none of it working time), T3 30 h from Monday
    09:00 (7 + 7 working hours), T4 60 h from Tuesday 08:00 (3 working days); Tim Data
    Terpadu held T5 7 h from Thursday 12:00 until its transfer (4 working hours)."""
    from helpdesk.report_holdings import held_by_department
    rows = {row["name"]: (row["holdings"], row["working_seconds"], row["calendar_seconds"])
            for row in held_by_department(NOVEMBER)}
    assert rows == {"Tim SIKS-NG": (5, 38 * HOUR, 113 * HOUR),
                    "Tim Data Terpadu": (1, 4 * HOUR, 7 * HOUR)}
    siks = Filters(topic=HelpTopic.get(name="Aplikasi SIKS-NG").id)
    assert [row["name"] for row in held_by_department(NOVEMBER, siks)] == ["Tim SIKS-NG"]
