"""On SQLite a new ticket's pages go to the write-ahead log, and the mail thread (which the
ticket wakes), not the request, copies the log into the database file: the citizen's POST
never waits for that copy and its sync. A checkpoint that fails keeps no mail back."""
import hashlib
from pathlib import Path

import pytest
from peewee import OperationalError

from helpdesk import mailer
from helpdesk.db import db
from helpdesk.models import Ticket

from conftest import login
from test_tickets import post_ticket

pytestmark = pytest.mark.sqlite_only  # SQLite's log


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


def test_mail_goes_out_when_the_checkpoint_fails(app, client, citizen, topic, mailbox,
                                                 monkeypatch, caplog):
    app.extensions["mail_dispatcher"].stop()
    login(client, citizen)
    assert post_ticket(client, topic, subject="Kartu tidak terbaca").status_code == 302
    database = db.database.obj
    real = database.execute_sql

    def failing(sql, *args, **kwargs):
        if sql.startswith("PRAGMA wal_checkpoint"):
            raise OperationalError("disk I/O error")
        return real(sql, *args, **kwargs)
    monkeypatch.setattr(database, "execute_sql", failing)

    mailer.dispatcher(app).run_once()

    [receipt] = mailbox.to(citizen.email)
    assert "Kartu tidak terbaca" in receipt["Subject"]
    assert "Checkpointing the WAL failed" in caplog.text
