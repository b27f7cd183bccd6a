"""PostgreSQL reads a search's newest matches in parts (the newest rows, the other recent
rows through an index of their own, the older rows): whatever the parts' sizes, the desk
and "Tiket saya" show the same tickets in the same order as one read of every match, and
a page runs the same statements with more tickets. The recent index moves on as rows come."""
import re
import time

import pytest

from helpdesk import lifecycle, scheduler, search_query, search_recent
from helpdesk.db import db, statements_run

from conftest import TEST_DATABASE_URL

QUEUE = "/admin/ticket/?flt0_status=any&search="
TERMS = ["jaringan", "jaring", "jaringan kantor", "cadangan", "direktori", "zzqxjw"]
SIZES = [(1, 2), (2, 4), (3, 8), (1, 10 ** 6), (8192, 65536)]  # (newest rows, recent step)


def numbers_in_order(page):
    return [int(n) for n in re.findall(r'class="ticket-link">#(\d+)<', page)]


@pytest.fixture
def tickets(app, citizen, other_citizen, agent, make_ticket):
    """Tickets naming the network in subjects, messages, responses and notes, between
    tickets that do not, so that matches fall in every part."""
    made = []
    with app.test_request_context():
        for n in range(4):
            made.append(make_ticket(citizen, subject=f"Jaringan kantor putus {n}",
                                    message="Jaringan cadangan juga." * (n + 1)))
            other = make_ticket(other_citizen, subject=f"Printer rusak {n}",
                                message="Tidak mau mencetak sejak pagi.")
            lifecycle.respond(other, by=agent, message="Cek kabel jaringan printer.")
            lifecycle.add_note(other, by=agent, message="Direktori jaringan bermasalah.")
            made.append(other)
            made.append(make_ticket(citizen, subject=f"Lupa kata sandi {n}",
                                    message="Mohon bantuannya."))
    return made


def pages(client_of, supervisor, citizen):
    desk, mine = client_of(supervisor), client_of(citizen)
    return {term: (numbers_in_order(desk.get(QUEUE + term).text),
                   re.findall(r'href="/tickets/(\d+)"', mine.get(f"/tickets/?q={term}").text))
            for term in TERMS}


@pytest.mark.alters_schema  # the recent index moved
@pytest.mark.parametrize("rank_limit", [500, 3])  # ranked, and too many to rank
def test_the_parts_show_what_one_read_of_every_match_shows(
        monkeypatch, app, client_of, supervisor, citizen, tickets, rank_limit):
    monkeypatch.setattr(search_query, "RANK_LIMIT", rank_limit)
    monkeypatch.setattr(search_recent, "NEWEST_ROWS", 10 ** 9)  # one part: every row
    whole = pages(client_of, supervisor, citizen)
    assert whole["jaringan"][0] and whole["zzqxjw"] == ([], [])
    assert whole["direktori"][0] and not whole["direktori"][1]  # a note: staff only
    for newest_rows, step in SIZES:
        monkeypatch.setattr(search_recent, "NEWEST_ROWS", newest_rows)
        monkeypatch.setattr(search_recent, "RECENT_STEP", step)
        with app.app_context(), db.database.connection_context():
            if TEST_DATABASE_URL:  # the recent index where these sizes put it
                db.database.execute_sql(f"DROP INDEX {search_recent.INDEX}")
                assert search_recent.keep_recent()
        assert pages(client_of, supervisor, citizen) == whole, (newest_rows, step)


@pytest.mark.parametrize("public_only", [False, True])
@pytest.mark.parametrize("newest_rows,step", SIZES)
def test_the_newest_matches_are_those_of_one_read(monkeypatch, app, tickets, public_only,
                                                  newest_rows, step):
    monkeypatch.setattr(search_recent, "NEWEST_ROWS", newest_rows)
    monkeypatch.setattr(search_recent, "RECENT_STEP", step)
    with app.app_context(), db.database.connection_context():
        for term in TERMS:
            query = search_query.query_of(term)
            if query == search_query.NOWHERE:  # SQLite knows it found nowhere: no read
                continue
            for limit in (1, 2, 5, 501):
                monkeypatch.setattr(search_query, "RANK_LIMIT", limit - 1)
                whole = search_query._newest_matches(query, public_only, None)
                if TEST_DATABASE_URL:
                    top = search_query._top()
                    assert search_query._newest_matches(query, public_only, None,
                                                        top) == whole, (term, limit)
                assert len(whole) <= limit


def test_a_search_runs_a_bounded_number_of_statements_with_more_tickets(
        monkeypatch, app, client_of, supervisor, citizen, agent, make_ticket, tickets):
    """The newest id, at most three parts of the newest matches (or the vocabulary on
    SQLite), the snippets: never a statement per match, row or ticket."""
    monkeypatch.setattr(search_recent, "NEWEST_ROWS", 2)
    monkeypatch.setattr(search_recent, "RECENT_STEP", 4)
    desk = client_of(supervisor)

    def statements(url):
        with statements_run() as seen:
            assert desk.get(url).status_code == 200
        return len(seen)

    plain = statements(QUEUE[:-len("&search=")])
    few = [statements(QUEUE + term) for term in TERMS]
    with app.test_request_context():
        for n in range(6):
            lifecycle.respond(make_ticket(citizen, subject=f"Jaringan lambat {n}"),
                              by=agent, message="Jaringan sedang kami periksa.")
    more = [statements(QUEUE + term) for term in TERMS]
    assert max(few + more) <= plain + 6
    if not TEST_DATABASE_URL:  # one read of the matches, whatever their number
        assert more == few


@pytest.mark.alters_schema
def test_the_recent_index_moves_on_as_rows_come(monkeypatch, app, tickets):
    monkeypatch.setattr(search_recent, "RECENT_STEP", 2)
    with app.app_context(), db.database.connection_context():
        top = db.database.execute_sql("SELECT max(id) FROM search_text").fetchone()[0] \
            if TEST_DATABASE_URL else 0
        if TEST_DATABASE_URL:
            assert search_recent.indexed_floor() == 0  # made with the table: every row
            assert search_recent.keep_recent()
            assert search_recent.indexed_floor() == search_recent.floor_of(top) > 0
            assert not search_recent.keep_recent()  # until three steps of rows came
        assert search_recent.floor_of(top) == max(0, (top - 2) // 2 * 2)


@pytest.mark.alters_schema
@pytest.mark.postgresql_only
def test_a_process_moves_the_recent_index_on_at_its_first_request(monkeypatch, app, client,
                                                                  tickets):
    """Not an hour later: a process restarted more often (deploys) would never do it."""
    monkeypatch.setattr(search_recent, "RECENT_STEP", 2)
    monkeypatch.setitem(app.config, "SEARCH_WINDOW_SECONDS", 3600)
    scheduler.init_app(app)
    try:
        client.get("/")
        with app.app_context(), db.database.connection_context():
            top = db.database.execute_sql("SELECT max(id) FROM search_text").fetchone()[0]
            for _ in range(100):
                if search_recent.indexed_floor():
                    break
                time.sleep(0.1)
            assert search_recent.indexed_floor() == search_recent.floor_of(top) > 0
    finally:
        app.extensions["search_window"].stop()
