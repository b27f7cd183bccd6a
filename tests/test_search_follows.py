"""The search index follows the thread whatever happens to a ticket: a status change (the
ticket found under its new status, a citizen's "not solved" message found), a transfer
(the old department's agents no longer find it, the citizen still does), a reply by
e-mail (its own words, not the quote it carried), the index rebuilt by its migration (in
batches, with progress in the log, notes still hidden from citizens). A citizen's search
never reaches another citizen's ticket, whatever the term; what a search marks stays text."""
import importlib
import logging

import pytest

from helpdesk import lifecycle, search
from helpdesk.db import db
from helpdesk.models import Department, Ticket, TicketStatus
from helpdesk.report_sql import on_postgres

from intake_helpers import deliver, intake_config, receive
from mail_samples import reply_to
from test_desk_queue import numbers_on
from test_search import my_search, thread  # noqa: F401 (a fixture)
from test_search_results import snippets_on

QUEUE = "/admin/ticket/?flt0_status={status}&search={words}"


def desk_search(client, words, status="any"):
    return numbers_on(client.get(QUEUE.format(status=status, words=words)).text)


@pytest.fixture
def config(config):
    return intake_config(config)


def test_a_ticket_is_found_under_its_new_status(app, client_of, citizen, agent, supervisor,
                                                thread):
    mine = thread["mine"]
    with app.test_request_context():
        lifecycle.set_status(mine, by=agent, status=TicketStatus.RESOLVED)
    desk, portal = client_of(supervisor), client_of(citizen)
    assert desk_search(desk, "tembolok", "open") == set()
    assert desk_search(desk, "tembolok", "resolved") == {mine.number}
    assert my_search(portal, "tembolok") == {mine.number}
    with app.test_request_context():
        lifecycle.report_unsolved(Ticket.get_by_id(mine.id), by=citizen,
                                  message="Masih muncul layar putih.")
    assert desk_search(desk, "layar putih", "open") == {mine.number}
    assert my_search(portal, "putih") == {mine.number}
    with app.test_request_context():
        lifecycle.set_status(Ticket.get_by_id(mine.id), by=agent, status=TicketStatus.CLOSED)
    assert desk_search(desk, "putih", "closed") == {mine.number}
    assert my_search(portal, "putih") == {mine.number}
    assert my_search(portal, "direktori") == set()  # the note, whatever the status


def test_a_transfer_takes_the_ticket_out_of_the_old_department_search(
        app, client_of, citizen, colleague, data_agent, supervisor, thread):
    """The colleague never touched the ticket: it leaves their search with the transfer."""
    mine = thread["mine"]
    assert desk_search(client_of(colleague), "tembolok") == {mine.number}
    assert desk_search(client_of(data_agent), "tembolok") == set()
    with app.test_request_context():
        lifecycle.transfer(mine, by=supervisor, comment="Masalah data terpadu.",
                           to=Department.get(name="Tim Data Terpadu"))
    assert desk_search(client_of(colleague), "tembolok") == set()
    assert desk_search(client_of(data_agent), "tembolok") == {mine.number}
    assert my_search(client_of(citizen), "tembolok") == {mine.number}


def test_a_reply_by_mail_is_found_by_its_own_words_not_its_quote(app, client_of, citizen,
                                                                   agent, supervisor,
                                                                   make_ticket, mailbox):
    ticket = make_ticket(citizen, subject="Kartu", message="Kartu belum sampai.")
    with app.test_request_context():
        lifecycle.respond(ticket, by=agent, message="Silakan cek alamat pengiriman.")
    deliver(app)
    [answer] = [m for m in mailbox.to(citizen.email, count=2) if "Balasan" in m["Subject"]]
    assert receive(app, reply_to(answer, text="Alamat sudah benar, kelurahan Sukamaju."))\
        .kind == "reply"
    desk, portal = client_of(supervisor), client_of(citizen)
    assert desk_search(desk, "kelurahan sukamaju") == {ticket.number}
    assert my_search(portal, "sukamaju") == {ticket.number}
    assert desk_search(desk, "menulis") == set()  # "... menulis:" heads the quote, cut


def test_a_citizen_finds_no_other_ticket_by_any_term(client_of, citizen, other_citizen,
                                                      thread):
    theirs = thread["theirs"]
    portal = client_of(citizen)
    for term in ("ganda", "tercatat dua", other_citizen.email, "tetangga@contoh",
                 f"%23{theirs.number}", str(theirs.number)):
        assert my_search(portal, term) == set(), term
    assert my_search(client_of(other_citizen), "ganda") == {theirs.number}


def test_html_in_a_subject_stays_text_in_the_snippet(app, client_of, citizen, supervisor,
                                                     make_ticket):
    with app.test_request_context():
        ticket = make_ticket(citizen, subject='<img src=x onerror="alert(1)"> gagal unggah',
                             message="Mohon dibantu.")
    for page in (client_of(supervisor).get(QUEUE.format(status="any", words="onerror")).text,
                 client_of(citizen).get("/tickets/?q=onerror").text):
        assert numbers_on(page) == {ticket.number} or f"/tickets/{ticket.number}" in page
        assert "<img src=x" not in page
        [shown] = snippets_on(page)
        assert "<mark>onerror</mark>=&#34;alert(1)&#34;&gt; gagal" in shown, shown
        assert "<" not in shown.replace("<mark>", "").replace("</mark>", ""), shown


@pytest.mark.alters_schema
def test_the_migration_rebuilds_in_batches_with_progress(app, client_of, citizen, supervisor,
                                                         thread, make_ticket, monkeypatch,
                                                         caplog):
    for n in range(3):
        make_ticket(citizen, subject=f"Sinyal lemah {n}")
    migration = importlib.import_module("helpdesk.migrations.0013_search_stems")
    monkeypatch.setattr(migration, "BATCH", 2)
    with caplog.at_level(logging.INFO, logger=migration.__name__), app.app_context(), \
            db.database.connection_context():
        search.drop_tables()
        migration.up(None, db.database)
    assert [r.getMessage() for r in caplog.records if r.name == migration.__name__] == [
        f"search index: {done} of 5 tickets" for done in (2, 4, 5)]
    assert desk_search(client_of(supervisor), "direktori") == {thread["mine"].number}
    assert desk_search(client_of(supervisor), "sinyal") == {
        t.number for t in Ticket.select().where(Ticket.subject.startswith("Sinyal"))}
    portal = client_of(citizen)
    assert my_search(portal, "direktori") == set()  # a note stays hidden after the rebuild
    assert my_search(portal, "tembolok") == {thread["mine"].number}
    assert my_search(portal, "ganda") == set()


def test_postgresql_samples_the_words_widely_and_sqlite_is_left_alone(app):
    """A fresh database and one upgraded by migration 0026 give PostgreSQL's planner the
    words' frequencies from a large sample (``search.STATISTICS``): with the default one, a
    word found nowhere was guessed in one row of a few hundred, and looked for by walking
    every row newest first. SQLite's schema is not touched."""
    migration = importlib.import_module("helpdesk.migrations.0026_search_statistics")

    def sampled():
        if on_postgres():
            return db.database.execute_sql(
                "SELECT attstattarget FROM pg_attribute WHERE attrelid = "
                "'search_text'::regclass AND attname = 'document'").fetchone()[0]
        return list(db.database.execute_sql("SELECT sql FROM sqlite_master ORDER BY name"))

    with app.app_context(), db.database.connection_context():
        fresh = sampled()
        if on_postgres():
            assert fresh == search.STATISTICS
            db.database.execute_sql("ALTER TABLE search_text ALTER COLUMN document "
                                    "SET STATISTICS -1")  # as before the migration
            assert sampled() != search.STATISTICS
        migration.up(None, db.database)
        assert sampled() == fresh
