"""Pages served again and again on pooled connections (``postgresql+pool://``), where the
statements built once (``helpdesk.prepared``) run prepared on the PostgreSQL server: each
page still shows what its own values ask for and what was written since."""
import pytest

from helpdesk import accounts, lifecycle
from helpdesk.db import db, statements_run
from helpdesk.models import Department, Ticket

from conftest import TEST_DATABASE_URL, desk_url


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
