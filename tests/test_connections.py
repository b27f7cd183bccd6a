"""The application's database connection between requests: on SQLite a thread keeps its
connection, and still sees what other processes and threads write; a connection opened
before a fork (gunicorn's master) is left to the process that opened it."""
import threading
import time

from helpdesk.db import db, forget_inherited_connections, make_database

from conftest import TEST_DATABASE_URL, login


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


def test_the_pool_lends_a_live_connection_without_asking_the_server_and_not_an_ended_one():
    """``postgresql+pool://``: a connection back in the pool is lent again without a
    ``SELECT 1`` first (one round trip fewer on every request); one the server ended
    (``pg_terminate_backend``, a restart) is dropped and a new one opened."""
    if not TEST_DATABASE_URL:
        return  # the pool is PostgreSQL's (SQLite keeps the thread's connection)
    pooled = make_database(TEST_DATABASE_URL.replace("postgresql://", "postgresql+pool://", 1))
    watcher = make_database(TEST_DATABASE_URL)

    def backend():
        with pooled.connection_context():
            return pooled.execute_sql("SELECT pg_backend_pid()").fetchone()[0]

    def last_statement(pid):
        return watcher.execute_sql("SELECT query FROM pg_stat_activity WHERE pid = %s",
                                   (pid,)).fetchone()[0]
    try:
        first = backend()
        with pooled.connection_context():
            assert pooled.connection().get_backend_pid() == first
        assert last_statement(first) == "SELECT pg_backend_pid()"
        watcher.execute_sql("SELECT pg_terminate_backend(%s)", (first,))
        for _ in range(100):  # the server ends it a moment later
            if watcher.execute_sql("SELECT count(*) FROM pg_stat_activity WHERE pid = %s",
                                   (first,)).fetchone()[0] == 0:
                break
            time.sleep(0.02)
        second = backend()
        assert second != first
        assert backend() == second
    finally:
        pooled.close_all()
        watcher.close()
