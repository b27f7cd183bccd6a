"""Pages served again and again on pooled connections (``postgresql+pool://``), where the
statements built once (``helpdesk.prepared``) run prepared on the PostgreSQL server: each
page still shows what its own values ask for and what was written since.

A lifecycle call's transaction sends its ``BEGIN`` with its first statement, and the
statements it runs again and again are prepared on the server, also inside the
transaction: what a transaction wrote is all there after it, or none of it after a failure,
whatever it ran (a statement the server refuses to prepare, a cursor used directly)."""
import logging

import pytest
from peewee import IntegrityError

from helpdesk import accounts, lifecycle, prepared
from helpdesk.db import atomic, db, statements_run
from helpdesk.models import Department, Ticket

from conftest import TEST_DATABASE_URL, csrf_from, desk_url, login


@pytest.fixture
def config(config):
    if TEST_DATABASE_URL:
        config["DATABASE_URL"] = TEST_DATABASE_URL.replace("postgresql://",
                                                           "postgresql+pool://", 1)
    return config


@pytest.fixture
def pooled(app):
    yield app
    if hasattr(db.database.obj, "close_all"):
        db.database.obj.close_all()


@pytest.fixture
def connected(pooled):
    with pooled.app_context(), db.database.connection_context():
        yield pooled


def test_pages_served_again_show_their_own_ticket_and_what_changed(
        pooled, client_of, citizen, other_citizen, supervisor, agent, make_ticket):
    first = make_ticket(citizen, subject="Gagal sinkronisasi data", message="Data tidak masuk.")
    second = make_ticket(other_citizen, subject="Lupa kata sandi", message="Tidak bisa masuk.")
    desk = client_of(supervisor)
    for _ in range(4):  # enough runs on one connection for the server's generic plans
        for ticket, own, other in [(first, "Gagal sinkronisasi data", "Lupa kata sandi"),
                                   (second, "Lupa kata sandi", "Gagal sinkronisasi data")]:
            page = desk.get(desk_url(ticket)).text
            assert own in page and other not in page
    with statements_run() as seen:
        assert "Data tidak masuk." in desk.get(desk_url(first)).text
    if TEST_DATABASE_URL:  # the ticket page's statements ran prepared on the server
        assert sum(sql.startswith("EXECUTE ") for sql in seen) == len(seen)

    with pooled.test_request_context():
        lifecycle.respond(Ticket.get_by_id(first.id), by=agent, message="Sedang kami cek.")
    assert "Sedang kami cek." in desk.get(desk_url(first)).text
    assert "Sedang kami cek." not in desk.get(desk_url(second)).text


def test_an_agent_served_again_sees_only_their_departments_and_their_session_ends(
        pooled, client_of, citizen, agent, make_ticket):
    mine = make_ticket(citizen, subject="Aplikasi SIKS-NG galat")  # Tim SIKS-NG
    elsewhere = make_ticket(citizen, subject="Data terpadu salah")
    Ticket.update(department=Department.get(name="Tim Data Terpadu")).where(
        Ticket.id == elsewhere.id).execute()
    desk = client_of(agent)
    for _ in range(4):
        assert desk.get(desk_url(mine)).status_code == 200
        assert desk.get(desk_url(elsewhere)).status_code == 404
    with pooled.app_context(), db.database.connection_context():
        accounts.end_sessions(agent)
    assert desk.get(desk_url(mine)).status_code in (302, 401)


def _names():
    return {name for name, in Department.select(Department.name).tuples()}


def test_tickets_opened_again_and_again_on_one_connection_keep_their_own_rows(
        app, client, citizen, topic):
    login(client, citizen)
    for n in range(4):  # enough runs on one connection to prepare the inserts
        sent = client.post("/tickets/new", data={
            "csrf_token": csrf_from(client.get("/tickets/new").text), "topic": topic.id,
            "subject": f"Kendala ke-{n}",
            "message": f"Pesan nomor {n}."})
        assert sent.status_code == 302
        assert f"Pesan nomor {n}." in client.get(sent.location).text
    with app.app_context(), db.database.connection_context():
        subjects = [t.subject for t in Ticket.select().order_by(Ticket.id)]
    assert subjects == [f"Kendala ke-{n}" for n in range(4)]


def test_a_failed_transaction_leaves_nothing_and_the_next_one_is_kept(connected):
    for _ in range(3):  # the insert is prepared on the server from its second run
        with pytest.raises(ZeroDivisionError):
            with atomic():
                prepared.create(Department, name="Tim Sementara")
                1 / 0
        assert "Tim Sementara" not in _names()
    with atomic():
        prepared.create(Department, name="Tim Tetap")
    assert "Tim Tetap" in _names()


def test_a_statement_the_server_cannot_prepare_does_not_end_its_transaction(
        connected, caplog):
    param = db.database.param
    for _ in range(2):  # the connection's first PREPARE (outside any transaction)
        prepared.execute(f"SELECT count(*) FROM department WHERE name = {param}", ["x"])
    with caplog.at_level(logging.WARNING, logger="helpdesk.prepared"), atomic():
        prepared.create(Department, name="Tim Baru")
        for _ in range(2):  # the second run asks the server to prepare it, which refuses
            assert prepared.execute(f"SELECT {param} IS NULL", [None]).fetchone()[0]
        prepared.create(Department, name="Tim Lain")
    assert {"Tim Baru", "Tim Lain"} <= _names()
    if TEST_DATABASE_URL:
        assert "Not prepared on the server" in caplog.text


def test_a_cursor_used_directly_is_inside_the_transaction(connected):
    insert = ("INSERT INTO department (name, description, active) "
              "VALUES ('Tim Kursor', '', TRUE)")
    with pytest.raises(ZeroDivisionError), atomic():
        db.database.cursor().execute(insert)
        1 / 0
    assert "Tim Kursor" not in _names()
    with atomic():
        db.database.cursor().execute(insert)
    assert "Tim Kursor" in _names()


def test_a_transaction_that_ran_nothing_leaves_the_connection_usable(connected):
    with atomic():
        pass
    with pytest.raises(ZeroDivisionError), atomic():
        1 / 0
    with statements_run() as seen, atomic():
        prepared.create(Department, name="Tim Sesudah")
    assert len(seen) == 1 and "Tim Sesudah" in _names()


def test_a_transaction_opened_before_the_connection_keeps_what_it_wrote(app):
    with app.app_context():
        db.database.close()
        with atomic():  # its first statement connects
            prepared.create(Department, name="Tim Pagi")
            prepared.create(Department, name="Tim Siang")
        assert {"Tim Pagi", "Tim Siang"} <= _names()
        db.database.close()


def test_a_statement_sent_later_is_there_for_the_next_one_and_after_the_commit(connected):
    param = db.database.param
    insert = f"INSERT INTO department (name, description, active) VALUES ({param}, '', TRUE)"
    with atomic():
        prepared.execute(insert, ["Tim 100% Baru"], later=True)
        assert "Tim 100% Baru" in _names()
    with atomic():  # only statements sent later: they go with the COMMIT
        prepared.execute(insert, ["Tim Akhir"], later=True)
    assert {"Tim 100% Baru", "Tim Akhir"} <= _names()


def test_a_statement_sent_later_that_fails_undoes_its_transaction(connected):
    param = db.database.param
    insert = f"INSERT INTO department (name, description, active) VALUES ({param}, '', TRUE)"
    prepared.create(Department, name="Tim Lama")
    with pytest.raises(IntegrityError), atomic():
        prepared.create(Department, name="Tim Batal")
        prepared.execute(insert, ["Tim Lama"], later=True)  # its name is taken
    assert "Tim Batal" not in _names()
    with atomic():  # the connection is usable
        prepared.create(Department, name="Tim Berikut")
    assert "Tim Berikut" in _names()
