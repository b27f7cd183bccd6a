"""Fixtures: a fresh database per test (SQLite, or PostgreSQL with TEST_DATABASE_URL), a
real SMTP sink on loopback, users, sign-in and tickets made through the lifecycle."""
import atexit
import email
import logging
import os
import re
import shutil
import socket
import tempfile
import threading
import time
from email import policy

import pytest
from aiosmtpd.controller import Controller
from jinja2 import BytecodeCache
from peewee import AutoField, sort_models

from app import create_app
from helpdesk import lifecycle, migrations, seed
from helpdesk.db import db
from helpdesk.models import (ALL_MODELS, AgentDepartment, Department, HelpTopic, SchemaVersion,
                             utcnow)

from imap_server import dovecot, imap_mailbox  # noqa: E402,F401 (a real IMAP server)
from report_history import history  # noqa: E402,F401 (the reports' fixture, for every test file)

PASSWORD = "rahasia-123"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
if TEST_DATABASE_URL:
    # Commits return without waiting for PostgreSQL to flush its WAL to the disk, here and in
    # the servers and scripts the tests start (libpq reads PGOPTIONS). What a transaction
    # sees is unchanged; only a crash of the database server could lose the last commits.
    os.environ.setdefault("PGOPTIONS", "-c synchronous_commit=off")


class Sink:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages = []
        self.cond = threading.Condition()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        message.envelope_to = list(envelope.rcpt_tos)  # who got it (a Bcc is in no header)
        with self.cond:
            self.messages.append(message)
            self.cond.notify_all()
        return "250 OK"

    def wait(self, count=1, timeout=10):
        """Block until ``count`` messages have arrived; returns them all."""
        with self.cond:
            self.cond.wait_for(lambda: len(self.messages) >= count, timeout)
            assert len(self.messages) >= count, f"expected {count} mail(s), got {self.messages}"
            return list(self.messages)

    def to(self, address, count=1, timeout=10):
        """Wait for ``count`` messages to ``address``; returns them."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                found = [m for m in self.messages if any(address in to for to in m.envelope_to)]
                if len(found) >= count or time.monotonic() > deadline:
                    assert len(found) >= count, f"no mail to {address} in {self.messages}"
                    return found
                self.cond.wait(0.05)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # the sink's own chatter
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=free_port())
    controller.start()
    sink.port = controller.port
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    sink = smtp_server.handler
    with sink.cond:
        sink.messages.clear()
    return sink


def body_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def links_in(message):
    return re.findall(r"https?://\S+", body_of(message))


def test_config(tmp_path, smtp_port):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SECURITY_TOTP_SECRETS": {"1": "test-totp-key"},
        "DATABASE_URL": TEST_DATABASE_URL or f"sqlite:///{tmp_path}/helpdesk.db",
        "UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "MAIL_FOLDER": str(tmp_path / "mail"),
        "INTAKE_FOLDER": str(tmp_path / "intake"),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_POLL_SECONDS": 1,
        "SLA_CHECK_SECONDS": 0,  # tests run the SLA watch themselves
        "AUTO_CLOSE_CHECK_SECONDS": 0,  # and the auto-closer
        "UPLOAD_CLEAN_SECONDS": 0,  # and the upload cleaner
        "AUDIT_PRUNE_SECONDS": 0,  # and the audit pruner
        "SEARCH_WINDOW_SECONDS": 0,  # and the search's recent index
        "INTAKE_POLL_SECONDS": 0,  # and the mail intake (fetch-mail)
        # Fast but real hashing (see STACK-NOTES)
        "SECURITY_HASHING_SCHEMES": ["hex_md5"],
        "SECURITY_DEPRECATED_HASHING_SCHEMES": [],
        "SECURITY_PASSWORD_HASH_PASSLIB_OPTIONS": {"argon2__memory_cost": 1024,
                                                   "argon2__rounds": 1},
    }


@pytest.fixture
def config(tmp_path, smtp_server):
    """Override keys here (in a test or fixture) before ``app`` is created."""
    return test_config(tmp_path, smtp_server.port)


class SharedTemplates(BytecodeCache):
    """Templates compiled once per run instead of once per test: every test makes its own
    app, and with it a Jinja environment that would otherwise parse and compile each
    template it renders again. Jinja checks each entry against the template's source."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


shared_templates = SharedTemplates()
_postgres_schema_intact = False


def _share_url_builders():
    """URL builders compiled once per run instead of once per test. Werkzeug compiles a
    Python function for each of the app's ~110 URL rules, twice, whenever an app is made:
    two thirds of ``create_app``'s time, which every test pays. The function depends only
    on the rule's parsed parts and defaults (the converters are looked up on the rule at
    call time), so the same rule gets the same function. Werkzeug 3.1 (requirements.txt);
    on a version without this method the tests simply compile as before."""
    from werkzeug.routing.rules import Rule

    compile_builder = getattr(Rule, "_compile_builder", None)
    if compile_builder is None:
        return
    compiled = {}

    def shared(self, append_unknown=True):
        key = (self.rule, tuple(self._trace), repr(sorted((self.defaults or {}).items())),
               append_unknown)
        if key not in compiled:
            compiled[key] = compile_builder(self, append_unknown)
        return compiled[key]

    Rule._compile_builder = shared


_share_url_builders()


# the tables in the order they can be emptied: those that refer to others first
_EMPTIED = [m for m in reversed(sort_models(ALL_MODELS)) if m is not SchemaVersion]


_EMPTYING = "".join(f'DELETE FROM "{m._meta.table_name}"; ' for m in _EMPTIED) + (
    "DELETE FROM search_text; "  # not a model (helpdesk.search)
    "SELECT setval(pg_get_serial_sequence(name, 'id'), 1, false) FROM unnest(%s) AS name")


def _empty_postgres_database(database):
    """On PostgreSQL the schema is made once per run and emptied before each test (several
    times faster than dropping and creating it); a test marked ``alters_schema`` gets a
    schema made anew after it. Emptied as TRUNCATE ... RESTART IDENTITY would, rows and id
    sequences, but by DELETE: TRUNCATE makes new files for every table, which took about
    five times as long on the few rows a test leaves."""
    global _postgres_schema_intact
    if _postgres_schema_intact:
        with database.atomic():  # one round trip
            database.execute_sql(_EMPTYING, ([f'"{m._meta.table_name}"' for m in _EMPTIED
                                              if isinstance(m._meta.primary_key, AutoField)],))
    else:
        database.drop_tables(ALL_MODELS, safe=True, cascade=True)
        migrations.upgrade(database)
        _postgres_schema_intact = True


_sqlite_template = {}


def _copy_sqlite_template(url):
    """A test's new SQLite file starts as a copy of one migrated once per run: making every
    table and index anew cost each test more than copying the file does. Returns whether
    it copied (a database given by the test itself, or the run's first, is migrated)."""
    path = url.removeprefix("sqlite:///")
    if "path" not in _sqlite_template or path == url or os.path.exists(path):
        return False
    shutil.copyfile(_sqlite_template["path"], path)
    return True


def _keep_sqlite_template(url):
    if "path" in _sqlite_template or not url.startswith("sqlite:///"):
        return
    db.database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # all of it in the file
    folder = tempfile.mkdtemp(prefix="helpdesk-template-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)  # in memory: never left behind
    template = os.path.join(folder, "migrated.db")
    shutil.copyfile(url.removeprefix("sqlite:///"), template)
    _sqlite_template["path"] = template


@pytest.fixture
def app(config, request):
    global _postgres_schema_intact
    app = create_app(config)
    app.jinja_env.bytecode_cache = shared_templates
    url = app.config["DATABASE_URL"]
    copied = not TEST_DATABASE_URL and _copy_sqlite_template(url)
    with app.app_context(), db.database.connection_context():
        if TEST_DATABASE_URL:
            _empty_postgres_database(db.database)
        elif not copied:
            migrations.upgrade(db.database)
            _keep_sqlite_template(url)
        seed.seed()
    if request.node.get_closest_marker("alters_schema"):
        _postgres_schema_intact = False
    yield app
    for name in ("sla_watch", "auto_closer", "mail_dispatcher", "upload_cleaner",
                 "audit_pruner", "mail_intake"):
        if name in app.extensions:
            app.extensions[name].stop()
    if not db.database.is_closed():
        db.database.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def csrf_from(html):
    match = (re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
             or re.search(r'name="csrf_token" value="([^"]+)"', html))
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def make_user(app):
    def make(email, roles=(), departments=(), confirmed=True, full_name=None, locale="id"):
        from flask_security import hash_password

        datastore = app.extensions["security"].datastore
        with app.app_context():
            user = datastore.create_user(
                email=email, full_name=full_name or email.split("@")[0].title(),
                password=hash_password(PASSWORD), locale=locale,
                confirmed_at=utcnow() if confirmed else None)
            for role in roles:
                datastore.add_role_to_user(user, role)
            for name in departments:
                AgentDepartment.create(agent=user, department=Department.get(name=name))
        return user
    return make


@pytest.fixture
def citizen(make_user):
    return make_user("warga@contoh.id", full_name="Siti Warga")


@pytest.fixture
def other_citizen(make_user):
    return make_user("tetangga@contoh.id", full_name="Budi Tetangga")


@pytest.fixture
def agent(make_user):
    return make_user("petugas@kemensos.go.id", roles=["agent"], departments=["Tim SIKS-NG"])


def login(client, user_or_email, password=PASSWORD):
    address = getattr(user_or_email, "email", user_or_email)
    page = client.get("/login")
    return client.post("/login", data={"email": address, "password": password,
                                       "csrf_token": csrf_from(page.text)})


def logout(client):
    token = csrf_from(client.get("/").text)
    return client.post("/logout", data={"csrf_token": token})


@pytest.fixture
def topic(app):
    return HelpTopic.get(name="Aplikasi SIKS-NG")


@pytest.fixture
def make_ticket(app, topic):
    def make(user, subject="Tidak bisa login SIKS-NG", message="Sejak pagi gagal masuk.",
             files=(), chosen_topic=None):
        with app.test_request_context():
            return lifecycle.open_ticket(by=user, topic=chosen_topic or topic, subject=subject,
                                         message=message, files=files)
    return make


def pytest_configure(config):
    """Each test's files (its SQLite database, uploads, mail) go to memory when the machine
    has a tmpfs, unless TMPDIR or --basetemp say otherwise. SQLite checkpoints its WAL and
    syncs the file whenever the last connection closes, which FlaskDB does after every
    request: on a disk that made the tests wait for the disk about a third of the time."""
    if not (config.option.basetemp or os.environ.get("TMPDIR")) and os.path.isdir("/dev/shm"):
        tempfile.tempdir = "/dev/shm"


def pytest_collection_modifyitems(config, items):
    """A test of one database's own behaviour (marked ``sqlite_only`` or
    ``postgresql_only``) is deselected in the other database's pass rather than skipped:
    ``make test`` runs both passes, so it runs once, where it means something, and a skip
    in either pass still fails the run."""
    other = "sqlite_only" if TEST_DATABASE_URL else "postgresql_only"
    dropped = [item for item in items if item.get_closest_marker(other)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker(other)]


def pytest_sessionfinish(session, exitstatus):
    """With HELPDESK_FORBID_SKIPS=1 (make test, CI) a skipped test fails the run."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if os.environ.get("HELPDESK_FORBID_SKIPS") == "1" and skipped:
        reporter.write_line(f"{len(skipped)} test(s) skipped: skips are not allowed here",
                            red=True)
        session.exitstatus = 1


# --- the staff desk ---------------------------------------------------------------------

@pytest.fixture
def colleague(make_user):
    """A second agent of Tim SIKS-NG."""
    return make_user("rekan@kemensos.go.id", roles=["agent"], departments=["Tim SIKS-NG"],
                     full_name="Rina Rekan")


@pytest.fixture
def data_agent(make_user):
    """An agent of another department (Tim Data Terpadu)."""
    return make_user("data@kemensos.go.id", roles=["agent"], departments=["Tim Data Terpadu"],
                     full_name="Dodi Data")


@pytest.fixture
def supervisor(make_user):
    return make_user("supervisor@kemensos.go.id", roles=["supervisor"], full_name="Sari Supervisor")


@pytest.fixture
def client_of(app):
    """A separate signed-in browser for each user: ``client_of(agent)``."""
    def make(user):
        browser = app.test_client()
        response = login(browser, user)
        assert response.status_code == 302, response.text
        return browser
    return make


def desk_url(ticket, view="details"):
    return f"/admin/ticket/{view}/?id={ticket.id}"


def desk_post(client, ticket, view, files=None, **fields):
    """Send one of the ticket page's forms (``reply``, ``note``, ``transfer``, ``status``,
    ``assign``; ``claim`` and ``release`` have no fields) as the signed-in user."""
    token = csrf_from(client.get("/").text)
    data = {"csrf_token": token, f"{view}-csrf_token": token}
    data.update({f"{view}-{name}": value for name, value in fields.items()})
    if files is not None:
        data[f"{view}-attachments"] = files
    return client.post(desk_url(ticket, view), data=data, content_type="multipart/form-data")
