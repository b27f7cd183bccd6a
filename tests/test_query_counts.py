"""Every desk and portal page runs the same number of SQL statements whatever the number of
tickets stored and of rows it shows: no statement per ticket, per thread entry or per row."""
import pytest

from helpdesk import lifecycle
from helpdesk.db import statements_run
from helpdesk.models import OutboxMail, Ticket

from conftest import login
from samples import PDF
from test_tickets import post_ticket

DESK_PAGES = ["/admin/", "/admin/ticket/", "/admin/ticket/?flt0_status=open",
              "/admin/ticket/?flt0_status=any",
              "/admin/ticket/?flt0_status=open&flt1_assignee=none&page_size=100",
              "/admin/ticket/?flt0_status=any&flt1_department=1&sort=4&desc=1",
              "/admin/ticket/?flt0_status=any&flt1_worked_on=me",
              "/admin/ticket/?flt0_status=any&search=login",
              "/admin/ticket/?flt0_status=any&search=login+sejak&page_size=100",
              "/admin/ticket/?flt0_status=any&search=%23{ticket.number}",
              "/admin/ticket/details/?id={ticket.id}"]
PORTAL_PAGES = ["/", "/tickets/", "/tickets/?q=login", "/tickets/new",
                "/tickets/{ticket.number}"]


def statements(client, url):
    with statements_run() as seen:
        response = client.get(url)
    assert response.status_code == (302 if url == "/admin/ticket/" else 200), url
    return len(seen)


def more_work(app, citizen, other_citizen, agent, ticket, make_ticket, count):
    """``count`` more tickets for each citizen, and a longer thread on ``ticket``."""
    with app.test_request_context():
        for n in range(count):
            for person in (citizen, other_citizen):
                extra = make_ticket(person, subject=f"Gagal login {n}")
                lifecycle.respond(extra, by=agent, message="Sedang kami periksa.")
        lifecycle.respond(ticket, by=agent, message="Mohon kirim tangkapan layar.")
        lifecycle.add_note(ticket, by=agent, message="Cek log server.")
        lifecycle.reply(ticket, by=citizen, message="Ini tangkapan layarnya.")


@pytest.mark.parametrize("persona,pages", [("supervisor", DESK_PAGES), ("agent", DESK_PAGES),
                                           ("citizen", PORTAL_PAGES)])
def test_pages_run_as_many_statements_with_more_tickets(request, app, client_of, citizen,
                                                        other_citizen, agent, make_ticket,
                                                        persona, pages):
    ticket = make_ticket(citizen, subject="Tidak bisa login SIKS-NG")
    browser = client_of(request.getfixturevalue(persona))
    urls = [page.format(ticket=ticket) for page in pages]
    for url in urls:  # warm: templates compiled, caches filled
        statements(browser, url)
    few = [statements(browser, url) for url in urls]
    more_work(app, citizen, other_citizen, agent, ticket, make_ticket, 6)
    assert [statements(browser, url) for url in urls] == few


def test_opening_a_ticket_runs_as_many_statements_with_more_tickets(
        app, client, citizen, other_citizen, agent, topic, make_ticket):
    """The citizen's whole round (the form, the POST, the ticket's page it leads to)."""
    login(client, citizen)

    def round_trip():
        with statements_run() as seen:
            sent = post_ticket(client, topic, subject="Aplikasi tidak bisa dibuka")
            assert sent.status_code == 302, sent.status_code
            assert client.get(sent.location).status_code == 200
        return len(seen)

    round_trip()  # warm
    few = round_trip()
    ticket = make_ticket(citizen, subject="Tidak bisa login SIKS-NG")
    more_work(app, citizen, other_citizen, agent, ticket, make_ticket, 6)
    assert round_trip() == few


@pytest.mark.parametrize("persona,url,expected", [
    # the user with its roles; the ticket (in the user's scope); its thread (with whether
    # each entry has files and came by e-mail: none did here) and events; the choices of
    # the reply, transfer and assign forms, in one statement
    ("supervisor", "/admin/ticket/details/?id={ticket.id}", 5),
    # an agent: whether they may act on it, and no assign form
    ("agent", "/admin/ticket/details/?id={ticket.id}", 6),
    ("citizen", "/tickets/{ticket.number}", 4),  # the user; the ticket; thread, events
])
@pytest.mark.parametrize("files", [False, True], ids=["no files", "files"])
def test_a_ticket_page_runs_one_statement_per_thing_it_shows(request, client_of, citizen,
                                                             make_ticket, topic, persona,
                                                             url, expected, files):
    """A ticket whose entries have attachments reads them in one more statement."""
    if files:
        sent = post_ticket(client_of(citizen), topic, subject="Tidak bisa login SIKS-NG",
                           files=[("surat.pdf", PDF)])
        assert sent.status_code == 302, sent.text
        ticket = Ticket.select().order_by(Ticket.id.desc()).get()
    else:
        ticket = make_ticket(citizen, subject="Tidak bisa login SIKS-NG")
    browser = client_of(request.getfixturevalue(persona))
    statements(browser, url.format(ticket=ticket))
    assert statements(browser, url.format(ticket=ticket)) == expected + files
    assert ("surat.pdf" in browser.get(url.format(ticket=ticket)).text) == files


def test_a_new_ticket_alerts_any_number_of_agents_in_the_same_statements(
        app, client, citizen, agent, make_user, topic):
    """The POST writes the ticket, its entry, search index, event, mails and report tallies
    once each: the department's agents' alerts (one per language) are one INSERT with the
    receipt."""
    login(client, citizen)

    def posted():
        with statements_run() as seen:
            sent = post_ticket(client, topic, subject="Aplikasi tidak bisa dibuka")
        assert sent.status_code == 302, sent.status_code
        return len(seen)

    posted()  # warm
    one_agent = posted()
    for n in range(4):
        make_user(f"petugas{n}@kemensos.go.id", roles=["agent"], departments=["Tim SIKS-NG"],
                  locale=["id", "en"][n % 2])
    assert posted() == one_agent
    alerts = OutboxMail.select().where(OutboxMail.kind == "ticket_opened_staff").order_by(
        OutboxMail.id)
    # one alert per language, each agent of that language in it
    assert sorted(len(alert.recipients) for alert in alerts) == [1, 1, 2, 3]
