"""What a search shows: the best matches first unless a column is sorted (ties and terms
too common to rank newest first), and under each subject the words found, marked, with
the user's text left as text; a note is labelled as such and never shown to a citizen."""
import re

import pytest

from helpdesk import lifecycle, search_query

QUEUE = "/admin/ticket/?flt0_status=any&search="


def numbers_in_order(page):
    return [int(n) for n in re.findall(r'class="ticket-link">#(\d+)<', page)]


def snippets_on(page):  # (PostgreSQL leaves out a fragment's last full stop)
    return re.findall(r'<div class="search-snippet[^"]*">(.*?)</div>', page, re.S)


@pytest.fixture
def network(app, citizen, other_citizen, agent, make_ticket):
    """Three tickets naming the network, the oldest most about it; one that does not."""
    with app.test_request_context():
        most = make_ticket(citizen, subject="Jaringan putus",
                           message="Jaringan kantor putus, jaringan cadangan juga.")
        once = make_ticket(other_citizen, subject="Printer rusak", message=(
            "Printer di lantai dua tidak mau mencetak sejak pagi, sudah dicoba dimatikan "
            "dan dinyalakan lagi, kabel sudah diganti, mungkin karena jaringan."))
        same = make_ticket(other_citizen, subject="Printer rusak", message=(
            "Printer di lantai dua tidak mau mencetak sejak pagi, sudah dicoba dimatikan "
            "dan dinyalakan lagi, kabel sudah diganti, mungkin karena jaringan."))
        make_ticket(citizen, subject="Lupa kata sandi", message="Mohon bantuannya.")
    return [most, once, same]


def test_the_best_match_comes_first_then_the_newest(client_of, supervisor, network):
    most, once, same = network
    page = client_of(supervisor).get(QUEUE + "jaringan").text
    assert numbers_in_order(page) == [most.number, same.number, once.number]


def test_a_sorted_column_orders_the_results(client_of, supervisor, network):
    page = client_of(supervisor).get(QUEUE + "jaringan&sort=0").text  # by number
    assert numbers_in_order(page) == sorted(ticket.number for ticket in network)


@pytest.mark.parametrize("dense", [True, False])
def test_a_term_too_common_to_rank_lists_every_match_newest_first(
        monkeypatch, client_of, supervisor, citizen, network, dense):
    monkeypatch.setattr(search_query, "RANK_LIMIT", 2)
    monkeypatch.setattr(search_query, "_dense", lambda *args: dense)
    newest_first = [ticket.number for ticket in reversed(network)]
    assert numbers_in_order(client_of(supervisor).get(QUEUE + "jaringan").text) == newest_first
    page = client_of(citizen).get("/tickets/?q=jaringan").text  # theirs only
    assert re.findall(r'href="/tickets/(\d+)"', page)[::2] == [str(network[0].number)]


@pytest.mark.parametrize("dense", [True, False])
def test_a_term_of_several_words_too_common_to_rank_lists_those_holding_all(
        monkeypatch, client_of, supervisor, other_citizen, network, dense):
    """On PostgreSQL the tickets are probed one by one (``OFFSET 0``), not joined."""
    monkeypatch.setattr(search_query, "RANK_LIMIT", 1)
    monkeypatch.setattr(search_query, "_dense", lambda *args: dense)
    most, once, same = network
    page = client_of(supervisor).get(QUEUE + "printer+jaringan").text
    assert numbers_in_order(page) == [same.number, once.number]
    page = client_of(other_citizen).get("/tickets/?q=printer+jaringan").text
    assert re.findall(r'href="/tickets/(\d+)"', page)[::2] == [str(same.number),
                                                               str(once.number)]


def test_a_word_common_in_another_department_is_read_from_its_matches(
        monkeypatch, client_of, agent, supervisor, citizen, other_citizen, make_ticket):
    """An agent's own few tickets holding a word that fills another department's: the
    matches are read, not every ticket of the agent's departments probed in turn (at a
    million tickets that walk took 1-2 s)."""
    from helpdesk.db import statements_run
    from helpdesk.models import HelpTopic

    monkeypatch.setattr(search_query, "RANK_LIMIT", 2)
    data = HelpTopic.get(name="Data Terpadu")
    for n in range(20):  # older tickets: among all rows, the matches are dense
        make_ticket(citizen, subject=f"Aplikasi macet {n}")
    mine = make_ticket(citizen, subject="Data ganda di aplikasi")  # the agent's department
    theirs = [make_ticket(other_citizen, subject=f"Data ganda {n}", chosen_topic=data,
                          message="NIK saya tercatat ganda.") for n in range(4)]
    desk = client_of(agent)
    with statements_run() as seen:
        page = desk.get(QUEUE + "ganda").text
    assert numbers_in_order(page) == [mine.number]
    assert not any("EXISTS (SELECT 1 FROM search_" in str(sql) for sql in seen)
    everyone = numbers_in_order(client_of(supervisor).get(QUEUE + "ganda").text)
    assert everyone == [t.number for t in reversed([mine, *theirs])]


def test_the_words_found_are_marked_and_the_rest_stays_text(app, client_of, supervisor,
                                                             citizen, agent, make_ticket):
    with app.test_request_context():
        ticket = make_ticket(citizen, subject="Formulir",
                             message="Tombol <script>alert(1)</script> & kirim tidak jalan")
    page = client_of(supervisor).get(QUEUE + "dikirim").text
    assert numbers_in_order(page) == [ticket.number]
    assert snippets_on(page) == ["Tombol &lt;script&gt;alert(1)&lt;/script&gt; &amp; "
                                 "<mark>kirim</mark> tidak jalan"]
    assert "<script>alert(1)" not in page
    assert snippets_on(client_of(citizen).get("/tickets/?q=dikirim").text) == \
        snippets_on(page)


def test_a_note_found_is_labelled_and_never_shown_to_the_citizen(
        app, client_of, supervisor, citizen, agent, make_ticket):
    with app.test_request_context():
        ticket = make_ticket(citizen, subject="Akun", message="Tidak bisa masuk.")
        lifecycle.add_note(ticket, by=agent, message="Akun diblokir oleh server direktori")
        lifecycle.respond(ticket, by=agent, message="Akun Anda sudah dibuka kembali")
    desk = client_of(supervisor)
    assert snippets_on(desk.get(QUEUE + "direktori").text) == [
        '<span class="badge badge-warning">Catatan internal</span> '
        "Akun diblokir oleh server <mark>direktori</mark>"]
    assert snippets_on(desk.get(QUEUE + "dibuka").text) == [
        "Akun Anda sudah <mark>dibuka</mark> kembali"]
    portal = client_of(citizen)
    assert snippets_on(portal.get("/tickets/?q=akun").text) == [
        "<mark>Akun</mark> Anda sudah dibuka kembali"]  # the response, not the note
    assert "direktori" not in portal.get("/tickets/?q=akun").text
    assert snippets_on(portal.get("/tickets/?q=direktori").text) == []


def test_no_snippet_without_a_search(client_of, supervisor, network):
    assert snippets_on(client_of(supervisor).get("/admin/ticket/?flt0_status=any").text) == []


def test_the_queue_search_box_is_labelled_and_says_what_it_searches(client_of, supervisor):
    page = client_of(supervisor).get("/admin/ticket/?flt0_status=open").text
    assert '<label class="sr-only" for="queue-search">Cari tiket</label>' in page
    assert 'id="queue-search" name="search"' in page
    assert 'placeholder="Nomor, alamat email pemohon, atau kata dalam subjek dan pesan"' in page
