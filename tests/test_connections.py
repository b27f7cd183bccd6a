"""The application's database connection between requests: on SQLite a thread keeps its
connection, and still sees what other processes and threads write; a connection opened
before a fork (gunicorn's master) is left to the process that opened it."""
import threading

from helpdesk.db import db, forget_inherited_connections

from conftest import login


def test_a_ticket_opened_elsewhere_shows_on_the_next_page(app, client, citizen,
                                                          make_ticket):
    login(client, citizen)
    assert "Dari server lain" not in client.get("/tickets/").text

    def another_worker():  # its own thread, so its own connection
        make_ticket(citizen, subject="Dari server lain")
        with app.app_context():
            db.database.close()
    worker = threading.Thread(target=another_worker)
    worker.start()
    worker.join()

    assert "Dari server lain" in client.get("/tickets/").text


def test_a_connection_opened_before_a_fork_is_not_used_nor_closed(app, client, citizen):
    with app.app_context():
        db.database.connect(reuse_if_open=True)
        parents = db.database.connection()
    forget_inherited_connections()  # what os.register_at_fork runs in a forked worker

    login(client, citizen)
    assert client.get("/tickets/").status_code == 200

    with app.app_context():
        assert db.database.connection() is not parents
    cursor = parents.cursor()  # the parent's still works
    cursor.execute("SELECT 1")
    assert cursor.fetchone() == (1,)
    parents.close()


def test_a_connection_opened_outside_a_request_is_the_requests_own(app, client, citizen):
    """A query before the first request (a command, a test's setup) opens the thread's
    connection; the request uses it and, on PostgreSQL, closes it: none is left behind."""
    with app.app_context():
        db.database.connect(reuse_if_open=True)
        before = db.database.connection()
    login(client, citizen)
    assert client.get("/tickets/").status_code == 200
    with app.app_context():
        if db.database.is_closed():
            return  # closed at the request's end (PostgreSQL)
        assert db.database.connection() is before  # kept for the next request (SQLite)
