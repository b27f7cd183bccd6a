"""The ticket queue: scoping, filters, search, default order, and a query count that does
not grow with the page size (its export: test_desk_export.py)."""
from datetime import timedelta

import pytest

from helpdesk import queries
from helpdesk.db import statements_run
from helpdesk.models import Department, HelpTopic, Ticket, utcnow

from conftest import desk_post


def numbers_on(page):
    return {int(n) for n in __import__("re").findall(r'class="ticket-link">#(\d+)<', page)}


@pytest.fixture
def tickets(app, citizen, other_citizen, make_ticket):
    """Three SIKS-NG tickets (one from another citizen) and one for Tim Email."""
    email_topic = HelpTopic.get(name="Email Kemsos")
    return {
        "login": make_ticket(citizen, subject="Tidak bisa login"),
        "sync": make_ticket(citizen, subject="Sinkronisasi gagal"),
        "other": make_ticket(other_citizen, subject="Data ganda"),
        "email": make_ticket(citizen, subject="Kotak surat penuh", chosen_topic=email_topic),
    }


@pytest.fixture(params=[2000, 1], ids=["small scope", "large scope"])
def scope_size(request, monkeypatch):
    """The agent's list read both ways: a small scope gathered from the indexes and
    sorted, a large one read in the list's order with each ticket checked."""
    monkeypatch.setattr(queries, "FEW_IN_SCOPE", request.param)
    monkeypatch.setattr(queries, "_small_scopes", {})


def test_the_queue_opens_on_open_tickets_most_urgent_first(client_of, agent, tickets,
                                                          scope_size):
    desk = client_of(agent)
    first = desk.get("/admin/ticket/")
    assert first.status_code == 302 and first.headers["Location"].endswith("?flt0_status=open")
    late = utcnow() - timedelta(hours=1)  # (the queue's order: the nearer due time)
    Ticket.update(due_at=late, next_due_at=late).where(
        Ticket.id == tickets["other"].id).execute()
    page = desk.get(first.headers["Location"]).text
    shown = [t.number for t in tickets.values() if str(t.number) in page]
    assert tickets["email"].number not in shown  # another department's ticket
    assert page.index(str(tickets["other"].number)) < page.index(str(tickets["login"].number))


def test_filters(client_of, agent, colleague, tickets, scope_size):
    desk = client_of(agent)
    desk_post(desk, tickets["login"], "claim")
    desk_post(client_of(colleague), tickets["sync"], "claim")
    Ticket.update(overdue=True).where(Ticket.id == tickets["other"].id).execute()
    url = "/admin/ticket/?flt0_status=open"
    login, sync, other = (tickets[k].number for k in ("login", "sync", "other"))
    assert numbers_on(desk.get(url + "&flt1_assignee=mine").text) == {login}
    assert numbers_on(desk.get(url + "&flt1_assignee=none").text) == {other}
    assert numbers_on(desk.get(url + f"&flt1_assignee={colleague.id}").text) == {sync}
    assert numbers_on(desk.get(url + "&flt1_overdue=yes").text) == {other}
    siks = Department.get(name="Tim SIKS-NG").id
    assert numbers_on(desk.get(url + f"&flt1_department={siks}").text) == {login, sync, other}
    topic = HelpTopic.get(name="Aplikasi SIKS-NG").id
    assert numbers_on(desk.get(url + f"&flt1_topic={topic}").text) == {login, sync, other}
    today = utcnow().date()
    span = f"{today - timedelta(days=1):%Y-%m-%d} to {today + timedelta(days=1):%Y-%m-%d}"
    assert numbers_on(desk.get(url + f"&flt1_created={span}").text) == {login, sync, other}
    old = f"{today - timedelta(days=30):%Y-%m-%d} to {today - timedelta(days=20):%Y-%m-%d}"
    assert numbers_on(desk.get(url + f"&flt1_created={old}").text) == set()
    desk_post(desk, tickets["login"], "status", status="resolved")
    assert numbers_on(desk.get("/admin/ticket/?flt0_status=resolved").text) == {login}
    assert numbers_on(desk.get("/admin/ticket/?flt0_status=any").text) == {login, sync, other}


def test_a_bad_filter_value_is_refused_with_a_message(client_of, agent, tickets):
    page = client_of(agent).get("/admin/ticket/?flt0_assignee=abc&lang=en")
    assert page.status_code == 200 and "Invalid Filter Value: abc" in page.text


def test_search_by_number_subject_and_requester_email(client_of, agent, tickets):
    desk = client_of(agent)
    base = "/admin/ticket/?flt0_status=any&search="
    number = tickets["sync"].number
    assert numbers_on(desk.get(f"{base}{number}").text) == {number}
    assert numbers_on(desk.get(f"{base}%23{number}").text) == {number}
    assert numbers_on(desk.get(f"{base}sinkron").text) == {number}
    assert numbers_on(desk.get(f"{base}tetangga@contoh").text) == {tickets["other"].number}
    assert numbers_on(desk.get(f"{base}kotak").text) == set()  # Tim Email's, out of scope


def test_overdue_tickets_are_marked(client_of, agent, tickets):
    Ticket.update(overdue=True).where(Ticket.id == tickets["login"].id).execute()
    page = client_of(agent).get("/admin/ticket/?flt0_status=open&lang=en").text
    row = page[page.index(str(tickets["login"].number)):]
    row = row[:row.index("</tr>")]
    assert 'class="overdue"' in row and "Overdue" in row
    other = page[page.index(str(tickets["sync"].number)):]
    assert 'class="overdue"' not in other[:other.index("</tr>")]


def count_queries(client, url):
    """The SQL statements the request ran (not the mail thread's)."""
    with statements_run() as seen:
        response = client.get(url)
    assert response.status_code == 200
    return seen


def test_queue_queries_do_not_grow_with_the_page_size(client_of, supervisor, citizen,
                                                      make_ticket):
    for n in range(30):
        make_ticket(citizen, subject=f"Tiket {n}")
    desk = client_of(supervisor)
    desk.get("/admin/ticket/?flt0_status=open")  # warm up (templates, session)
    small = count_queries(desk, "/admin/ticket/?flt0_status=open&page_size=25")
    large = count_queries(desk, "/admin/ticket/?flt0_status=open&page_size=100")
    assert len(numbers_on(desk.get("/admin/ticket/?flt0_status=open&page_size=100").text)) == 30
    assert len(small) == len(large)
    assert not any("_WRAPPED" in sql.upper() for sql in large)  # no pager COUNT of the list


def test_a_hand_made_sort_falls_back_to_the_default_order(client_of, agent, tickets):
    page = client_of(agent).get("/admin/ticket/?flt0_status=open&sort=2")  # requester: shown, not sortable
    assert page.status_code == 200 and str(tickets["login"].number) in page.text
