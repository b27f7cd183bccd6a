"""Error pages need no database: they render when it is gone, a connection the server
dropped is discarded so the next request works, and a database that cannot be reached
answers a translated 503 with Retry-After, on SQLite and PostgreSQL."""
import select
from contextlib import closing, contextmanager

import peewee
import psycopg2
import pytest
from flask import abort

from app import create_app
from helpdesk import migrations, seed
from helpdesk.db import db

from conftest import TEST_DATABASE_URL, free_port, login

UNAVAILABLE = "Layanan sementara tidak tersedia"
TITLES = {400: "Permintaan tidak dapat dibaca", 403: "Akses ditolak",
          404: "Halaman tidak ditemukan", 405: "Halaman tidak dapat dibuka dengan cara ini",
          413: "Berkas terlalu besar", 429: "Terlalu banyak permintaan",
          500: "Terjadi kesalahan", 503: UNAVAILABLE}


def failing_view(code):
    if code == 500:
        raise RuntimeError("a bug")
    if code == 503:
        raise peewee.OperationalError("server closed the connection unexpectedly")
    abort(code)


@pytest.mark.parametrize("code", sorted(TITLES))
def test_every_error_page_renders_without_the_database(app, client, citizen, monkeypatch,
                                                       code):
    """The view closes the connection and forbids a new one: whatever the page asks of
    the database (the signed-in user's roles, say) would fail the request."""
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def fail_without_database():
        db.database.close()
        monkeypatch.setattr(db.database.obj, "connect", forbidden_connect)
        failing_view(code)
    app.add_url_rule("/fails/<int:code>", view_func=lambda code: fail_without_database())
    login(client, citizen)

    response = client.get(f"/fails/{code}")
    assert response.status_code == code
    assert TITLES[code] in response.text and "Kembali ke beranda" in response.text
    assert ("Retry-After" in response.headers) == (code == 503)


def forbidden_connect(*args, **kwargs):
    raise AssertionError("the error page touched the database")


def test_an_unknown_address_answers_the_translated_page_in_english_too(client):
    response = client.get("/no-such-page?lang=en")
    assert response.status_code == 404 and "Page not found" in response.text


# --- a connection the server drops ------------------------------------------------------

def break_connection():
    """Break this thread's open connection as the server or the driver would.

    PostgreSQL: the backend is terminated from a second connection (as an operator's
    ``pg_terminate_backend``, a restart or a failover does). SQLite has no server: the
    driver's connection is closed under peewee's feet."""
    conn = db.database.connection()
    if not TEST_DATABASE_URL:
        conn.close()
        return
    pid = conn.get_backend_pid()
    with postgres_admin() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", (pid,))
        assert cursor.fetchone() == (True,)
    # the server tells the connection it is gone: wait until its socket has that news
    readable, _, _ = select.select([conn], [], [], 30)
    assert readable, f"backend {pid} was not terminated"


@contextmanager
def postgres_admin(database=None):
    """An autocommit cursor on a second connection (``with connection`` would open a
    transaction, even in autocommit)."""
    url = TEST_DATABASE_URL if database is None else \
        TEST_DATABASE_URL.rsplit("/", 1)[0] + "/" + database
    with closing(psycopg2.connect(url)) as admin:
        admin.autocommit = True
        with admin.cursor() as cursor:
            yield cursor


# What the broken connection gives: PostgreSQL's is a lost server (503, try again);
# a closed SQLite handle is a fault of the process (500).
LOST = (503, UNAVAILABLE) if TEST_DATABASE_URL else (500, "Terjadi kesalahan")


def pooled(url):
    scheme, rest = url.split("://", 1)
    return f"{scheme}+pool://{rest}"


@pytest.fixture(params=["plain", "pooled"])
def connection_kind(request, config):
    """The application's database as configured in production: one connection per
    request, or a pool (``postgresql+pool://``) that keeps connections between them."""
    if request.param == "pooled":  # (no mail thread: SQLite's handles stay in their thread)
        config.update(DATABASE_URL=pooled(config["DATABASE_URL"]),
                      MAIL_BACKGROUND_DELIVERY=False)
    return request.param


def test_a_connection_lost_during_a_request_gets_a_page_and_the_next_one_works(
        connection_kind, app, client, citizen, make_ticket):
    """Signed in, so the user is loaded; the connection then dies before the view's
    query. The page is rendered (not the server's bare error) and the next request gets
    a working connection."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    ticket = make_ticket(citizen, subject="Sinyal hilang")
    breaking = []

    @app.before_request
    def lose_the_connection():
        if breaking:
            breaking.clear()
            break_connection()

    login(client, citizen)
    breaking.append(True)
    response = client.get("/tickets/")
    assert (response.status_code, LOST[1] in response.text) == (LOST[0], True)
    assert ("Retry-After" in response.headers) == (LOST[0] == 503)

    again = client.get("/tickets/")
    assert again.status_code == 200 and "Sinyal hilang" in again.text
    assert f"/tickets/{ticket.number}" in again.text


def test_a_pooled_connection_dropped_between_requests_is_replaced(config, citizen_app):
    """A pool keeps connections between requests; one the server dropped meanwhile is
    found out and replaced before the request uses it."""
    app, client = citizen_app
    assert client.get("/tickets/").status_code == 200
    with app.app_context(), db.database.connection_context():  # the pool's idle one
        break_connection()
    assert client.get("/tickets/").status_code == 200


@pytest.fixture
def citizen_app(config, app, citizen):
    """A second app on the same database through a pool, with the citizen signed in."""
    pooled_app = create_app({**config, "DATABASE_URL": pooled(config["DATABASE_URL"]),
                             "MAIL_BACKGROUND_DELIVERY": False})
    client = pooled_app.test_client()
    login(client, citizen)
    yield pooled_app, client
    db.database.obj.close_all()


# --- a database that cannot be reached --------------------------------------------------

def unreachable_url(tmp_path):
    if TEST_DATABASE_URL:
        return f"postgresql://postgres@127.0.0.1:{free_port()}/helpdesk"
    return f"sqlite:///{tmp_path}/missing-folder/helpdesk.db"


@pytest.mark.parametrize("method, path", [
    ("GET", "/"), ("GET", "/login"), ("POST", "/login"), ("GET", "/tickets/new"),
    ("GET", "/admin/"), ("GET", "/no-such-page")])
def test_a_database_that_cannot_be_reached_answers_503(config, tmp_path, method, path):
    config.update(DATABASE_URL=unreachable_url(tmp_path), MAIL_BACKGROUND_DELIVERY=False)
    client = create_app(config).test_client()
    response = client.open(path, method=method, data={"email": "warga@contoh.id"})
    assert response.status_code == 503
    assert UNAVAILABLE in response.text and "coba lagi dalam beberapa menit" in response.text
    assert int(response.headers["Retry-After"]) > 0


@contextmanager
def outage(folder):
    """The database refuses every new connection for a while: PostgreSQL's is closed to
    connections; SQLite's folder disappears (an unmounted volume) and comes back."""
    if not TEST_DATABASE_URL:
        folder.rename(folder.with_name("elsewhere"))
        try:
            yield
        finally:
            folder.with_name("elsewhere").rename(folder)
        return
    name = TEST_DATABASE_URL.rsplit("/", 1)[1]
    with postgres_admin("postgres") as cursor:
        cursor.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
        try:
            yield
        finally:
            cursor.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')


def test_the_database_coming_back_is_used_again(config, tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    url = TEST_DATABASE_URL or f"sqlite:///{folder}/helpdesk.db"
    app = create_app({**config, "DATABASE_URL": url, "MAIL_BACKGROUND_DELIVERY": False})
    with app.app_context(), db.database.connection_context():
        migrations.upgrade(db.database)
        seed.seed()
    client = app.test_client()
    assert client.get("/").status_code == 200
    with app.app_context():  # a new worker: SQLite keeps a thread's connection open
        db.database.close()
    with outage(folder):
        response = client.get("/")
        assert response.status_code == 503 and UNAVAILABLE in response.text
    assert client.get("/").status_code == 200
