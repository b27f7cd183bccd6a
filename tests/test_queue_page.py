"""The queue page as the desk sees it: its filters follow the directory without a restart,
its links keep the page's search, filters and sort, an empty page says so, and its
statements do not grow with the directory (the query counts of every desk page:
test_query_counts.py)."""
import html
import json
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from helpdesk import lifecycle, queries
from helpdesk.db import statements_run
from helpdesk.models import Department, HelpTopic, User, utcnow

from conftest import desk_post

QUEUE = "/admin/ticket/?flt0_status=open"
WORKED_ON = "/admin/ticket/?flt0_status=any&flt1_worked_on=me"


def filter_options(page, name):
    """{value: label} of the filter ``name`` offered by the page (Flask-Admin's JSON)."""
    groups = json.loads(html.unescape(re.search(
        r'<div id="filter-groups-data" class="d-none">(.*?)</div>', page, re.S).group(1)))
    for group in groups.values():
        for flt in group:
            if flt["arg"] == name:
                return dict(flt["options"] or [])
    raise AssertionError(f"no filter {name}")


def test_the_filters_follow_the_directory_from_the_next_page(client_of, supervisor, make_user,
                                                             citizen, make_ticket):
    make_ticket(citizen)
    desk = client_of(supervisor)
    first = desk.get(QUEUE).text
    assert "Tim Arsip" not in filter_options(first, "department").values()
    team = Department.create(name="Tim Arsip")
    HelpTopic.update(name="Aplikasi SIKS-NG (baru)").where(
        HelpTopic.name == "Aplikasi SIKS-NG").execute()
    archivist = make_user("arsiparis@kemensos.go.id", roles=["agent"],
                          departments=["Tim Arsip"], full_name="Rudi Arsiparis")
    page = desk.get(QUEUE).text
    assert filter_options(page, "department")[str(team.id)] == "Tim Arsip"
    assert "Aplikasi SIKS-NG (baru)" in filter_options(page, "topic").values()
    assert filter_options(page, "assignee")[str(archivist.id)] == "Rudi Arsiparis"
    narrowed = desk.get(f"{QUEUE}&flt1_department={team.id}&lang=en").text
    assert "Invalid Filter Value" not in narrowed
    assert "There are no items in the table." in narrowed


def test_the_directory_shows_in_the_language_of_the_page(client_of, supervisor):
    desk = client_of(supervisor)
    assert filter_options(desk.get(QUEUE + "&lang=en").text, "assignee")["none"] == \
        "nobody (unassigned)"
    assert filter_options(desk.get(QUEUE + "&lang=id").text, "assignee")["none"] == \
        "tidak ada (belum ditugaskan)"


def links(page, pattern):
    return [html.unescape(href) for href in re.findall(pattern, page)]


def test_the_sort_pager_and_page_size_links_keep_the_search(client_of, supervisor, citizen,
                                                             make_ticket):
    for n in range(3):
        make_ticket(citizen, subject=f"Formulir & lampiran/{n} gagal")
    desk = client_of(supervisor)
    page = desk.get("/admin/ticket/?flt0_status=any&search=lampiran%2F1+gagal&page_size=50").text
    sort = links(page, r'<a href="([^"]*)" title="Urutkan berdasarkan')
    sizes = links(page, r'<a class="dropdown-item[^"]*" href="([^"]*)">\d+ (?:item|butir)')
    pager = links(page, r'<a class="page-link" href="([^"]*)"')
    assert len(sort) == 6 and len(sizes) == 3 and len(pager) == 2
    for link in sort + sizes + pager:
        args = parse_qs(urlsplit(link).query)
        assert args["search"] == ["lampiran/1 gagal"] and args["flt0_status"] == ["any"]
        followed = desk.get(link).text
        assert 'value="lampiran/1 gagal"' in followed
        assert "Formulir &amp; lampiran/1 gagal" in followed


def test_more_departments_topics_and_staff_add_no_statement(client_of, supervisor, make_user,
                                                            citizen, make_ticket):
    make_ticket(citizen)
    desk = client_of(supervisor)
    desk.get(QUEUE)

    def statements():
        with statements_run() as seen:
            assert desk.get(QUEUE).status_code == 200
        return len(seen)

    before = statements()
    for n in range(3):
        Department.create(name=f"Tim {n}")
        HelpTopic.create(name=f"Topik {n}", department=Department.get(name=f"Tim {n}"))
        make_user(f"petugas{n}@kemensos.go.id", roles=["agent"], departments=[f"Tim {n}"])
    assert statements() == before


def test_a_ticket_keeps_its_assignee_after_they_leave_the_staff(app, client_of, supervisor,
                                                                make_user, citizen,
                                                                make_ticket):
    leaving = make_user("pensiun@kemensos.go.id", roles=["agent"], departments=["Tim SIKS-NG"],
                        full_name="Budi Pensiun")
    ticket = make_ticket(citizen, subject="Tidak bisa unggah berkas")
    with app.test_request_context():
        lifecycle.claim(ticket, by=leaving)
    User.update(active=False).where(User.id == leaving.id).execute()
    page = client_of(supervisor).get(QUEUE).text
    row = page[page.index(f"#{ticket.number}<"):]
    row = row[:row.index("</tr>")]
    assert "Budi Pensiun" in row and "Tidak bisa unggah berkas" in row
    assert str(leaving.id) not in filter_options(page, "assignee")


def test_the_shortcuts_count_what_they_list(app, client_of, agent, colleague, citizen,
                                            make_ticket):
    tickets = [make_ticket(citizen, subject=f"Aplikasi macet {n}") for n in range(5)]
    make_ticket(citizen, subject="Kotak surat penuh",
                chosen_topic=HelpTopic.get(name="Email Kemsos"))  # another department's
    desk, other = client_of(agent), client_of(colleague)
    desk_post(desk, tickets[0], "claim")
    desk_post(other, tickets[1], "claim")
    desk_post(desk, tickets[2], "status", status="resolved")
    desk_post(desk, tickets[3], "status", status="awaiting")  # neither open nor overdue
    with app.test_request_context():
        lifecycle.mark_overdue(now=utcnow() + timedelta(days=30))  # every open ticket
    page = desk.get(QUEUE).text
    found = re.findall(r'<a class="btn btn-sm btn-outline-primary" href="([^"]*)">'
                       r'<span>[^<]*</span> <span class="shortcut-count count-(\w+)">'
                       r'\(([\d.]+)\)', page)
    assert {key: int(n) for _, key, n in found} == {
        "open": 3, "mine": 1, "none": 1, "overdue": 3, "awaiting": 1}
    shown = {link: n for link, _, n in found}
    for link, count in shown.items():
        listed = re.findall(r'class="ticket-link">#(\d+)<', desk.get(html.unescape(link)).text)
        assert len(listed) == int(count), link


@pytest.mark.parametrize("few", [2000, 1], ids=["few participations", "many"])
def test_tickets_i_worked_on_are_mine_wherever_they_went(app, client_of, agent, colleague,
                                                         supervisor, citizen, make_ticket,
                                                         monkeypatch, few):
    """"Tickets I worked on" lists what the agent claimed, noted or transferred away (in
    the queue's order, with the other filters), nothing a colleague alone touched; read
    whether the agent has few participations or many."""
    monkeypatch.setattr(queries, "FEW_PARTICIPATIONS", few)
    claimed, noted, moved, theirs, untouched = (
        make_ticket(citizen, subject=f"Aplikasi macet {n}") for n in range(5))
    with app.test_request_context():
        lifecycle.claim(claimed, by=agent)
        lifecycle.add_note(noted, by=agent, message="Cek log server.")
        lifecycle.transfer(moved, by=agent, to=Department.get(name="Tim Data Terpadu"),
                           comment="Masalah data.")
        lifecycle.claim(theirs, by=colleague)
        lifecycle.respond(claimed, by=agent, message="Sudah beres.", status="resolved")
    desk = client_of(agent)
    listed = re.findall(r'class="ticket-link">#(\d+)<',
                        desk.get(WORKED_ON + "&sort=0&desc=1").text)
    assert listed == [str(t.number) for t in sorted((claimed, noted, moved),
                                                    key=lambda t: -t.number)]
    still_open = desk.get("/admin/ticket/?flt0_status=open&flt1_worked_on=me").text
    assert f"#{claimed.number}<" not in still_open and f"#{noted.number}<" in still_open
    assert f"#{untouched.number}<" in desk.get("/admin/ticket/?flt0_status=any").text
    assert re.findall(r'class="ticket-link">#(\d+)<',
                      client_of(supervisor).get(WORKED_ON).text) == []
    # a value the filter does not offer is refused: the list is what one may see
    refused = desk.get("/admin/ticket/?flt0_status=any&flt1_worked_on=all").text
    assert f"#{untouched.number}<" in refused and f"#{theirs.number}<" in refused


def test_the_queue_sorts_by_subject_either_way(client_of, agent, supervisor, citizen,
                                               make_ticket):
    subjects = ["Berkas hilang", "Aplikasi macet", "Data ganda", "Cetak gagal"]
    for subject in subjects:
        make_ticket(citizen, subject=subject)
    for desc in ("", "&desc=1"):
        for person in (agent, supervisor):
            page = client_of(person).get(f"/admin/ticket/?flt0_status=any&sort=1{desc}").text
            listed = re.findall(r'<td class="col-subject"><a [^>]*>([^<]*)</a>', page)
            assert listed == sorted(subjects, reverse=bool(desc)), (person.email, desc)
