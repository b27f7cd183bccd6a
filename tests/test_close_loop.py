"""The requester closes the loop: the resolved e-mail and page ask "Is your problem solved?";
"Yes, close it" closes, "No, it isn't" reopens with a required message that alerts the
assignee, and an open ticket can be closed with a comment. Each is an event in the
thread, refused where it makes no sense, and counted in the reports."""
from datetime import date, timedelta

import pytest

from helpdesk import lifecycle, report_summary, reports
from helpdesk.lifecycle import closing, desk
from helpdesk.models import (OutboxMail, ReportDay, Ticket, TicketEvent, TicketStatus,
                             ThreadEntry, utcnow)
from helpdesk.reports import Period

from conftest import body_of, csrf_from, desk_post, desk_url, links_in, login
from report_history import NOVEMBER, NOW


def resolved_ticket(make_ticket, citizen, client_of, agent, **extra):
    ticket = make_ticket(citizen, **extra)
    desk = client_of(agent)
    desk_post(desk, ticket, "claim")
    desk_post(desk, ticket, "status", status="resolved")
    assert Ticket.get_by_id(ticket.id).status == TicketStatus.RESOLVED
    return ticket


def answer(client, ticket, action, **fields):
    page = client.get(f"/tickets/{ticket.number}")
    data = {f"{action}-csrf_token": csrf_from(page.text),
            **{f"{action}-{name}": value for name, value in fields.items()}}
    return client.post(f"/tickets/{ticket.number}/{action}", data=data)


def kinds(ticket):
    return [(e.kind, e.actor_id) for e in
            TicketEvent.select().where(TicketEvent.ticket == ticket).order_by(TicketEvent.id)]


def test_the_resolved_mail_asks_and_links_to_the_page_where_the_choice_is_made(
        client, client_of, citizen, agent, make_ticket, mailbox):
    ticket = resolved_ticket(make_ticket, citizen, client_of, agent)
    [mail] = [m for m in mailbox.to(citizen.email, count=2) if "Selesai" in m["Subject"]]
    text = body_of(mail)
    assert "Apakah masalah Anda sudah selesai?" in text and "“Ya, tutup”" in text
    assert "ditutup otomatis setelah 3 hari" in text
    [link] = [u for u in links_in(mail) if f"/tickets/{ticket.number}" in u]
    login(client, citizen)
    page = client.get(link.replace("http://localhost", "")).text
    assert "Apakah masalah Anda sudah selesai?" in page
    assert "Ya, tutup" in page and "Belum selesai" in page
    assert page.count('name="confirm-csrf_token"') == 1
    assert page.count('name="unsolved-csrf_token"') == 1
    assert Ticket.get_by_id(ticket.id).status == TicketStatus.RESOLVED  # nothing on GET
    assert client.get(f"/tickets/{ticket.number}/confirm").status_code == 405


def test_yes_close_it(client, client_of, citizen, agent, make_ticket):
    ticket = resolved_ticket(make_ticket, citizen, client_of, agent)
    login(client, citizen)
    response = answer(client, ticket, "confirm")
    assert response.status_code == 302
    saved = Ticket.get_by_id(ticket.id)
    assert saved.status == TicketStatus.CLOSED and saved.closed_at is not None
    assert kinds(ticket)[-1] == ("confirmed", citizen.id)
    page = client.get(response.headers["Location"]).text
    assert "Terima kasih atas konfirmasinya" in page
    assert "Anda menyatakan masalahnya sudah selesai; tiket ditutup." in page
    assert "Ya, tutup" not in page  # a closed ticket asks nothing
    alert = OutboxMail.get(OutboxMail.recipient == agent.email,
                           OutboxMail.kind == "ticket_closed_staff")
    assert "menyatakan masalahnya sudah selesai" in alert.subject
    timeline = client_of(agent).get(desk_url(ticket)).text
    assert "Ditutup oleh pemohon, yang menyatakan masalahnya sudah selesai" in timeline


def test_no_it_is_not_needs_a_message_which_reopens_and_alerts_the_assignee(
        client, client_of, citizen, agent, colleague, make_ticket):
    ticket = resolved_ticket(make_ticket, citizen, client_of, agent)
    login(client, citizen)
    refused = answer(client, ticket, "unsolved", message="   ")
    assert "Silakan jelaskan apa yang belum selesai." in client.get(
        refused.headers["Location"]).text
    assert Ticket.get_by_id(ticket.id).status == TicketStatus.RESOLVED

    answer(client, ticket, "unsolved", message="Masih muncul galat <b>403</b>.")
    saved = Ticket.get_by_id(ticket.id)
    assert saved.status == TicketStatus.OPEN and saved.resolved_at is None
    assert kinds(ticket)[-1] == ("reopened", citizen.id)
    last = ThreadEntry.select().where(ThreadEntry.ticket == ticket).order_by(
        ThreadEntry.id.desc()).get()
    assert (last.kind, last.body, last.author_id) == ("message", "Masih muncul galat <b>403</b>.",
                                                      citizen.id)
    page = client.get(f"/tickets/{ticket.number}").text
    assert "Masih muncul galat &lt;b&gt;403&lt;/b&gt;." in page
    assert "Anda menyatakan masalahnya belum selesai; tiket dibuka kembali." in page
    [alert] = OutboxMail.select().where(OutboxMail.kind == "ticket_message_staff")
    assert alert.recipient == agent.email  # the assignee, not the whole department
    assert "belum selesai" in alert.subject and "galat <b>403</b>" in alert.body_text
    assert "Dibuka kembali oleh pemohon: masalahnya belum selesai" in client_of(agent).get(
        desk_url(ticket)).text


def test_the_department_is_alerted_when_nobody_has_the_ticket(app, citizen, agent, colleague,
                                                             supervisor, make_ticket):
    ticket = make_ticket(citizen)
    with app.test_request_context():
        lifecycle.set_status(ticket, by=supervisor, status=TicketStatus.RESOLVED)
        lifecycle.report_unsolved(ticket, by=citizen, message="Belum bisa.")
    alerted = {a for m in OutboxMail.select().where(
        OutboxMail.kind == "ticket_message_staff") for a in m.recipients}
    assert alerted == {agent.email, colleague.email}


def test_a_requester_closes_their_open_ticket_with_a_comment(client, client_of, citizen, agent,
                                                            make_ticket):
    ticket = make_ticket(citizen)
    desk_post(client_of(agent), ticket, "claim")
    login(client, citizen)
    page = client.get(f"/tickets/{ticket.number}").text
    assert "Tutup tiket ini" in page and "Ya, tutup" not in page
    response = answer(client, ticket, "close", comment="Sudah bisa, terima kasih.")
    saved = Ticket.get_by_id(ticket.id)
    assert saved.status == TicketStatus.CLOSED
    assert kinds(ticket)[-1] == ("withdrawn", citizen.id)
    page = client.get(response.headers["Location"]).text
    assert "Anda menutup tiket ini. Sudah bisa, terima kasih." in page
    alert = OutboxMail.get(OutboxMail.kind == "ticket_closed_staff")
    assert alert.recipient == agent.email and "Sudah bisa, terima kasih." in alert.body_text
    assert "Ditutup oleh pemohon: Sudah bisa, terima kasih." in client_of(agent).get(
        desk_url(ticket)).text


def test_closing_without_a_comment(app, citizen, make_ticket):
    ticket = make_ticket(citizen)
    with app.test_request_context():
        lifecycle.withdraw(ticket, by=citizen)
    assert Ticket.get_by_id(ticket.id).status == TicketStatus.CLOSED
    assert TicketEvent.get(TicketEvent.kind == "withdrawn").detail == ""


@pytest.mark.parametrize("status, action, refusal", [
    ("open", "confirm", "belum ditandai selesai"),
    ("open", "unsolved", "belum ditandai selesai"),
    ("resolved", "close", "sudah ditandai selesai: silakan jawab"),
    ("closed", "confirm", "sudah ditutup"),
    ("closed", "unsolved", "sudah ditutup"),
    ("closed", "close", "sudah ditutup"),
])
def test_every_answer_is_refused_where_it_makes_no_sense(client, citizen, supervisor,
                                                        make_ticket, app, status, action,
                                                        refusal):
    ticket = make_ticket(citizen)
    if status != "open":
        with app.test_request_context():
            lifecycle.set_status(ticket, by=supervisor, status=status)
    before = kinds(ticket)
    login(client, citizen)
    response = answer(client, ticket, action, **({"message": "Masih."}
                                                 if action == "unsolved" else {}))
    assert refusal in client.get(response.headers["Location"]).text
    assert Ticket.get_by_id(ticket.id).status == status and kinds(ticket) == before


def test_nobody_answers_for_someone_else(client, app, citizen, other_citizen, agent, supervisor,
                                        make_ticket):
    ticket = make_ticket(citizen)
    with app.test_request_context():
        lifecycle.set_status(ticket, by=supervisor, status=TicketStatus.RESOLVED)
        for who in (other_citizen, agent, None):
            with pytest.raises(lifecycle.NotAllowed):
                lifecycle.confirm(ticket, by=who)
            with pytest.raises(lifecycle.NotAllowed):
                lifecycle.report_unsolved(ticket, by=who, message="x")
            with pytest.raises(lifecycle.NotAllowed):
                lifecycle.withdraw(ticket, by=who)
    login(client, other_citizen)
    token = csrf_from(client.get("/tickets/").text)
    for action in ("confirm", "unsolved", "close"):
        response = client.post(f"/tickets/{ticket.number}/{action}",
                               data={f"{action}-csrf_token": token,
                                     f"{action}-message": "Masih."})
        assert response.status_code == 404
    assert Ticket.get_by_id(ticket.id).status == TicketStatus.RESOLVED


def test_an_answer_without_its_csrf_token_is_refused(client, client_of, citizen, agent,
                                                    make_ticket):
    ticket = resolved_ticket(make_ticket, citizen, client_of, agent)
    login(client, citizen)
    assert client.post(f"/tickets/{ticket.number}/confirm").status_code == 400
    assert Ticket.get_by_id(ticket.id).status == TicketStatus.RESOLVED


def test_every_closing_goes_through_after_closing(app, monkeypatch, citizen, supervisor,
                                                 make_ticket):
    calls = []

    def record(ticket, by, now):
        calls.append((ticket.id, by.id if by else None,
                      Ticket.get_by_id(ticket.id).status))
    monkeypatch.setattr(desk, "after_closing", record)
    monkeypatch.setattr(closing, "after_closing", record)
    tickets = [make_ticket(citizen, subject=f"T{n}") for n in range(5)]
    with app.test_request_context():
        lifecycle.set_status(tickets[0], by=supervisor, status=TicketStatus.CLOSED)
        lifecycle.respond(tickets[1], by=supervisor, message="Selesai.",
                          status=TicketStatus.CLOSED)
        for ticket in tickets[2:]:
            lifecycle.set_status(ticket, by=supervisor, status=TicketStatus.RESOLVED)
        lifecycle.confirm(tickets[2], by=citizen)
        lifecycle.set_status(tickets[3], by=supervisor, status=TicketStatus.OPEN)
        lifecycle.withdraw(tickets[3], by=citizen)
        lifecycle.set_status(tickets[1], by=supervisor, status=TicketStatus.OPEN)  # no call
        lifecycle.auto_close(now=utcnow().replace(year=utcnow().year + 1))
    assert calls == [(tickets[0].id, supervisor.id, "closed"),
                     (tickets[1].id, supervisor.id, "closed"),
                     (tickets[2].id, citizen.id, "closed"),
                     (tickets[3].id, citizen.id, "closed"),
                     (tickets[4].id, None, "closed")]


def test_the_reports_count_the_requesters_and_the_systems_closings(app, history, citizen,
                                                                 supervisor):
    """Closings by the requester (confirming, closing an open ticket), automatic closings
    and reopenings by the requester land on the day they happened, in the headline and on
    the summary's rows, equal to a rebuild's."""
    t7, t8, t9 = history["T7"], history["T8"], history["T9"]
    with app.test_request_context():
        lifecycle.set_status(t7, by=supervisor, status=TicketStatus.RESOLVED, now=NOW)
        lifecycle.report_unsolved(t7, by=citizen, message="Belum.", now=NOW)
        lifecycle.set_status(t7, by=supervisor, status=TicketStatus.RESOLVED, now=NOW)
        lifecycle.confirm(t7, by=citizen, now=NOW)
        lifecycle.withdraw(t8, by=citizen, now=NOW)
        lifecycle.set_status(t9, by=supervisor, status=TicketStatus.RESOLVED, now=NOW)
        # T1, T2 and T4 were resolved in November, T9 now: all unanswered three days on
        assert lifecycle.auto_close(now=NOW + timedelta(days=3)) == 4
    today = reports.headline(Period(date(2026, 12, 2), date(2026, 12, 2)), now=NOW)
    assert (today["closed_by_citizen"], today["reopened_by_citizen"], today["reopened"],
            today["closed_automatically"]) == (2, 1, 1, 0)
    later = reports.headline(Period(date(2026, 12, 5), date(2026, 12, 5)), now=NOW)
    assert (later["closed_automatically"], later["closed"], later["closed_by_citizen"]) == \
        (4, 4, 0)
    december = Period(date(2026, 12, 1), date(2026, 12, 31))
    loop = ("closed_by_citizen", "closed_automatically", "reopened_by_citizen")
    by_topic = {row["name"]: tuple(row[k] for k in loop)
                for row in reports.by_topic(december, now=NOW)}
    # T7 and T8 (SIKS-NG); T1, T2 and T4 (SIKS-NG) and T9 (Data Terpadu) closed by themselves
    assert by_topic == {"Aplikasi SIKS-NG": (2, 3, 1), "Data Terpadu": (0, 1, 0)}
    by_department = {row["name"]: tuple(row[k] for k in loop)
                     for row in reports.by_department(december, now=NOW)}
    assert by_department == {"Tim SIKS-NG": (2, 3, 1), "Tim Data Terpadu": (0, 1, 0)}
    november = reports.headline(Period(date(2026, 11, 1), date(2026, 11, 30)), now=NOW)
    assert november["reopened_by_citizen"] == 1  # T1, reopened by its requester's reply
    kept = _counted_rows()
    with app.app_context():
        report_summary.rebuild()
    assert _counted_rows() == kept


def _counted_rows():
    return {(r.day, r.topic, r.department, r.assignee, r.citizen_closures, r.auto_closures,
             r.citizen_reopenings, r.reopenings, r.closures) for r in ReportDay.select()
            if r.citizen_closures or r.auto_closures or r.citizen_reopenings or r.reopenings
            or r.closures}


@pytest.mark.alters_schema
def test_the_migration_counts_the_requesters_reopenings_so_far(app, history):
    """A database from before closing the loop: no such counters, no link table; the
    migration adds them and counts the reopenings by requesters already made."""
    from playhouse.migrate import migrate

    from helpdesk import migrations
    from helpdesk.db import db
    from helpdesk.models import SchemaVersion, TicketLink

    figures = reports.headline(NOVEMBER, now=NOW)
    db.database.drop_tables([TicketLink])
    migrate(*(migrations.migrator_for(db.database).drop_column("report_day", column)
              for column in ("citizen_closures", "auto_closures", "citizen_reopenings")))
    SchemaVersion.delete().where(SchemaVersion.name == "0015_close_loop").execute()
    assert migrations.upgrade(db.database) == ["0015_close_loop"]
    assert reports.headline(NOVEMBER, now=NOW) == figures
    assert figures["reopened_by_citizen"] == 1 and TicketLink.table_exists()
