"""On SQLite a new ticket's pages go to the write-ahead log, and the mail thread (which the
ticket wakes), not the request, copies the log into the database file: the citizen's POST
never waits for that copy and its sync."""
import hashlib
from pathlib import Path

import pytest

from helpdesk import mailer
from helpdesk.models import Ticket

from conftest import TEST_DATABASE_URL, login
from test_tickets import post_ticket

pytestmark = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's log")


def database_file(app):
    """The bytes of the database file itself (the log apart)."""
    path = Path(app.config["DATABASE_URL"].removeprefix("sqlite:///"))
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_mail_thread_copies_a_new_ticket_into_the_database_file(app, client, citizen,
                                                                     topic, mailbox):
    app.extensions["mail_dispatcher"].stop()  # it runs below, when the test says
    login(client, citizen)
    before = database_file(app)
    assert post_ticket(client, topic, subject="Bansos belum cair").status_code == 302
    assert Ticket.get().subject == "Bansos belum cair"
    assert database_file(app) == before  # in the log only

    mailer.dispatcher(app).run_once()

    assert database_file(app) != before
    [receipt] = mailbox.to(citizen.email)  # and the mail went out as before
    assert "Bansos belum cair" in receipt["Subject"]
